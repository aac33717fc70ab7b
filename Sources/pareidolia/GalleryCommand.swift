import ArgumentParser
import Foundation
import Gallery
import Store

struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Export runs' records as a self-contained HTML gallery with high-resolution renders.",
        discussion: """
            Writes <output>/index.html, a page per run and anti-aliased PNGs that carry their genome and scores. Re-exporting reuses renders whose genome and size are unchanged, and an interrupted export continues where it stopped. The confidence shown is re-measured on the exported picture (scaled back to the network's size).
            An atlas gets a page of its elites (one card per class, with a filter box), its coverage, and a graph linking each class to the class its elite most resembles besides its own (laid out by Graphviz's sfdp: apt-get install graphviz). The page is written at once and rewritten as cells are rendered and judged: a card shows the atlas's own training figure ("not yet judged") until its elite is judged on unseen framings and by a held-out network (about a second per genome). Verdicts are appended to <output>/<atlas>/verdicts.jsonl as they are made: Ctrl-C loses none, and a re-export judges only new or changed elites.
            Examples:
              pareidolia gallery                      # every run, every record
              pareidolia gallery rock-crab-1 --best --size 2048
              pareidolia gallery atlas-1 --size 512   # an atlas of 1000 classes: smaller full-size renders
              pareidolia gallery atlas-1 --judge 100  # judge only the 100 cells of highest training confidence
            """)

    @Argument(help: "Runs to export (default: all).") var runs: [String] = []
    @Option(name: [.customShort("o"), .customLong("output")], help: "Gallery directory.") var out = "gallery"
    @Option(parsing: .unconditional, help: "Side of the full-size renders in pixels.") var size = 1024
    @Option(parsing: .unconditional, help: "Anti-aliasing: k×k samples per pixel.") var aa = 3
    @Option(help: ArgumentHelp("Atlas elites to judge: all, none, or N (the N cells of highest training confidence).",
                               valueName: "all|none|N"))
    var judge = "all"
    @Flag(help: "Which records: every record, or only each run's best.")
    var selection: Which = .allRecords
    @OptionGroup var database: DatabaseOptions

    enum Which: EnumerableFlag {
        case allRecords, best
    }

    func run() throws {
        // Every file is written atomically, the manifest after each record and each verdict as it
        // is made; the first Ctrl-C ends the export after the current step (writing the page),
        // a second one at once.
        Interrupt.install()
        let judging = try AtlasJudging(parsing: judge)
        let store = try database.openForReading()
        let renderer = GalleryRenderer.live()
        var terminal = Terminal()
        let options = GalleryOptions(outputDirectory: out, size: size, supersampling: aa,
                                     selection: selection == .best ? .best : .allRecords, judging: judging)
        var phase = PhaseClock()
        let report = try GalleryExporter.export(runs: runs, from: store, options: options, renderer: renderer,
                                                progress: { p in
            terminal.progress(String(format: "%@: %@ %d/%d (generation %d) %@ %.2f%%", p.run as NSString,
                                     (p.front ? "Pareto front picture" : "record") as NSString, p.done, p.total, p.generation, (p.reused ? "reused" : "rendered") as NSString,
                                     p.measuredConfidence * 100))
        }, atlasProgress: { p in
            let what: String
            switch p.step {
            case .previewed: what = "rendering thumbnails"
            case .rendered: what = "rendering cells"
            case .judged: what = "judging elites"
            case .annotated: what = "writing verdicts into PNGs"
            }
            let timing = phase.tick("\(p.run) \(what)", done: p.done, total: p.total)
            let figure = String(format: "%.2f%% %@", p.confidence * 100, p.judged ? "robust" : "training")
            terminal.progress("\(p.run): \(what): \(p.done)/\(p.total), \(timing) (\(p.className) \(figure))")
            if p.done == p.total { terminal.log("\(p.run): \(what): \(p.total) in \(formatDuration(phase.elapsed))") }
        }, isCancelled: { Interrupt.requested })
        terminal.endLiveLine()
        for r in report.runs {
            print("\(r.page): \(r.rendered) rendered, \(r.reused) reused" + (r.judged > 0 ? ", \(r.judged) judged" : ""))
        }
        for warning in report.warnings { terminal.log("warning: \(warning)") }
        print("open \(report.index)")
    }
}

/// Elapsed time and time left of the current step of an export ("14 s, ~2 min left"). A step
/// begins where the previous one's last report (or the command) left off, so its first item's
/// time counts.
private struct PhaseClock {
    private var name = ""
    private var start = Date()
    private var last = Date()

    /// Seconds since the current step began.
    var elapsed: Double { last.timeIntervalSince(start) }

    /// Starts a new step when `name` changes; the elapsed time and the estimate at `done`/`total`.
    mutating func tick(_ name: String, done: Int, total: Int) -> String {
        if name != self.name {
            self.name = name
            start = last
        }
        last = Date()
        let seconds = elapsed
        guard done > 0, done < total else { return formatDuration(seconds) }
        let left = seconds / Double(done) * Double(total - done)
        return "\(formatDuration(seconds)), ~\(formatDuration(left)) left"
    }
}
