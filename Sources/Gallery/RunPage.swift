import Store

/// The page `<out>/<run>/index.html`: the run's facts, its confidence chart and a grid of
/// its records.
struct RunPage {
    /// One record with its exported files.
    struct Card {
        var record: RecordRow
        var entry: RunManifest.Entry
    }

    var run: Run
    var stats: [GenerationStats]
    /// Records in page order (newest first).
    var cards: [Card]
    /// Id of the run's fittest record.
    var best: Int64?
    var options: GalleryOptions

    /// The complete HTML document.
    func html() -> String {
        var body = """
            <nav><a href="../index.html">← All runs</a></nav>
            <h1>\(HTML.escape(run.name))</h1>
            <p class="lead">evolved toward <strong>\(HTML.escape(run.target))\
            </strong></p>
            \(facts())
            <h2>Confidence per generation</h2>
            <div class="panel">\(ConfidenceChart.svg(stats))</div>
            \(MorphSection(run: run, cards: cards)?.html() ?? "")
            <h2>Records<small>\(HTML.escape(recordsCaption))</small></h2>

            """
        if cards.isEmpty {
            body += "<p class=\"empty\">This run has no records yet.</p>\n"
        } else {
            body += "<div class=\"grid-cards\">\n"
            for card in cards { body += self.card(card) }
            body += "</div>\n"
        }
        body += """
            <footer>Images rendered at \(options.size) × \(options.size) px \
            \(antialiasing); each PNG carries its formula and scores in text chunks. The confidence \
            shown is robust: re-measured on these renders by \(HTML.escape(run.model)) as the mean \
            over 16 random framings (crops of 70–100 %, turns of up to 10°, mirror images) that the \
            run never scored. Held-out: a network the run never used, on the same framings.</footer>
            """
        return PageStyle.document(title: "\(run.name) — Pareidolia", body: body, script: true)
    }

    private var antialiasing: String {
        let aa = options.supersampling
        return aa == 1 ? "without anti-aliasing" : "with \(aa) × \(aa) anti-aliasing"
    }

    /// The run's headline numbers as a row of chips.
    private func facts() -> String {
        let last = stats.last
        var items: [(String, String)] = []
        if let best, let card = cards.first(where: { $0.record.id == best }) {
            items.append(("best record", GalleryFormat.percent(card.entry.measuredConfidence)))
        }
        items += [
            ("generations", GalleryFormat.count(run.generations)),
            ("evaluations", GalleryFormat.count(last?.evaluations ?? 0)),
            ("time", GalleryFormat.duration(last?.elapsedSeconds ?? 0)),
            ("records", GalleryFormat.count(cards.count)),
            ("model", run.model),
            ("seed", String(run.seed)),
            ("status", run.status.rawValue),
        ]
        let list = items.map { "<li><span>\(HTML.escape($0.0))</span>\(HTML.escape($0.1))</li>" }
        return "<ul class=\"facts\">" + list.joined() + "</ul>"
    }

    private var recordsCaption: String {
        let what = options.selection == .best ? "the fittest record" : "newest first"
        return "\(what) · click an image for the full \(options.size) px render"
    }

    /// One record's card.
    private func card(_ card: Card) -> String {
        let r = card.record, e = card.entry
        let shown = GalleryFormat.percent(e.measuredConfidence)
        var badges = ""
        if r.id == best { badges += "<span class=\"badge best\">best</span>" }
        if r.polished { badges += "<span class=\"badge polished\">polished</span>" }
        let note = GalleryFormat.confidenceNote(stored: r.confidence, measured: e.measuredConfidence)
        let alt = "\(run.target), generation \(r.generation), \(shown)"
        return """
            <article class="card" id="record-\(r.id)" data-record="\(r.id)" \
            data-generation="\(r.generation)" data-confidence="\(r.confidence)" \
            data-measured="\(e.measuredConfidence)" data-naturalness="\(r.naturalness)" \
            data-polished="\(r.polished)">
            <a class="thumb" href="\(HTML.href(e.image))" \
            title="\(HTML.escape("Full size: \(e.size) × \(e.size) px"))">\
            <img src="\(HTML.href(e.thumbnail))" width="\(e.thumbnailSize)" \
            height="\(e.thumbnailSize)" alt="\(HTML.escape(alt))" loading="lazy">\
            \(badges.isEmpty ? "" : "<span class=\"badges\">\(badges)</span>")</a>
            <div class="body">
            <div class="score"><span class="conf">\(HTML.escape(shown))</span> robust</div>
            <div class="class">\(HTML.escape(run.target))</div>
            \(GalleryFormat.heldOut(r.measurements).map { "<div class=\"heldout\">\(HTML.escape($0))</div>\n" } ?? "")\
            \(note.map { "<div class=\"note\">\(HTML.escape($0))</div>\n" } ?? "")\
            <dl class="meta"><dt>naturalness</dt><dd>\(HTML.escape(GalleryFormat.number(r.naturalness)))\
            </dd><dt>generation</dt><dd>\(r.generation)</dd><dt>found after</dt>\
            <dd>\(HTML.escape(GalleryFormat.duration(r.elapsedSeconds)))</dd></dl>
            <div class="formula"><div class="formula-bar">formula\
            <button type="button" onclick="copyFormula(this)">Copy</button></div><pre>
            \(HTML.escape(r.genome))</pre></div>
            </div>
            </article>

            """
    }
}
