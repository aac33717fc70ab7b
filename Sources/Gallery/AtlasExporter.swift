import Foundation
import Net
import Search
import Store

/// Exports one atlas into `<out>/<atlas>/`: judges its elites (verdicts cached in the
/// manifest by cell and genome), renders each cell's PNGs, lays out the similarity graph
/// (`graph.dot`, `graph.svg`) and writes the page `index.html`.
///
/// Incremental like runs: a verdict is reused while its cell holds the same genome, PNGs while
/// genome, sizes and scores are unchanged, the graph's SVG while its DOT text is. The manifest
/// is saved after each judged genome and each rendered cell, so an interrupted export resumes.
struct AtlasExporter {
    var run: Run
    var settings: AtlasSettings
    /// The atlas directory, `<out>/<atlas>`.
    var directory: String
    var options: GalleryOptions
    var renderer: GalleryRenderer
    var classes: ImageNetClasses

    /// What the export did, and the warning to show once (Graphviz missing).
    struct Outcome {
        var report: GalleryReport.RunReport
        var warning: String?
    }

    static let graphDOT = "graph.dot", graphSVG = "graph.svg"

    /// Exports atlas `run` of `store` into `out`.
    ///
    /// - Throws: `GalleryError` (`.judgeFailed`, `.cellRenderFailed`, `.graphLayoutFailed`,
    ///   `.writeFailed`, …), `SearchError.unreadableConfig`, the store's `StoreError`, or
    ///   `NetError.classListUnavailable`.
    static func export(_ run: Run, from store: RunStore, into out: String, options: GalleryOptions,
                       renderer: GalleryRenderer, progress: (AtlasProgress) -> Void) throws -> Outcome {
        let exporter = AtlasExporter(run: run, settings: try AtlasSettings.decode(run.config, run: run.name),
                                     directory: out + "/" + run.name, options: options, renderer: renderer,
                                     classes: try ImageNetClasses.bundled())
        try Directory.make(exporter.directory)
        return try exporter.export(elites: try store.elites(run: run.id), stats: try store.generations(run: run.id),
                                   progress: progress)
    }

    func export(elites: [EliteRow], stats: [GenerationStats], progress: (AtlasProgress) -> Void) throws -> Outcome {
        let judge = AtlasManifest.judge(settings)
        var manifest = AtlasManifest.load(from: directory).flatMap { $0.atlas.name == run.name ? $0 : nil }
            ?? AtlasManifest(atlas: info(stats, previous: nil), judge: judge)
        if manifest.judge != judge {
            manifest.judge = judge
            manifest.verdicts = [:]
        }
        manifest.atlas = info(stats, previous: manifest.atlas)
        prune(&manifest, keeping: elites)
        try manifest.save(to: directory)

        let judged = try judgeMissing(elites, into: &manifest, progress: progress)
        let cells = try elites.map { try cell($0, manifest: manifest) }
        let (cards, rendered) = try exportCells(cells, into: &manifest, progress: progress)
        removeUnreferencedFiles(manifest)

        let graph = try drawGraph(cells)
        let coverage = AtlasCoverage(cells: settings.classes.count, verdicts: cells.map(\.verdict))
        manifest.atlas.coverage = AtlasManifest.Coverage(coverage)
        manifest.atlas.showcase = cells.sorted { ($0.verdict.robust, -$0.elite.cell) > ($1.verdict.robust, -$1.elite.cell) }
            .prefix(4).map(\.elite.cell)
        try manifest.save(to: directory)

        let page = AtlasPage(run: run, settings: settings, stats: stats, cards: cards, coverage: coverage,
                             graph: graph, options: options)
        let pagePath = directory + "/index.html"
        try AtomicFile.write(page.html(), to: pagePath)
        let report = GalleryReport.RunReport(name: run.name, page: pagePath, rendered: rendered,
                                             reused: cells.count - rendered, judged: judged)
        return Outcome(report: report, warning: graph.drawing == .graphvizMissing ? Graphviz.missingAdvice : nil)
    }

    // MARK: Verdicts

    /// Judges every elite without a cached verdict for its genome, one distinct genome per call
    /// of `renderer.atlasVerdicts` (with every cell holding it), saving the manifest after each.
    /// Returns the number of genomes judged.
    private func judgeMissing(_ elites: [EliteRow], into manifest: inout AtlasManifest,
                              progress: (AtlasProgress) -> Void) throws -> Int {
        var groups: [String: [EliteRow]] = [:]
        var order: [String] = []
        for elite in elites where manifest.verdict(for: elite.cell, genome: elite.genome) == nil {
            if groups[elite.genome] == nil { order.append(elite.genome) }
            groups[elite.genome, default: []].append(elite)
        }
        for (done, genome) in order.enumerated() {
            let group = groups[genome] ?? []
            let cells = group.map(\.cell)
            let verdicts: [CellVerdict]
            do {
                verdicts = try renderer.atlasVerdicts(run, group)
            } catch {
                throw GalleryError.judgeFailed(run: run.name, cells: cells, reason: String(describing: error))
            }
            let byCell = Dictionary(verdicts.map { ($0.cell, $0) }) { first, _ in first }
            for cell in cells {
                guard let verdict = byCell[cell] else {
                    throw GalleryError.judgeFailed(run: run.name, cells: [cell],
                                                   reason: "the judge returned no verdict for this cell")
                }
                manifest.verdicts[String(cell)] = .init(genomeHash: RunManifest.hash(genome), verdict: verdict)
            }
            try manifest.save(to: directory)
            let first = cells[0]
            progress(AtlasProgress(run: run.name, step: .judged, done: done + 1, total: order.count, cell: first,
                                   className: shortName(first), robust: byCell[first]?.robust ?? .nan))
        }
        return order.count
    }

    // MARK: Cells

    /// The elite with its verdict (judged by now) and names.
    private func cell(_ elite: EliteRow, manifest: AtlasManifest) throws -> AtlasCell {
        guard let verdict = manifest.verdict(for: elite.cell, genome: elite.genome) else {
            throw GalleryError.judgeFailed(run: run.name, cells: [elite.cell], reason: "no verdict was recorded for this cell")
        }
        return AtlasCell(elite: elite, verdict: verdict, name: shortName(elite.cell),
                         fullName: (try? classes.name(of: elite.cell)) ?? "class \(elite.cell)",
                         nearestName: shortName(verdict.nearest))
    }

    /// Renders the cells whose PNGs cannot be kept and returns every card, in cell order, with the
    /// number rendered. The entries about to be overwritten are forgotten (and the manifest
    /// saved) first, so an interruption mid-write cannot leave a trusted mismatch; new entries
    /// are saved every `saveInterval` (a manifest of 1000 cells is large), when a render fails
    /// and at the end.
    private func exportCells(_ cells: [AtlasCell], into manifest: inout AtlasManifest,
                             progress: (AtlasProgress) -> Void) throws -> (cards: [AtlasPage.Card], rendered: Int) {
        let exporter = CellExporter(run: run, heldOutModel: settings.heldOutModel, directory: directory,
                                    options: options, renderer: renderer)
        let reusable = cells.map { exporter.reusable($0, previous: manifest.cells[String($0.elite.cell)]) }
        var stale = false
        for (cell, entry) in zip(cells, reusable) where entry == nil {
            stale = manifest.cells.removeValue(forKey: String(cell.elite.cell)) != nil || stale
        }
        if stale { try manifest.save(to: directory) }

        let clock = ContinuousClock()
        var saved = clock.now
        var cards: [AtlasPage.Card] = []
        var rendered = 0
        for (position, (cell, kept)) in zip(cells, reusable).enumerated() {
            let entry: AtlasManifest.CellEntry
            if let kept {
                entry = kept
            } else {
                do {
                    entry = try exporter.render(cell)
                } catch {
                    try? manifest.save(to: directory)  // keep the cells finished so far
                    throw error
                }
                manifest.cells[String(cell.elite.cell)] = entry
                rendered += 1
                if clock.now - saved > Self.saveInterval {
                    try manifest.save(to: directory)
                    saved = clock.now
                }
            }
            cards.append(AtlasPage.Card(cell: cell, entry: entry))
            progress(AtlasProgress(run: run.name, step: kept == nil ? .rendered : .reused, done: position + 1,
                                   total: cells.count, cell: cell.elite.cell, className: cell.name,
                                   robust: cell.verdict.robust))
        }
        if rendered > 0 { try manifest.save(to: directory) }
        return (cards, rendered)
    }

    /// How often the manifest is saved while cells are rendered.
    static let saveInterval = Duration.seconds(2)

    // MARK: Graph

    /// Writes `graph.dot` and, with Graphviz, `graph.svg` (kept while the DOT text is unchanged;
    /// the SVG is written first, so a DOT file never vouches for an older SVG). Without a cell to
    /// draw, both files are removed.
    private func drawGraph(_ cells: [AtlasCell]) throws -> AtlasPage.Graph {
        var names: [Int: String] = [:]
        for cell in cells {
            names[cell.elite.cell] = cell.name
            names[cell.verdict.nearest] = cell.nearestName
        }
        let graph = SimilarityGraph(verdicts: cells.map(\.verdict), names: names)
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

    /// The front page's view of the atlas; coverage and showcase stay those of the last
    /// finished export until this one finishes.
    private func info(_ stats: [GenerationStats], previous: AtlasManifest.AtlasInfo?) -> AtlasManifest.AtlasInfo {
        AtlasManifest.AtlasInfo(
            name: run.name, target: run.target, model: run.model, heldOutModel: settings.heldOutModel,
            status: run.status.rawValue, seed: String(run.seed), batches: run.generations,
            evaluations: stats.last?.evaluations ?? 0, elapsedSeconds: stats.last?.elapsedSeconds ?? 0,
            createdAt: run.createdAt.timeIntervalSince1970, cellCount: settings.classes.count,
            coverage: previous?.coverage, showcase: previous?.showcase ?? [])
    }

    /// Drops verdicts of cells without an elite or of genomes a cell no longer holds, and the
    /// entries (and files) of cells without an elite.
    private func prune(_ manifest: inout AtlasManifest, keeping elites: [EliteRow]) {
        let genomes = Dictionary(elites.map { (String($0.cell), RunManifest.hash($0.genome)) }) { a, _ in a }
        manifest.verdicts = manifest.verdicts.filter { genomes[$0.key] == $0.value.genomeHash }
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
