import Foundation
import Scoring
import Search
import Store

/// The bookkeeping file `<out>/<atlas>/manifest.json` of an atlas: what each cell's PNGs were
/// made from, and the atlas as the front page shows it. The verdicts live in their own journal
/// (`AtlasVerdictCache`, `verdicts.jsonl`), appended as they are made.
///
/// Version 1 kept the verdicts here (`verdicts`); they are read once and moved to the journal.
/// Same file name as a run's `RunManifest`, told apart by `kind` (neither decodes as the other),
/// so a directory holds one or the other.
struct AtlasManifest: Codable, Equatable {
    static let currentVersion = 2
    /// Versions `load` accepts (1: verdicts inside the manifest).
    static let readableVersions = 1...2
    static let kindTag = "atlas"

    var version: Int = currentVersion
    var kind: String = kindTag
    var atlas: AtlasInfo
    /// Who made the cached verdicts (`AtlasManifest.judge(settings:)`); another judge voids them.
    var judge: String
    /// Version 1 only: cached verdicts by cell (decimal text), each for the genome it was made
    /// from (moved to `AtlasVerdictCache` on load; never written).
    var verdicts: [String: CachedVerdict]?
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
        /// Coverage by the verdicts so far (nil before the first page).
        var coverage: Coverage?
        /// Up to four cells for the front page, most robust first.
        var showcase: [Int] = []
        /// The genome family and the search, in words (`BreedingLabel`), from the atlas's plan;
        /// nil in manifests written before they were shown.
        var genomes: String?
        var search: String?
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
        /// Cells judged (nil in version 1: every filled cell).
        var judged: Int?

        init(_ c: AtlasCoverage) {
            cells = c.cells
            filled = c.filled
            robustAtHalf = c.robustAtHalf
            robustAtNinety = c.robustAtNinety
            robustAtNinetyNine = c.robustAtNinetyNine
            heldOutAtHalf = c.heldOutAtHalf
            heldOutAgree = c.heldOutAgree
            judged = c.judged
        }

        /// The coverage in one line: `5/1000 cells · robust ≥50% 3 · ≥90% 2 · ≥99% 1 · …`.
        var line: String {
            let judgedPart = (judged ?? filled) < filled ? "\(GalleryFormat.count(judged ?? 0)) judged · " : ""
            return "\(GalleryFormat.count(filled))/\(GalleryFormat.count(cells)) cells · \(judgedPart)robust ≥50% "
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
        /// True: only the thumbnail exists, rendered directly at its size (a preview shown until
        /// the full-size render, which then replaces it); nil or false: both files, the thumbnail
        /// downscaled from the full render.
        var preview: Bool? = nil
    }

    /// The judge of an atlas with `settings`: its networks, its held-out network, and the
    /// judge's framings and render size.
    static func judge(_ settings: AtlasSettings) -> String {
        legacyJudge(settings) + "; \(Judge.framingCount) framings of a \(Judge.renderSize)² render"
    }

    /// The judge as version 1 named it (same framings and render).
    static func legacyJudge(_ settings: AtlasSettings) -> String {
        "\(settings.modelName), held out \(settings.heldOutModel)"
    }

    /// The manifest in `directory`, or nil if there is none, it is a run's, or it cannot be used
    /// (damaged, or written by another version): the export then starts the atlas afresh.
    static func load(from directory: String) -> AtlasManifest? {
        let path = directory + "/" + RunManifest.fileName
        guard let data = FileManager.default.contents(atPath: path),
              let manifest = try? RunManifest.decoder.decode(AtlasManifest.self, from: data),
              readableVersions.contains(manifest.version), manifest.kind == kindTag else { return nil }
        return manifest
    }

    /// Writes the manifest into `directory` atomically (sorted keys: same content, same bytes).
    func save(to directory: String) throws {
        let path = directory + "/" + RunManifest.fileName
        var current = self
        current.version = Self.currentVersion
        current.verdicts = nil
        let data: Data
        do {
            data = try RunManifest.encoder.encode(current)
        } catch {
            throw GalleryError.writeFailed(path: path, reason: "cannot encode: \(error)")
        }
        try AtomicFile.write([UInt8](data) + [UInt8(ascii: "\n")], to: path)
    }
}

/// The verdicts an atlas's gallery has paid for: `<out>/<atlas>/verdicts.jsonl`, one line per
/// judged genome (`{"version":1,"judge":…,"genome":<hash>,"verdicts":[…]}`), keyed by the
/// genome text's hash and the judge (`AtlasManifest.judge`).
///
/// A line is appended (and flushed) as soon as a genome is judged, so Ctrl-C or a crash loses
/// no verdict already made; a line cut short by a kill is ignored. `compact` rewrites the file
/// atomically with only the lines still needed.
struct AtlasVerdictCache {
    static let fileName = "verdicts.jsonl"
    static let currentVersion = 1

    /// One journal line: the verdicts on every cell that held `genome` when it was judged.
    struct Line: Codable, Equatable {
        var version: Int = AtlasVerdictCache.currentVersion
        var judge: String
        /// `RunManifest.hash` of the genome text.
        var genome: String
        var verdicts: [CellVerdict]
    }

    /// The journal's path.
    let path: String
    /// The judge whose verdicts count; lines of another judge are ignored (and compacted away).
    let judge: String
    /// Verdicts by genome hash, then cell.
    private(set) var verdicts: [String: [Int: CellVerdict]] = [:]

    /// The journal in `directory` for `judge` (empty when there is none).
    init(directory: String, judge: String) {
        path = directory + "/" + Self.fileName
        self.judge = judge
        guard let data = FileManager.default.contents(atPath: path) else { return }
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let entry = try? RunManifest.decoder.decode(Line.self, from: Data(line)),
                  entry.version == Self.currentVersion, entry.judge == judge else { continue }
            remember(entry)
        }
    }

    /// The cached verdict on `cell` holding `genome`, if any.
    func verdict(cell: Int, genome: String) -> CellVerdict? {
        verdicts[RunManifest.hash(genome)]?[cell]
    }

    /// Appends the verdicts on `genome` to the journal (flushed to disk) and remembers them.
    /// - Throws: `GalleryError.writeFailed` naming the journal.
    mutating func append(genome: String, verdicts made: [CellVerdict]) throws {
        let entry = Line(judge: judge, genome: RunManifest.hash(genome), verdicts: made)
        try Self.append(try Self.encode(entry, path: path), to: path)
        remember(entry)
    }

    /// Appends `bytes` to the file at `path` (created if missing) and flushes it to disk.
    private static func append(_ bytes: [UInt8], to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw GalleryError.writeFailed(path: path, reason: "cannot create the file")
            }
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
        } catch {
            throw GalleryError.writeFailed(path: path, reason: error.localizedDescription)
        }
    }

    /// Takes over version-1 manifest verdicts (by cell, each with its genome hash) without
    /// writing them; `compact` writes them.
    mutating func adopt(_ legacy: [String: AtlasManifest.CachedVerdict]) {
        for (_, cached) in legacy.sorted(by: { $0.key < $1.key }) where verdicts[cached.genomeHash]?[cached.verdict.cell] == nil {
            remember(Line(judge: judge, genome: cached.genomeHash, verdicts: [cached.verdict]))
        }
    }

    /// Rewrites the journal atomically with one line per genome of `elites` that has verdicts
    /// (the verdicts on the cells holding it), in cell order; untouched when the bytes are equal.
    /// - Throws: `GalleryError.writeFailed`.
    func compact(keeping elites: [EliteRow]) throws {
        var cellsOfGenome: [String: [Int]] = [:]
        var order: [String] = []
        for elite in elites.sorted(by: { $0.cell < $1.cell }) {
            let hash = RunManifest.hash(elite.genome)
            guard verdicts[hash]?[elite.cell] != nil else { continue }
            if cellsOfGenome[hash] == nil { order.append(hash) }
            cellsOfGenome[hash, default: []].append(elite.cell)
        }
        var bytes: [UInt8] = []
        for hash in order {
            let made = (cellsOfGenome[hash] ?? []).compactMap { verdicts[hash]?[$0] }
            bytes += try Self.encode(Line(judge: judge, genome: hash, verdicts: made), path: path)
        }
        if let existing = FileManager.default.contents(atPath: path), [UInt8](existing) == bytes { return }
        if bytes.isEmpty && !FileManager.default.fileExists(atPath: path) { return }
        try AtomicFile.write(bytes, to: path)
    }

    private mutating func remember(_ entry: Line) {
        for verdict in entry.verdicts { verdicts[entry.genome, default: [:]][verdict.cell] = verdict }
    }

    /// `RunManifest.encoder` on one line: sorted keys, no pretty printing.
    private static var lineEncoder: JSONEncoder {
        let encoder = RunManifest.encoder
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// `entry` as one JSON line (sorted keys) ending in a newline.
    private static func encode(_ entry: Line, path: String) throws -> [UInt8] {
        do {
            return [UInt8](try lineEncoder.encode(entry)) + [UInt8(ascii: "\n")]
        } catch {
            throw GalleryError.writeFailed(path: path, reason: "cannot encode: \(error)")
        }
    }
}
