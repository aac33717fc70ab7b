import Foundation
import Search
import Store

/// Exports runs of a run database as a static, self-contained HTML gallery.
///
/// Layout of the output directory `<out>`:
/// - `<out>/index.html`: every run exported into `<out>` (so far), newest first;
/// - `<out>/<run>/index.html`: the run's chart and records;
/// - `<out>/<run>/record-g<generation>-<id>.png` and `…-thumb.png`: the renders, carrying
///   the genome and scores in text chunks (`PNGTextKey`);
/// - `<out>/<run>/manifest.json`: what each render was made from.
///
/// An atlas gets `<out>/<atlas>/index.html` instead (`AtlasExporter`): its coverage, its
/// similarity graph (`graph.dot`, `graph.svg`) and its cells (`cell-NNNN.png`, `…-thumb.png`).
///
/// Exports are incremental: a record whose genome, size, supersampling, thumbnail size and
/// text chunks are unchanged is not rendered again. Every file is written atomically and the
/// manifest after each record, so an interrupted export resumes where it stopped. An atlas's
/// page is written first and rewritten as its elites are judged; its verdicts are cached in
/// `<out>/<atlas>/verdicts.jsonl`.
public enum GalleryExporter {
    /// Renders the selected records of `names` (every run when empty) into
    /// `options.outputDirectory` and writes the pages.
    ///
    /// Each record's image path in the store is set to its full-size PNG.
    /// - Parameters:
    ///   - progress: called after each record, reused or rendered.
    ///   - atlasProgress: called after each rendered cell, judged genome and annotated cell of
    ///     an atlas.
    ///   - isCancelled: polled between records, cells and genomes; true ends the export with
    ///     `GalleryError.interrupted` once the finished work is saved (the page included).
    /// - Throws: `GalleryError` (`.unknownRun`, `.noRuns`, `.invalidOption`,
    ///   `.outputNotDirectory`, `.outputNotWritable`, `.writeFailed`, `.renderFailed`,
    ///   `.measureFailed`, and for atlases `.judgeFailed`, `.cellRenderFailed`,
    ///   `.graphLayoutFailed`, `.interrupted`), the store's `StoreError`, or `SearchError.unreadableConfig`.
    @discardableResult
    public static func export(runs names: [String], from store: RunStore, options: GalleryOptions,
                              renderer: GalleryRenderer,
                              progress: (GalleryProgress) -> Void = { _ in },
                              atlasProgress: (AtlasProgress) -> Void = { _ in },
                              isCancelled: @escaping () -> Bool = { false }) throws -> GalleryReport {
        try validate(options)
        let runs = try resolve(names, in: store)
        let out = trimmed(options.outputDirectory)
        try Directory.make(out)
        var reports: [GalleryReport.RunReport] = []
        var warnings: [String] = []
        for run in runs {
            if run.kind == .atlas {
                let outcome = try AtlasExporter.export(run, from: store, into: out, options: options,
                                                       renderer: renderer, isCancelled: isCancelled,
                                                       progress: atlasProgress)
                reports.append(outcome.report)
                if let warning = outcome.warning, !warnings.contains(warning) { warnings.append(warning) }
            } else {
                reports.append(try exportRun(run, from: store, into: out, options: options,
                                             renderer: renderer, isCancelled: isCancelled, progress: progress))
            }
            try writeIndex(out)
        }
        return GalleryReport(index: out + "/index.html", runs: reports, warnings: warnings)
    }

    /// Rewrites `<out>/index.html` from the manifests of every run and atlas directory in `out`.
    public static func writeIndex(_ out: String) throws {
        let names = Directory.subdirectories(of: out)
        let runs = names.compactMap { name in
            RunManifest.load(from: out + "/" + name).flatMap { $0.run.name == name ? $0 : nil }
        }
        let atlases = names.compactMap { name in
            AtlasManifest.load(from: out + "/" + name).flatMap { $0.atlas.name == name ? $0 : nil }
        }
        try AtomicFile.write(IndexPage(runs: runs, atlases: atlases).html(), to: out + "/index.html")
    }

    // MARK: One run

    /// Exports one run's selected records and writes its page.
    private static func exportRun(_ run: Run, from store: RunStore, into out: String,
                                  options: GalleryOptions, renderer: GalleryRenderer, isCancelled: () -> Bool,
                                  progress: (GalleryProgress) -> Void) throws -> GalleryReport.RunReport {
        let directory = out + "/" + run.name
        try Directory.make(directory)
        let records = try store.records(run: run.id)
        let stats = try store.generations(run: run.id)
        let best = fittest(records)
        let chosen = (options.selection == .best ? best.map { [$0] } ?? [] : records)
            .sorted { $0.id > $1.id }
        // The stored plan, decoded once for the page and the front page's card (nil when it
        // cannot be read: the pages then fall back to the target text and leave the breeding out).
        let settings = try? RunSettings.decode(run.config, run: run.name)
        let breeding = settings.map(BreedingLabel.init)

        var manifest = RunManifest.load(from: directory) ?? RunManifest(run: info(run, stats))
        if manifest.run.name != run.name { manifest = RunManifest(run: info(run, stats)) }
        manifest.run = info(run, stats, shown: chosen.map(\.id), best: best?.id, breeding: breeding)
        prune(&manifest, keeping: Set(records.map(\.id)), in: directory)
        try manifest.save(to: directory)

        let exporter = RecordExporter(run: run, directory: directory, options: options,
                                      renderer: renderer, pictures: try RunPictures.load(run: run, from: store))
        var cards: [RunPage.Card] = []
        var rendered = 0
        for (position, record) in chosen.enumerated() {
            if isCancelled() {
                try writeIndex(out)
                throw GalleryError.interrupted(run: run.name, page: out + "/index.html", judged: 0, remaining: 0)
            }
            let key = String(record.id)
            let previous = manifest.records[key]
            let reused = exporter.reusable(record, previous: previous)
            let entry: RunManifest.Entry
            if let reused {
                entry = reused
            } else {
                if previous != nil {
                    // Files about to be overwritten no longer match the entry: forget it
                    // first, so an interruption mid-write cannot leave a trusted mismatch.
                    manifest.records[key] = nil
                    try manifest.save(to: directory)
                }
                entry = try exporter.render(record, previous: previous)
                manifest.records[key] = entry
                try manifest.save(to: directory)
                rendered += 1
            }
            cards.append(RunPage.Card(record: record, entry: entry))
            progress(GalleryProgress(run: run.name, done: position + 1, total: chosen.count,
                                     record: record.id, generation: record.generation,
                                     reused: reused != nil,
                                     measuredConfidence: entry.measuredConfidence))
        }
        let front = try FrontSection.export(run, settings: settings, store: store, exporter: exporter,
                                            manifest: &manifest, isCancelled: isCancelled, out: out, progress: progress)
        removeUnreferencedFiles(in: directory, manifest: manifest)
        let page = RunPage(run: run, stats: stats, cards: cards, best: best?.id, options: options, settings: settings,
                           front: front)
        let pagePath = directory + "/index.html"
        try AtomicFile.write(page.html(), to: pagePath)
        return GalleryReport.RunReport(name: run.name, page: pagePath, rendered: rendered,
                                       reused: chosen.count - rendered)
    }

    /// The record with the highest fitness (NaN lowest; ties: the latest), as `runs()` picks.
    static func fittest(_ records: [RecordRow]) -> RecordRow? {
        records.max { a, b in
            let fa = a.fitness.isNaN ? -Float.infinity : a.fitness
            let fb = b.fitness.isNaN ? -Float.infinity : b.fitness
            return (fa, a.id) < (fb, b.id)
        }
    }

    /// Drops manifest entries (and their files) of records no longer in the database.
    private static func prune(_ manifest: inout RunManifest, keeping ids: Set<Int64>,
                              in directory: String) {
        for (key, entry) in manifest.records where !(Int64(key).map(ids.contains) ?? false) {
            Directory.remove(directory + "/" + entry.image)
            Directory.remove(directory + "/" + entry.thumbnail)
            manifest.records[key] = nil
        }
    }

    /// Deletes record and front PNGs no manifest entry names (left by an interrupted re-render), an
    /// atlas's files left from an earlier atlas of the same name, and temporary files of
    /// interrupted writes. One export per directory at a time.
    private static func removeUnreferencedFiles(in directory: String, manifest: RunManifest) {
        let exported = Array(manifest.records.values) + Array(manifest.front?.entries.values ?? [:].values)
        let referenced = Set(exported.flatMap { [$0.image, $0.thumbnail] })
        let atlasFiles: Set = [AtlasExporter.graphDOT, AtlasExporter.graphSVG]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names {
            let stale = ((name.hasPrefix("record-g") || name.hasPrefix("front-")) && !referenced.contains(name) || name.hasPrefix("cell-"))
                && name.hasSuffix(".png") || atlasFiles.contains(name)
            let temporary = name.hasPrefix(".") && name.hasSuffix(".tmp")
            if stale || temporary { Directory.remove(directory + "/" + name) }
        }
    }

    /// The front page's view of a run.
    private static func info(_ run: Run, _ stats: [GenerationStats], shown: [Int64] = [],
                             best: Int64? = nil, breeding: BreedingLabel? = nil) -> RunManifest.RunInfo {
        RunManifest.RunInfo(
            name: run.name, target: run.target, model: run.model, status: run.status.rawValue,
            seed: String(run.seed), generations: run.generations,
            evaluations: stats.last?.evaluations ?? 0,
            elapsedSeconds: stats.last?.elapsedSeconds ?? 0,
            createdAt: run.createdAt.timeIntervalSince1970, shown: shown, best: best,
            genomes: breeding?.familyText, search: breeding?.searchText)
    }

    // MARK: Arguments

    /// The runs called `names` (duplicates dropped), or every run when `names` is empty.
    private static func resolve(_ names: [String], in store: RunStore) throws -> [Run] {
        if names.isEmpty {
            let all = try store.runs()
            if all.isEmpty { throw GalleryError.noRuns(database: store.path) }
            return try all.map { try store.run(id: $0.id) }
        }
        var seen = Set<String>()
        return try names.filter { seen.insert($0).inserted }.map { name in
            do {
                return try store.run(named: name)
            } catch StoreError.runNotFound(let name, let existing) {
                throw GalleryError.unknownRun(name: name, candidates: existing)
            }
        }
    }

    private static func validate(_ options: GalleryOptions) throws {
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("size", options.size, 16...16384),
            ("supersampling (--aa)", options.supersampling, 1...8),
            ("thumbnail size", options.thumbnailSize, 8...16384),
        ]
        for (name, value, allowed) in checks where !allowed.contains(value) {
            throw GalleryError.invalidOption(name: name, value: value, allowed: allowed)
        }
    }

    /// `path` without trailing slashes (`"."` for an empty path).
    private static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path.isEmpty ? "." : path
    }
}
