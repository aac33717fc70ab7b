import Foundation
import Search

/// The bookkeeping file `<out>/<atlas>/manifest.json` of an atlas: the verdicts already paid
/// for, what each cell's PNGs were made from, and the atlas as the front page shows it.
///
/// Same file name as a run's `RunManifest`, told apart by `kind` (neither decodes as the other),
/// so a directory holds one or the other.
struct AtlasManifest: Codable, Equatable {
    static let currentVersion = 1
    static let kindTag = "atlas"

    var version: Int = currentVersion
    var kind: String = kindTag
    var atlas: AtlasInfo
    /// Who made the cached verdicts (`AtlasManifest.judge(settings:)`); another judge voids them.
    var judge: String
    /// Cached verdicts by cell (decimal text), each for the genome it was made from.
    var verdicts: [String: CachedVerdict] = [:]
    /// Exported PNGs by cell (decimal text).
    var cells: [String: CellEntry] = [:]

    /// The atlas as the front page shows it.
    struct AtlasInfo: Codable, Equatable {
        var name: String
        var target: String
        var model: String
        var heldOutModel: String
        var status: String
        var seed: String
        var batches: Int
        var evaluations: Int
        var elapsedSeconds: Double
        /// Creation time, seconds since 1970 (orders the front page, newest first).
        var createdAt: Double
        /// Number of cells (classes) of the atlas, filled or not.
        var cellCount: Int
        /// Coverage by the verdicts of the last finished export (nil before one finished).
        var coverage: Coverage?
        /// Up to four cells for the front page, most robust first.
        var showcase: [Int] = []
    }

    /// `AtlasCoverage` as stored.
    struct Coverage: Codable, Equatable {
        var cells: Int
        var filled: Int
        var robustAtHalf: Int
        var robustAtNinety: Int
        var robustAtNinetyNine: Int
        var heldOutAtHalf: Int
        var heldOutAgree: Int

        init(_ c: AtlasCoverage) {
            cells = c.cells
            filled = c.filled
            robustAtHalf = c.robustAtHalf
            robustAtNinety = c.robustAtNinety
            robustAtNinetyNine = c.robustAtNinetyNine
            heldOutAtHalf = c.heldOutAtHalf
            heldOutAgree = c.heldOutAgree
        }

        /// The coverage in one line: `5/1000 cells · robust ≥50% 3 · ≥90% 2 · ≥99% 1 · …`.
        var line: String {
            "\(GalleryFormat.count(filled))/\(GalleryFormat.count(cells)) cells · robust ≥50% "
                + "\(GalleryFormat.count(robustAtHalf)) · ≥90% \(GalleryFormat.count(robustAtNinety)) · "
                + "≥99% \(GalleryFormat.count(robustAtNinetyNine)) · held-out ≥50% "
                + "\(GalleryFormat.count(heldOutAtHalf)) · held-out agrees \(GalleryFormat.count(heldOutAgree))"
        }
    }

    /// A verdict and the genome it judged.
    struct CachedVerdict: Codable, Equatable {
        /// `RunManifest.hash` of the judged genome text.
        var genomeHash: String
        var verdict: CellVerdict
    }

    /// One cell's exported files and what they were made from.
    struct CellEntry: Codable, Equatable {
        /// `RunManifest.hash` of the rendered genome text.
        var genomeHash: String
        /// `RunManifest.hash` of the PNGs' text chunks (scores, names).
        var textHash: String
        var size: Int
        var supersampling: Int
        var thumbnailSize: Int
        /// File names inside the atlas directory.
        var image: String
        var thumbnail: String
    }

    /// The judge of an atlas with `settings`: its networks and its held-out network.
    static func judge(_ settings: AtlasSettings) -> String {
        "\(settings.modelName), held out \(settings.heldOutModel)"
    }

    /// The cached verdict on `cell`, if one was made for `genome`.
    func verdict(for cell: Int, genome: String) -> CellVerdict? {
        guard let cached = verdicts[String(cell)], cached.genomeHash == RunManifest.hash(genome) else { return nil }
        return cached.verdict
    }

    /// The manifest in `directory`, or nil if there is none, it is a run's, or it cannot be used
    /// (damaged, or written by another version): the export then starts the atlas afresh.
    static func load(from directory: String) -> AtlasManifest? {
        let path = directory + "/" + RunManifest.fileName
        guard let data = FileManager.default.contents(atPath: path),
              let manifest = try? RunManifest.decoder.decode(AtlasManifest.self, from: data),
              manifest.version == currentVersion, manifest.kind == kindTag else { return nil }
        return manifest
    }

    /// Writes the manifest into `directory` atomically (sorted keys: same content, same bytes).
    func save(to directory: String) throws {
        let path = directory + "/" + RunManifest.fileName
        let data: Data
        do {
            data = try RunManifest.encoder.encode(self)
        } catch {
            throw GalleryError.writeFailed(path: path, reason: "cannot encode: \(error)")
        }
        try AtomicFile.write([UInt8](data) + [UInt8(ascii: "\n")], to: path)
    }
}
