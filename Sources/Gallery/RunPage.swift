import Scoring
import Search
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
    /// The run's stored plan, decoded once by the exporter (nil when it cannot be read: stores
    /// written by tests).
    var settings: RunSettings?
    /// The last generation's Pareto front (runs that select by it).
    var front: FrontSection?

    /// What the run's confidences are: an objective of inner features has none of its own, and
    /// its page leads with the fitness instead. From the stored objective, else from the
    /// target text (runs toward classes by name, and stores written by tests, have only that).
    var confidenceKind: Objective.ConfidenceKind {
        settings?.fitness.objective.confidenceKind ?? (try? ObjectiveText(parsing: run.target))?.confidenceKind ?? .sought
    }

    /// What the run breeds and how it searches (nil: its plan cannot be read; not shown).
    var breeding: BreedingLabel? { settings.map(BreedingLabel.init) }

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
            \(front?.html() ?? "")
            \(MorphSection(settings: settings, cards: cards)?.html() ?? "")
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
            run never scored. Held-out: a network the run never used, on the same framings.\
            \(confidenceKind == .topOne ? Self.innerFeaturesNote : "")</footer>
            """
        return PageStyle.document(title: "\(run.name) — Pareidolia", body: body, script: true)
    }

    /// The footer's word on an objective of inner features.
    static let innerFeaturesNote = " This run's objective reads inner features and seeks no class: each card leads "
        + "with its fitness (the objective minus its penalties, as the search scored it), and its percentages are "
        + "only the image's top-1 probability."

    private var antialiasing: String {
        let aa = options.supersampling
        return aa == 1 ? "without anti-aliasing" : "with \(aa) × \(aa) anti-aliasing"
    }

    /// The run's headline numbers as a row of chips.
    private func facts() -> String {
        let last = stats.last
        var items: [(String, String)] = []
        if let best, let card = cards.first(where: { $0.record.id == best }) {
            items.append(confidenceKind == .topOne
                ? ("best fitness", GalleryFormat.number(card.record.fitness))
                : ("best record", GalleryFormat.percent(card.entry.measuredConfidence)))
        }
        items += [
            ("generations", GalleryFormat.count(run.generations)),
            ("evaluations", GalleryFormat.count(last?.evaluations ?? 0)),
            ("time", GalleryFormat.duration(last?.elapsedSeconds ?? 0)),
            ("records", GalleryFormat.count(cards.count)),
        ]
        if let breeding { items += [("genomes", breeding.familyText), ("search", breeding.searchText)] }
        items += [
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
        let inner = confidenceKind == .topOne
        // Stored against re-measured confidence: a class's check, not an inner feature's top-1.
        let note = inner ? nil : GalleryFormat.confidenceNote(stored: r.confidence, measured: e.measuredConfidence)
        let alt = "\(run.target), generation \(r.generation), " + (inner ? "fitness \(GalleryFormat.number(r.fitness))" : shown)
        // An objective of inner features: the fitness leads, the top-1 probability is labelled.
        let score = inner
            ? "<div class=\"score\"><span class=\"conf\">\(HTML.escape(GalleryFormat.number(r.fitness)))</span> fitness "
                + "(objective − penalties)</div>\n<div class=\"note\">image top-1 p \(HTML.escape(shown)) robust</div>"
            : "<div class=\"score\"><span class=\"conf\">\(HTML.escape(shown))</span> robust</div>"
        let heldOut = inner ? Self.heldOutTopOne(r.measurements) : GalleryFormat.heldOut(r.measurements)
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
            \(score)
            <div class="class">\(HTML.escape(run.target))</div>
            \(heldOut.map { "<div class=\"heldout\">\(HTML.escape($0))</div>\n" } ?? "")\
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

    /// "held-out lite2: image top-1 p 39.1%": the held-out line of an objective of inner features.
    static func heldOutTopOne(_ measurements: String?) -> String? {
        RecordMeasurements.decode(measurements).map {
            "held-out \($0.judgement.heldOut.model): image top-1 p \(GalleryFormat.percent($0.judgement.heldOut.confidence))"
        }
    }
}
