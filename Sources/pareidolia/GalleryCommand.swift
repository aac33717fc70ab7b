import ArgumentParser
import Foundation
import Gallery
import Store

struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Export runs' records as a self-contained HTML gallery with high-resolution renders.",
        discussion: """
            Writes <out>/index.html, a page per run and anti-aliased PNGs that carry their genome and scores. Re-exporting reuses renders whose genome and size are unchanged, and an interrupted export continues where it stopped. The confidence shown is re-measured on the exported picture (scaled back to the network's size).
            An atlas gets a page of its elites (one card per class, with a filter box), its coverage, and a graph linking each class to the class its elite most resembles besides its own (laid out by Graphviz's sfdp: apt-get install graphviz). Each elite is judged once on unseen framings and by a held-out network (seconds per genome); the verdicts are kept, so a re-export judges only changed elites.
            Examples:
              pareidolia gallery                      # every run, every record
              pareidolia gallery rock-crab-1 --best --size 2048
              pareidolia gallery atlas-1 --size 512   # an atlas of 1000 classes: smaller full-size renders
            """)

    @Argument(help: "Runs to export (default: all).") var runs: [String] = []
    @Option(help: "Gallery directory.") var out = "gallery"
    @Option(parsing: .unconditional, help: "Side of the full-size renders in pixels.") var size = 1024
    @Option(parsing: .unconditional, help: "Anti-aliasing: k×k samples per pixel.") var aa = 3
    @Flag(help: "Which records: every record, or only each run's best.")
    var selection: Which = .allRecords
    @OptionGroup var database: DatabaseOptions

    enum Which: EnumerableFlag {
        case allRecords, best
    }

    func run() throws {
        // Every file is written atomically and the manifest after each record: Ctrl-C may end
        // the export at once.
        signal(SIGINT, SIG_DFL)
        let store = try database.openForReading()
        let renderer = GalleryRenderer.live()
        var terminal = Terminal()
        let options = GalleryOptions(outputDirectory: out, size: size, supersampling: aa,
                                     selection: selection == .best ? .best : .allRecords)
        let report = try GalleryExporter.export(runs: runs, from: store, options: options, renderer: renderer,
                                                progress: { p in
            terminal.progress(String(format: "%@: record %d/%d (generation %d) %@ %.2f%%", p.run as NSString,
                                     p.done, p.total, p.generation, (p.reused ? "reused" : "rendered") as NSString,
                                     p.measuredConfidence * 100))
        }, atlasProgress: { p in
            let step = p.step == .judged ? "judged genome" : "cell"
            let what = p.step == .judged ? "" : p.step == .rendered ? " rendered" : " reused"
            terminal.progress(String(format: "%@: %@ %d/%d%@ (%@) %.2f%% robust", p.run as NSString, step as NSString,
                                     p.done, p.total, what as NSString, p.className as NSString, p.robust * 100))
        })
        terminal.endLiveLine()
        for r in report.runs {
            print("\(r.page): \(r.rendered) rendered, \(r.reused) reused" + (r.judged > 0 ? ", \(r.judged) judged" : ""))
        }
        for warning in report.warnings { terminal.log("warning: \(warning)") }
        print("open \(report.index)")
    }
}
