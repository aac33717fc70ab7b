import Scoring
import Search
import Store

/// The page `<out>/<atlas>/index.html`: the atlas's coverage, its similarity graph and a
/// filterable grid of its elites, one card per filled cell in class order.
///
/// Written first before anything is judged (cards show the atlas's training figures, labelled
/// as such), then again as cells are rendered and judged, and once more when the export ends.
struct AtlasPage {
    /// One filled cell with its exported files (nil: not rendered yet).
    struct Card {
        var cell: AtlasCell
        var entry: AtlasManifest.CellEntry?
    }

    /// How far the export is when the page is written.
    struct Status: Equatable {
        /// The export is over (false: the page will be written again).
        var finished: Bool
        /// Which elites this export judges.
        var judging: AtlasJudging
    }

    /// The similarity graph as the page shows it.
    struct Graph: Equatable {
        enum Drawing: Equatable {
            /// Graphviz's SVG, ready to sit inline (`SimilarityGraph.inline`).
            case svg(String)
            /// Graphviz is not installed: one line says how to get it.
            case graphvizMissing
            /// No cell is at `SimilarityGraph.minimumRobust` yet.
            case nothingToDraw
            /// Laid out when the export ends (judging is still going on).
            case pending
        }

        var drawing: Drawing
        /// Filled cells left out for being below `SimilarityGraph.minimumRobust`.
        var leftOut: Int
    }

    var run: Run
    var settings: AtlasSettings
    var stats: [GenerationStats]
    /// Cards in class order.
    var cards: [Card]
    var coverage: AtlasCoverage
    var graph: Graph
    var options: GalleryOptions
    var status: Status

    /// Cards with a verdict.
    private var judged: Int { cards.filter { $0.cell.verdict != nil }.count }

    /// The complete HTML document.
    func html() -> String {
        let everyone = judged == cards.count
            ? "every elite judged robustly and by the held-out"
            : "elites judged robustly and by the held-out"
        var body = """
            <nav><a href="../index.html">← All runs</a></nav>
            <h1>\(HTML.escape(run.name))</h1>
            <p class="lead">an <strong>atlas of \(GalleryFormat.count(settings.classes.count)) \
            class\(settings.classes.count == 1 ? "" : "es")</strong>: one elite per class, bred with \
            \(HTML.escape(run.model)); \(everyone) \
            \(HTML.escape(settings.heldOutModel))</p>
            \(progressNote())
            \(coverageList())
            \(facts())
            <h2>Similarity graph<small>each class → the class its elite most resembles besides its own \
            (the runner-up of the robust reading)</small></h2>
            \(graphSection())
            <h2>Cells<small>\(HTML.escape(cellsCaption))</small></h2>

            """
        if cards.isEmpty {
            body += "<p class=\"empty\">This atlas has no elites yet.</p>\n"
        } else {
            body += """
                <div class="filter"><input type="search" id="cell-filter" placeholder="Filter by class name" \
                aria-label="Filter cells by class name" autocomplete="off"><span id="cell-count">\
                \(GalleryFormat.count(cards.count)) cells</span></div>
                <div class="grid-cells" id="cells">

                """
            let filled = Set(cards.map(\.cell.elite.cell))
            for card in cards { body += self.card(card, filled: filled) }
            body += "</div>\n<script>\n\(Self.filterScript)\n</script>\n"
        }
        body += """
            <footer>Robust: the class's probability under \(HTML.escape(run.model)) as the mean over \
            \(Judge.framingCount) random framings (crops of 70–100 %, turns of up to 10°, mirror images) of \
            a \(Judge.renderSize)² anti-aliased render, framings the atlas never scored. Held-out: \
            \(HTML.escape(settings.heldOutModel)), a network the atlas never used, on the same framings; it \
            agrees (✓) when the class is its top-1 answer on most framings. Nearest: the most probable \
            other class. Training: the atlas's own score, \
            on the \(settings.framings.count) framings it bred on (the only figure of a cell not judged yet). Images rendered at \(options.size) × \(options.size) px \
            \(antialiasing); each PNG carries its formula and these scores in text chunks.</footer>
            """
        return PageStyle.document(title: "\(run.name) — Pareidolia atlas", body: body, script: false)
    }

    /// Where the export stands, while it runs or when it judged only some elites; empty on the
    /// finished page of a fully judged atlas.
    private func progressNote() -> String {
        let rendered = cards.filter { $0.entry != nil }.count
        let full = cards.filter { $0.entry.map { $0.preview != true } ?? false }.count
        let training = "cards without a verdict show the atlas's training figure (its "
            + "\(settings.framings.count) framings, not yet judged)"
        let text: String
        if !status.finished {
            let sizes = full == rendered ? "" : " (\(GalleryFormat.count(full)) at full size)"
            text = "Export in progress: \(GalleryFormat.count(rendered)) of \(GalleryFormat.count(cards.count)) cells "
                + "rendered\(sizes), \(GalleryFormat.count(judged)) of \(GalleryFormat.count(cards.count)) elites judged "
                + "(--judge \(status.judging)); \(training). This page is rewritten as the export goes: reload it."
        } else if judged < cards.count {
            text = "\(GalleryFormat.count(judged)) of \(GalleryFormat.count(cards.count)) elites judged "
                + "(--judge \(status.judging)); \(training). Export again with --judge all to judge the rest "
                + "(verdicts already made are kept)."
        } else {
            return ""
        }
        return "<p class=\"progress-note\" id=\"atlas-progress\">\(HTML.escape(text))</p>"
    }

    /// The coverage figures as a row of chips, each with `data-coverage` naming its figure; the
    /// robust and held-out counts are over the judged cells (a `judged` chip says how many
    /// when not all are).
    private func coverageList() -> String {
        let c = coverage
        var items: [(key: String, label: String, value: String, title: String)] = [
            ("filled", "cells filled", "\(GalleryFormat.count(c.filled)) / \(GalleryFormat.count(c.cells))",
             "cells holding an elite"),
            ("robust-50", "robust ≥ 50 %", GalleryFormat.count(c.robustAtHalf), "robust confidence at least 50 %"),
            ("robust-90", "robust ≥ 90 %", GalleryFormat.count(c.robustAtNinety), "robust confidence at least 90 %"),
            ("robust-99", "robust ≥ 99 %", GalleryFormat.count(c.robustAtNinetyNine),
             "robust confidence at least 99 %"),
            ("heldout-50", "held-out ≥ 50 %", GalleryFormat.count(c.heldOutAtHalf),
             "\(settings.heldOutModel)'s confidence at least 50 %"),
            ("heldout-agree", "held-out agrees", GalleryFormat.count(c.heldOutAgree),
             "\(settings.heldOutModel)'s top-1 answer is the class on most framings"),
        ]
        if c.judged < c.filled {
            items.insert(("judged", "judged", "\(GalleryFormat.count(c.judged)) / \(GalleryFormat.count(c.filled))",
                          "elites judged so far; the figures after this one count judged cells only"), at: 1)
        }
        let list = items.map {
            "<li data-coverage=\"\($0.key)\" title=\"\(HTML.escape($0.title))\"><span>\(HTML.escape($0.label))</span>"
                + "<b>\(HTML.escape($0.value))</b></li>"
        }
        return "<ul class=\"facts coverage\" id=\"coverage\">" + list.joined() + "</ul>"
    }

    /// The atlas's run facts as a row of small chips.
    private func facts() -> String {
        let last = stats.last
        let breeding = BreedingLabel(settings)
        let items: [(String, String)] = [
            ("batches", GalleryFormat.count(run.generations)),
            ("evaluations", GalleryFormat.count(last?.evaluations ?? 0)),
            ("time", GalleryFormat.duration(last?.elapsedSeconds ?? 0)),
            ("genomes", breeding.familyText),
            ("search", breeding.searchText),
            ("networks", run.model),
            ("held out", settings.heldOutModel),
            ("seed", String(run.seed)),
            ("status", run.status.rawValue),
        ]
        let list = items.map { "<li><span>\(HTML.escape($0.0))</span>\(HTML.escape($0.1))</li>" }
        return "<ul class=\"facts small\">" + list.joined() + "</ul>"
    }

    /// The graph panel with its legend, the missing-Graphviz line, or why there is nothing to
    /// draw; then which cells were left out.
    private func graphSection() -> String {
        let threshold = SimilarityGraph.thresholdText
        let leftOut = graph.leftOut == 0 ? "" : "<p class=\"graph-note\" id=\"graph-left-out\">Left out: "
            + "\(GalleryFormat.count(graph.leftOut)) cell\(graph.leftOut == 1 ? "" : "s") below \(threshold) robust, "
            + "whose elite does not show its class yet (its runner-up says what the picture is, not what the "
            + "class resembles).</p>"
        switch graph.drawing {
        case .pending:
            return "<p class=\"empty\" id=\"graph-pending\">The graph is laid out when the export ends (it needs "
                + "the verdicts: each class's runner-up).</p>\n"
        case .nothingToDraw:
            return "<p class=\"empty\">No cell is at \(threshold) robust or more yet.</p>\n" + leftOut
        case .graphvizMissing:
            return "<p class=\"empty\" id=\"graph-missing\">The graph needs Graphviz, which is not installed: "
                + "<code>apt-get install graphviz</code>, then export again (the graph's DOT text is in "
                + "<a href=\"\(HTML.href(AtlasExporter.graphDOT))\">\(AtlasExporter.graphDOT)</a>).</p>\n" + leftOut
        case .svg(let svg):
            var legend = SimilarityGraph.levels.map { level in
                "<span><i class=\"swatch\" style=\"background:\(level.fill)\"></i>robust \(HTML.escape(level.label))</span>"
            }
            legend.append("<span><i class=\"swatch\" style=\"background:\(SimilarityGraph.belowLevels.fill)\"></i>"
                + "robust \(HTML.escape(SimilarityGraph.belowLevels.label))</span>")
            legend.append("<span><i class=\"swatch ghost\"></i>not drawn (no elite, or below \(threshold))</span>")
            legend.append("<span class=\"graph-tools\"><button type=\"button\" id=\"graph-zoom\">Actual size</button>"
                + "<a href=\"\(HTML.href(AtlasExporter.graphSVG))\">open the graph alone</a></span>")
            return "<div class=\"legend\">" + legend.joined() + "</div>\n"
                + "<div class=\"panel graph fit\" id=\"graph\">\n\(svg)\n</div>\n" + leftOut
                + "<script>\n\(Self.zoomScript)\n</script>"
        }
    }

    private var antialiasing: String {
        let aa = options.supersampling
        return aa == 1 ? "without anti-aliasing" : "with \(aa) × \(aa) anti-aliasing"
    }

    private var cellsCaption: String {
        "\(GalleryFormat.count(cards.count)) elites in class order · click an image for the full "
            + "\(options.size) px render"
    }

    /// One cell's card: class, robust (headline), held-out and training confidence, nearest class
    /// (linked to its card when it is one of the `filled` cells); before its verdict, the
    /// training confidence labelled as such.
    private func card(_ card: Card, filled: Set<Int>) -> String {
        let c = card.cell, elite = c.elite
        let training = GalleryFormat.percent(elite.confidence)
        let headline = c.verdict.map { "\(GalleryFormat.percent($0.robust)) robust" } ?? "\(training) training"
        let figures: String
        if let v = c.verdict {
            let hits = Int((v.heldOutTopOne * Float(Judge.framingCount)).rounded())
            let nearestName = c.nearestName ?? "class \(v.nearest)"
            let nearest = filled.contains(v.nearest)
                ? "<a href=\"#cell-\(v.nearest)\">\(HTML.escape(nearestName))</a>" : HTML.escape(nearestName)
            figures = """
                <div class="score"><span class="conf">\(HTML.escape(GalleryFormat.percent(v.robust)))</span> robust</div>
                <div class="line heldout" title="\(HTML.escape("top-1 on \(hits)/\(Judge.framingCount) framings"))">\
                held-out \(HTML.escape(settings.heldOutModel)) \(HTML.escape(GalleryFormat.percent(v.heldOut)))\
                \(v.heldOutAgrees ? " ✓" : "")</div>
                <div class="line training">training \(HTML.escape(training))</div>
                <div class="line nearest">nearest \(nearest) \(HTML.escape(GalleryFormat.percent(v.nearestProbability)))</div>
                """
        } else {
            figures = """
                <div class="score"><span class="conf">\(HTML.escape(training))</span> training</div>
                <div class="line training">training (\(settings.framings.count) framings, not yet judged)</div>
                """
        }
        let swatch = c.verdict.map { "<i class=\"swatch\" style=\"background:\(SimilarityGraph.colours($0.robust).fill)\"></i>" }
            ?? "<i class=\"swatch ghost\"></i>"
        let judgedAttributes = c.verdict.map { "data-robust=\"\($0.robust)\" data-heldout=\"\($0.heldOut)\"" }
            ?? "data-judged=\"false\""
        let thumb: String
        if let e = card.entry, e.preview == true {
            thumb = """
                <div class="thumb" title="\(HTML.escape("\(c.fullName): the full-size render follows the verdicts"))">\
                <img src="\(HTML.href(e.thumbnail))" width="\(e.thumbnailSize)" height="\(e.thumbnailSize)" \
                alt="\(HTML.escape("\(c.name), \(headline)"))" loading="lazy"></div>
                """
        } else if let e = card.entry {
            thumb = """
                <a class="thumb" href="\(HTML.href(e.image))" \
                title="\(HTML.escape("\(c.fullName): full size, \(e.size) × \(e.size) px"))">\
                <img src="\(HTML.href(e.thumbnail))" width="\(e.thumbnailSize)" height="\(e.thumbnailSize)" \
                alt="\(HTML.escape("\(c.name), \(headline)"))" loading="lazy"></a>
                """
        } else {
            thumb = "<div class=\"thumb pending\">not rendered yet</div>"
        }
        return """
            <article class="card cell\(c.verdict == nil ? " unjudged" : "")" id="cell-\(elite.cell)" \
            data-cell="\(elite.cell)" data-name="\(HTML.escape(c.fullName.lowercased()))" \(judgedAttributes) \
            data-training="\(elite.confidence)">
            \(thumb)
            <div class="body">
            <div class="name" title="\(HTML.escape("class \(elite.cell): \(c.fullName)"))">\
            \(swatch)\(HTML.escape(c.name))</div>
            \(figures)
            </div>
            </article>

            """
    }

    /// The graph's zoom button: fit to the panel's width (the default) or actual size.
    static let zoomScript = """
        (function(){var p=document.getElementById('graph'),b=document.getElementById('graph-zoom');\
        b.addEventListener('click',function(){b.textContent=p.classList.toggle('fit')?'Actual size':'Fit to width'})})();
        """

    /// The filter box's handler: shows the cards whose class names contain the text; a link to
    /// a hidden card clears the filter.
    static let filterScript = """
        (function(){var q=document.getElementById('cell-filter'),n=document.getElementById('cell-count'),\
        cards=[].slice.call(document.querySelectorAll('article.cell'));\
        function apply(){var t=q.value.trim().toLowerCase(),k=0;cards.forEach(function(c){\
        var on=!t||c.getAttribute('data-name').indexOf(t)>=0;c.hidden=!on;if(on)k++});\
        n.textContent=(k===cards.length?'':k.toLocaleString('en')+' of ')+cards.length.toLocaleString('en')+' cells'}\
        q.addEventListener('input',apply);\
        window.addEventListener('hashchange',function(){var c=document.getElementById(location.hash.slice(1));\
        if(c&&c.hidden){q.value='';apply();c.scrollIntoView()}});apply()})();
        """
}
