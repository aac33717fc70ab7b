import Foundation

/// The bookkeeping file `<out>/<run>/manifest.json`: what each record's files were made
/// from, so an export reuses finished renders and resumes after an interruption, and the
/// front page can list every run in the directory without the database.
struct RunManifest: Codable, Equatable {
    static let fileName = "manifest.json"
    static let currentVersion = 1

    var version: Int = currentVersion
    var run: RunInfo
    /// Rendered records by record id (decimal text), including records not on the page.
    var records: [String: Entry] = [:]
    /// The last generation's Pareto front, for runs that select survivors by it (nil: none
    /// exported, or a manifest written before fronts were).
    var front: Front?

    /// The run as the front page shows it.
    struct RunInfo: Codable, Equatable {
        var name: String
        var target: String
        var model: String
        var status: String
        var seed: String
        var generations: Int
        var evaluations: Int
        var elapsedSeconds: Double
        /// Run creation time, seconds since 1970 (orders the front page, newest first).
        var createdAt: Double
        /// Ids of the records on the run page, in page order.
        var shown: [Int64] = []
        /// Id of the run's fittest record, if it has any.
        var best: Int64?
        /// The genome family and the search, in words (`BreedingLabel`), from the run's plan;
        /// nil in manifests written before they were shown, and for a plan that cannot be read.
        var genomes: String?
        var search: String?
    }

    /// One record's exported files and what they were made from.
    struct Entry: Codable, Equatable {
        /// `RunManifest.hash(genome)` of the rendered genome text.
        var genomeHash: String
        /// `RunManifest.hash` of the text chunks that do not depend on the render.
        var textHash: String
        var generation: Int
        var size: Int
        var supersampling: Int
        var thumbnailSize: Int
        /// File names inside the run directory.
        var image: String
        var thumbnail: String
        /// The confidence in the database when the record was exported.
        var storedConfidence: Float
        /// The confidence re-measured on the exported render.
        var measuredConfidence: Float
        /// The record's fitness as stored (the objective minus its penalties, as the search
        /// scored it): the headline of an objective of inner features, which has no confidence
        /// of its own. Nil in manifests written before it was kept.
        var fitness: Float?
        /// The held-out check measured on the render, for pictures that have none stored (a
        /// generation's Pareto front); nil for records (theirs is in the database).
        var heldOut: HeldOut?
    }

    /// A network the run never used, on the judge's framings of a render.
    struct HeldOut: Codable, Equatable {
        var model: String
        var confidence: Float
        /// Share of the framings on which the target was its top-1 class.
        var topOne: Float
        var framings: Int
    }

    /// A generation's Pareto front as last exported (`FrontSection`).
    struct Front: Codable, Equatable {
        var generation: Int
        /// Rendered members by `hash(genome)`.
        var entries: [String: Entry]
    }

    /// 64-bit FNV-1a of the UTF-8 text, as 16 hexadecimal digits.
    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let digits = String(h, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// `hash` of a PNG's text chunks in key order: tells whether what a file says has changed.
    static func hash(chunks text: [String: String]) -> String {
        hash(text.sorted { $0.key < $1.key }.map { "\($0.key)\u{0}\($0.value)" }.joined(separator: "\u{0}"))
    }

    /// The manifest in `directory`, or `nil` if there is none or it cannot be used (damaged,
    /// or written by another version): the export then starts that run afresh.
    static func load(from directory: String) -> RunManifest? {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path),
              let manifest = try? decoder.decode(RunManifest.self, from: data),
              manifest.version == currentVersion else { return nil }
        return manifest
    }

    /// Writes the manifest into `directory` atomically (sorted keys: same content, same bytes).
    func save(to directory: String) throws {
        let path = directory + "/" + Self.fileName
        let data: Data
        do {
            data = try Self.encoder.encode(self)
        } catch {
            throw GalleryError.writeFailed(path: path, reason: "cannot encode: \(error)")
        }
        try AtomicFile.write([UInt8](data) + [UInt8(ascii: "\n")], to: path)
    }

    /// Sorted keys, pretty-printed, non-finite numbers as text: shared with `AtlasManifest`.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
