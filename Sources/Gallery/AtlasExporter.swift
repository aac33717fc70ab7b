import Foundation
import Net
import Search
import Store

/// Exports one atlas into `<out>/<atlas>/`: renders each cell's PNGs, writes the page
/// `index.html` at once, judges the elites (verdicts appended to `verdicts.jsonl` as they are
/// made, `AtlasVerdictCache`), rewrites the page as it goes, then lays out the similarity graph
/// (`graph.dot`, `graph.svg`) and writes the finished page.
///
/// The order puts the page first: (1) the page, cards with the atlas's training figures
/// (labelled "not yet judged"); (2) each cell's PNGs, or only a preview thumbnail when the full
/// render is large (`CellExporter.previews`), the page rewritten every `pageInterval`; (3) the
/// verdicts, one distinct genome at a time, the page rewritten every `pageInterval`; (4) the
/// previewed cells' full-size renders, and the verdicts written into the text chunks of PNGs
/// made before them (no render: the image chunks are kept); (5) the graph and the finished
/// page. Every file is written atomically.
///
/// Incremental like runs: a verdict is reused while its cell holds the same genome and the judge
/// is the same, PNGs while genome and sizes are unchanged, the graph's SVG while its DOT text is.
/// Ctrl-C (`isCancelled`) or a crash loses no verdict already made; the next export goes on.
struct AtlasExporter {
    var run: Run
    var settings: AtlasSettings
    /// The atlas directory, `<out>/<atlas>`.
    var directory: String
    var options: GalleryOptions
    var renderer: GalleryRenderer
    var classes: ImageNetClasses
    /// Polled between steps; true ends the export with `GalleryError.interrupted`.
    var isCancelled: () -> Bool = { false }
    /// How often the page (and manifest) is rewritten while cells are rendered and judged.
    var pageInterval = Duration.seconds(5)

    /// What the export did, and the warning to show once (Graphviz missing).
    struct Outcome {
        var report: GalleryReport.RunReport
        var warning: String?
    }

    static let graphDOT = "graph.dot", graphSVG = "graph.svg"

    /// Exports atlas `run` of `store` into `out`.
    ///
    /// - Throws: `GalleryError` (`.judgeFailed`, `.cellRenderFailed`, `.graphLayoutFailed`,
    ///   `.writeFailed`, `.interrupted`, …), `SearchError.unreadableConfig`, the store's
    ///   `StoreError`, or `NetError.classListUnavailable`.
    static func export(_ run: Run, from store: RunStore, into out: String, options: GalleryOptions,
                       renderer: GalleryRenderer, isCancelled: @escaping () -> Bool,
                       progress: (AtlasProgress) -> Void) throws -> Outcome {
        let exporter = AtlasExporter(run: run, settings: try AtlasSettings.decode(run.config, run: run.name),
                                     directory: out + "/" + run.name, options: options, renderer: renderer,
                                     classes: try ImageNetClasses.bundled(), isCancelled: isCancelled)
        try Directory.make(exporter.directory)
        return try exporter.export(elites: try store.elites(run: run.id), stats: try store.generations(run: run.id),
                                   progress: progress)
    }

    /// The export's working state: every filled cell in class order with the files the page
    /// shows for it, the manifest and the verdict journal.
    private struct Work {
        var cells: [AtlasCell]
        /// The files shown for each cell (nil: none yet); they show its picture, though their
        /// text chunks may carry older figures.
        var entries: [AtlasManifest.CellEntry?]
        var manifest: AtlasManifest
        var cache: AtlasVerdictCache
        var stats: [GenerationStats]
        var rendered = 0
        var judged = 0
        var remaining = 0
    }

    func export(elites: [EliteRow], stats: [GenerationStats], progress: (AtlasProgress) -> Void) throws -> Outcome {
        let judge = AtlasManifest.judge(settings)
        var manifest = AtlasManifest.load(from: directory).flatMap { $0.atlas.name == run.name ? $0 : nil }
            ?? AtlasManifest(atlas: info(stats, previous: nil), judge: judge)
        var cache = AtlasVerdictCache(directory: directory, judge: judge)
        if let legacy = manifest.verdicts, manifest.judge == AtlasManifest.legacyJudge(settings) || manifest.judge == judge {
            cache.adopt(legacy)
            try cache.compact(keeping: elites)
        }
        manifest.verdicts = nil
        manifest.judge = judge
        manifest.atlas = info(stats, previous: manifest.atlas)
        prune(&manifest, keeping: elites)

        let sorted = elites.sorted { $0.cell < $1.cell }
        let cells = sorted.map { cell($0, verdict: cache.verdict(cell: $0.cell, genome: $0.genome)) }
        let exporter = cellExporter
        let entries = cells.map { exporter.samePicture($0, previous: manifest.cells[String($0.elite.cell)]) }
        // Entries whose files are about to be overwritten are forgotten first, so an interruption
        // mid-write cannot leave a trusted mismatch.
        for (cell, entry) in zip(cells, entries) where entry == nil {
            manifest.cells[String(cell.elite.cell)] = nil
        }
        try manifest.save(to: directory)
        var work = Work(cells: cells, entries: entries, manifest: manifest, cache: cache, stats: stats)
        try writePage(work, finished: false)
        try GalleryExporter.writeIndex(parentDirectory)

        var renderFailure = try renderMissing(&work, progress: progress)
        try judgeMissing(&work, progress: progress)
        try finishFiles(&work, failure: &renderFailure, progress: progress)
        removeUnreferencedFiles(work.manifest)
        try work.cache.compact(keeping: elites)

        let graph = try drawGraph(work.cells)
        work.manifest.atlas.showcase = work.cells.filter { $0.verdict != nil }
            .sorted { ($0.verdict?.robust ?? 0, -$0.elite.cell) > ($1.verdict?.robust ?? 0, -$1.elite.cell) }
            .prefix(4).map(\.elite.cell)
        let pagePath = try writePage(work, finished: true, graph: graph)
        if let renderFailure { throw renderFailure }
        let report = GalleryReport.RunReport(name: run.name, page: pagePath, rendered: work.rendered,
                                             reused: cells.count - work.rendered, judged: work.judged)
        return Outcome(report: report, warning: graph.drawing == .graphvizMissing ? Graphviz.missingAdvice : nil)
    }

    /// `<out>`, the gallery directory holding the atlas directory.
    private var parentDirectory: String {
        guard let slash = directory.lastIndex(of: "/") else { return "." }
        return slash == directory.startIndex ? "/" : String(directory[..<slash])
    }

    private var cellExporter: CellExporter {
        CellExporter(run: run, heldOutModel: settings.heldOutModel, trainingFramings: settings.framings.count,
                     directory: directory, options: options, renderer: renderer)
    }

    // MARK: Page

    /// Writes the page and saves the manifest (coverage for the front page included); returns
    /// the page's path. An unfinished page shows the graph as pending.
    @discardableResult
    private func writePage(_ work: Work, finished: Bool, graph: AtlasPage.Graph? = nil) throws -> String {
        var manifest = work.manifest
        let coverage = AtlasCoverage(cells: settings.classes.count, filled: work.cells.count,
                                     verdicts: work.cells.compactMap(\.verdict))
        manifest.atlas.coverage = AtlasManifest.Coverage(coverage)
        try manifest.save(to: directory)
        let cards = zip(work.cells, work.entries).map { AtlasPage.Card(cell: $0, entry: $1) }
        let page = AtlasPage(run: run, settings: settings, stats: work.stats, cards: cards, coverage: coverage,
                             graph: graph ?? AtlasPage.Graph(drawing: .pending, leftOut: 0), options: options,
                             status: AtlasPage.Status(finished: finished, judging: options.judging))
        let path = directory + "/index.html"
        try AtomicFile.write(page.html(), to: path)
        return path
    }

    /// Saves the manifest, writes the unfinished page and throws `.interrupted`.
    private func interrupt(_ work: Work) throws -> Never {
        let path = try writePage(work, finished: false)
        try GalleryExporter.writeIndex(parentDirectory)
        throw GalleryError.interrupted(run: run.name, page: path, judged: work.judged, remaining: work.remaining)
    }

    /// Rewrites the page when `pageInterval` has passed since `last`.
    private func checkpoint(_ work: Work, last: inout ContinuousClock.Instant) throws {
        let clock = ContinuousClock()
        guard clock.now - last >= pageInterval else { return }
        try writePage(work, finished: false)
        last = clock.now
    }

    // MARK: Steps

    /// Renders the PNGs of every cell without files showing its picture (text chunks with the
    /// figures known now): only a preview thumbnail when `CellExporter.previews`. A cell whose genome cannot be rendered does not stop the others: the
    /// first such failure is returned, to be thrown once the rest of the export is done.
    private func renderMissing(_ work: inout Work, progress: (AtlasProgress) -> Void) throws -> GalleryError? {
        let exporter = cellExporter
        let missing = work.entries.indices.filter { work.entries[$0] == nil }
        var failure: GalleryError?
        var last = ContinuousClock().now
        for (done, i) in missing.enumerated() {
            if isCancelled() { try interrupt(work) }
            let cell = work.cells[i]
            do {
                let entry = try exporter.previews ? exporter.renderPreview(cell) : exporter.render(cell)
                work.entries[i] = entry
                work.manifest.cells[String(cell.elite.cell)] = entry
                if !exporter.previews { work.rendered += 1 }
            } catch let error as GalleryError {
                guard case .cellRenderFailed = error else {
                    try? work.manifest.save(to: directory)  // keep the cells finished so far
                    throw error
                }
                if failure == nil { failure = error }
            }
            progress(AtlasProgress(run: run.name, step: exporter.previews ? .previewed : .rendered,
                                   done: done + 1, total: missing.count,
                                   cell: cell.elite.cell, className: cell.name,
                                   confidence: cell.verdict?.robust ?? cell.elite.confidence,
                                   judged: cell.verdict != nil))
            try checkpoint(work, last: &last)
        }
        if !missing.isEmpty { try writePage(work, finished: false) }
        return failure
    }

    /// The genomes to judge under `options.judging`, each with the positions (in `work.cells`)
    /// of every cell holding it without a verdict, in cell order.
    private func genomesToJudge(_ work: Work) -> [(genome: String, positions: [Int])] {
        let chosen: Set<Int>
        switch options.judging {
        case .all: chosen = Set(work.cells.indices)
        case .none: chosen = []
        case .top(let n):
            chosen = Set(work.cells.indices.sorted {
                (work.cells[$0].elite.confidence, -$0) > (work.cells[$1].elite.confidence, -$1)
            }.prefix(n))
        }
        var positions: [String: [Int]] = [:]
        var order: [String] = []
        for i in work.cells.indices where work.cells[i].verdict == nil {
            let genome = work.cells[i].elite.genome
            if positions[genome] == nil { order.append(genome) }
            positions[genome, default: []].append(i)
        }
        return order.compactMap { genome in
            let held = positions[genome] ?? []
            return held.contains(where: chosen.contains) ? (genome, held) : nil
        }
    }

    /// Judges the chosen elites without a cached verdict, one distinct genome per call of
    /// `renderer.atlasVerdicts` (with every cell holding it), appending each genome's verdicts
    /// to the journal before going on.
    private func judgeMissing(_ work: inout Work, progress: (AtlasProgress) -> Void) throws {
        let groups = genomesToJudge(work)
        work.remaining = groups.count
        var last = ContinuousClock().now
        for (done, group) in groups.enumerated() {
            if isCancelled() { try interrupt(work) }
            let elites = group.positions.map { work.cells[$0].elite }
            let cells = elites.map(\.cell)
            let verdicts: [CellVerdict]
            do {
                verdicts = try renderer.atlasVerdicts(run, elites)
            } catch {
                _ = try? writePage(work, finished: false)
                throw GalleryError.judgeFailed(run: run.name, cells: cells, reason: String(describing: error))
            }
            let byCell = Dictionary(verdicts.map { ($0.cell, $0) }) { first, _ in first }
            let missing = cells.filter { byCell[$0] == nil }
            guard missing.isEmpty else {
                _ = try? writePage(work, finished: false)
                throw GalleryError.judgeFailed(run: run.name, cells: missing,
                                               reason: "the judge returned no verdict for \(missing.count == 1 ? "this cell" : "these cells")")
            }
            try work.cache.append(genome: group.genome, verdicts: cells.compactMap { byCell[$0] })
            for i in group.positions {
                work.cells[i].verdict = byCell[work.cells[i].elite.cell]
                work.cells[i].nearestName = work.cells[i].verdict.map { shortName($0.nearest) }
            }
            work.judged += 1
            work.remaining -= 1
            let first = work.cells[group.positions[0]]
            progress(AtlasProgress(run: run.name, step: .judged, done: done + 1, total: groups.count,
                                   cell: first.elite.cell, className: first.name,
                                   confidence: first.verdict?.robust ?? .nan, judged: true))
            try checkpoint(work, last: &last)
        }
    }

    /// Makes every cell's files final: the full-size render of a previewed cell (with the
    /// thumbnail downscaled from it), and new text chunks for PNGs that carry older figures.
    /// A genome that cannot be rendered does not stop the others (see `renderMissing`).
    private func finishFiles(_ work: inout Work, failure: inout GalleryError?,
                             progress: (AtlasProgress) -> Void) throws {
        let exporter = cellExporter
        let previews = work.entries.indices.filter { work.entries[$0]?.preview == true }
        let stale = work.entries.indices.filter { i in
            guard let entry = work.entries[i], entry.preview != true else { return false }
            return exporter.reusable(work.cells[i], previous: entry) == nil
        }
        var last = ContinuousClock().now
        for (done, i) in previews.enumerated() {
            if isCancelled() { try interrupt(work) }
            let cell = work.cells[i]
            do {
                let entry = try exporter.render(cell)
                work.entries[i] = entry
                work.manifest.cells[String(cell.elite.cell)] = entry
                work.rendered += 1
            } catch let error as GalleryError {
                guard case .cellRenderFailed = error else {
                    try? work.manifest.save(to: directory)
                    throw error
                }
                if failure == nil { failure = error }
            }
            progress(AtlasProgress(run: run.name, step: .rendered, done: done + 1, total: previews.count,
                                   cell: cell.elite.cell, className: cell.name,
                                   confidence: cell.verdict?.robust ?? cell.elite.confidence, judged: cell.verdict != nil))
            try checkpoint(work, last: &last)
        }
        for (done, i) in stale.enumerated() {
            if isCancelled() { try interrupt(work) }
            guard let entry = work.entries[i] else { continue }
            let cell = work.cells[i]
            let updated = try exporter.annotate(cell, entry: entry)
            work.entries[i] = updated
            work.manifest.cells[String(cell.elite.cell)] = updated
            progress(AtlasProgress(run: run.name, step: .annotated, done: done + 1, total: stale.count,
                                   cell: cell.elite.cell, className: cell.name,
                                   confidence: cell.verdict?.robust ?? cell.elite.confidence, judged: cell.verdict != nil))
            if ContinuousClock().now - last >= pageInterval {
                try work.manifest.save(to: directory)
                last = ContinuousClock().now
            }
        }
    }

    /// The elite with its verdict (nil until judged) and names.
    private func cell(_ elite: EliteRow, verdict: CellVerdict?) -> AtlasCell {
        AtlasCell(elite: elite, verdict: verdict, name: shortName(elite.cell),
                  fullName: (try? classes.name(of: elite.cell)) ?? "class \(elite.cell)",
                  nearestName: verdict.map { shortName($0.nearest) })
    }

    // MARK: Graph

    /// Writes `graph.dot` and, with Graphviz, `graph.svg` (kept while the DOT text is unchanged;
    /// the SVG is written first, so a DOT file never vouches for an older SVG). Without a cell to
    /// draw, both files are removed.
    private func drawGraph(_ cells: [AtlasCell]) throws -> AtlasPage.Graph {
        var names: [Int: String] = [:]
        for cell in cells {
            names[cell.elite.cell] = cell.name
            if let verdict = cell.verdict { names[verdict.nearest] = cell.nearestName }
        }
        let graph = SimilarityGraph(verdicts: cells.compactMap(\.verdict), names: names)
        let dotPath = directory + "/" + Self.graphDOT, svgPath = directory + "/" + Self.graphSVG
        guard !graph.verdicts.isEmpty else {
            Directory.remove(svgPath)
            Directory.remove(dotPath)
            return AtlasPage.Graph(drawing: .nothingToDraw, leftOut: graph.leftOut)
        }
        let dot = graph.dot()
        if (try? String(contentsOfFile: dotPath, encoding: .utf8)) == dot,
           let svg = try? String(contentsOfFile: svgPath, encoding: .utf8) {
            return AtlasPage.Graph(drawing: .svg(graph.inline(svg)), leftOut: graph.leftOut)
        }
        let svg: String?
        do {
            svg = try renderer.layoutGraph(dot)
        } catch {
            Directory.remove(svgPath)
            try AtomicFile.write(dot, to: dotPath)
            throw GalleryError.graphLayoutFailed(run: run.name, dotFile: dotPath, reason: String(describing: error))
        }
        guard let svg else {
            Directory.remove(svgPath)
            try AtomicFile.write(dot, to: dotPath)
            return AtlasPage.Graph(drawing: .graphvizMissing, leftOut: graph.leftOut)
        }
        try AtomicFile.write(svg, to: svgPath)
        try AtomicFile.write(dot, to: dotPath)
        return AtlasPage.Graph(drawing: .svg(graph.inline(svg)), leftOut: graph.leftOut)
    }

    // MARK: Bookkeeping

    /// The front page's view of the atlas; the showcase stays that of the last finished export
    /// until this one finishes (the coverage follows each page).
    private func info(_ stats: [GenerationStats], previous: AtlasManifest.AtlasInfo?) -> AtlasManifest.AtlasInfo {
        let breeding = BreedingLabel(settings)
        return AtlasManifest.AtlasInfo(
            name: run.name, target: run.target, model: run.model, heldOutModel: settings.heldOutModel,
            status: run.status.rawValue, seed: String(run.seed), batches: run.generations,
            evaluations: stats.last?.evaluations ?? 0, elapsedSeconds: stats.last?.elapsedSeconds ?? 0,
            createdAt: run.createdAt.timeIntervalSince1970, cellCount: settings.classes.count,
            coverage: previous?.coverage, showcase: previous?.showcase ?? [],
            genomes: breeding.familyText, search: breeding.searchText)
    }

    /// Drops the entries (and files) of cells without an elite.
    private func prune(_ manifest: inout AtlasManifest, keeping elites: [EliteRow]) {
        let genomes = Dictionary(elites.map { (String($0.cell), RunManifest.hash($0.genome)) }) { a, _ in a }
        for (key, entry) in manifest.cells where genomes[key] == nil {
            Directory.remove(directory + "/" + entry.image)
            Directory.remove(directory + "/" + entry.thumbnail)
            manifest.cells[key] = nil
        }
    }

    /// Deletes cell PNGs no manifest entry names, a run's record PNGs left from an earlier run
    /// of the same name, and temporary files of interrupted writes.
    private func removeUnreferencedFiles(_ manifest: AtlasManifest) {
        let referenced = Set(manifest.cells.values.flatMap { [$0.image, $0.thumbnail] })
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names {
            let png = name.hasSuffix(".png")
            let stale = png && (name.hasPrefix("cell-") && !referenced.contains(name) || name.hasPrefix("record-g"))
            let temporary = name.hasPrefix(".") && name.hasSuffix(".tmp")
            if stale || temporary { Directory.remove(directory + "/" + name) }
        }
    }

    /// The short name of class `index` (`class N` outside the list).
    private func shortName(_ index: Int) -> String {
        (try? classes.shortName(of: index)) ?? "class \(index)"
    }
}
