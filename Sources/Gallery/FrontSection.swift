import ImageIO
import Scoring
import Search
import Store

/// The run page's Pareto front, for runs that select survivors by it (`--select pareto`): a
/// chart of the last generation's population (`FrontChart`) and a card per front member
/// (its render, re-measured robust and held-out confidence, size, formula). A user picks a point
/// on the chart and lands on its card.
struct FrontSection {
    /// At most this many front members are rendered and measured, spread along the front from
    /// the most confident to the least (`spread`); the chart shows them all.
    static let renderLimit = 16

    var front: PopulationFront
    /// The rendered members' entries by rank on the front (0: the most confident).
    var entries: [Int: RunManifest.Entry]
    var runName: String
    var target: String
    var confidenceKind: Objective.ConfidenceKind

    /// The ranks (0-based, most confident first) of the members rendered from a front of `count`:
    /// all of them up to `limit`, else `limit` ranks evenly spaced from the first to the last, so
    /// the cards cover the whole trade-off.
    static func spread(_ count: Int, limit: Int = renderLimit) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        guard limit > 1 else { return Array([0].prefix(limit)) }
        let step = Double(count - 1) / Double(limit - 1)
        return (0..<limit).map { (k: Int) -> Int in Int((Double(k) * step).rounded()) }
    }

    /// The id of the k-th member's card (0-based k).
    static func anchor(_ k: Int) -> String { "front-\(k + 1)" }

    /// File names of a front member's render and thumbnail: by genome, so a member that stays
    /// on the front across exports keeps its files.
    static func fileNames(genome: String) -> (image: String, thumbnail: String) {
        let base = "front-" + RunManifest.hash(genome)
        return (base + ".png", base + "-thumb.png")
    }

    /// Renders and measures the front of `run`'s last generation (reusing the files of members
    /// already exported), records them in `manifest` (saved after each), and returns the section;
    /// nil when the run does not select by the front or has no stored population to compute it from.
    static func export(_ run: Run, settings: RunSettings?, store: RunStore, exporter: RecordExporter,
                       manifest: inout RunManifest, isCancelled: () -> Bool, out: String,
                       progress: (GalleryProgress) -> Void) throws -> FrontSection? {
        guard settings?.evolution.survivors == .pareto, run.generations > 0 else {
            if manifest.front != nil {
                manifest.front = nil
                try manifest.save(to: exporter.directory)
            }
            return nil
        }
        let generation = run.generations - 1
        let population = try store.population(run: run.id, generation: generation)
        guard !population.isEmpty else { return nil }
        let front: PopulationFront
        do {
            front = try PopulationFront(population: population, generation: generation, pictures: exporter.pictures)
        } catch let error as PopulationFront.UnreadableGenome {
            throw GalleryError.frontFailed(run: run.name, generation: generation, step: "read", genome: error.genome,
                                           reason: error.description)
        }
        let previous = manifest.front?.entries ?? [:]
        var entries: [String: RunManifest.Entry] = [:]
        var shown: [Int: RunManifest.Entry] = [:]
        let members = front.members
        let ranks = spread(members.count)
        for (done, rank) in ranks.enumerated() {
            if isCancelled() {
                throw GalleryError.interrupted(run: run.name, page: out + "/index.html", judged: 0, remaining: 0)
            }
            let member = members[rank]
            let key = RunManifest.hash(member.genome)
            let picture = exporter.picture(front: member, generation: generation)
            let reused = exporter.reusable(picture, previous: previous[key])
            let entry = try reused ?? exporter.render(picture, previous: nil)
            entries[key] = entry
            shown[rank] = entry
            // Saved after each picture, so an interrupted export keeps the finished ones.
            manifest.front = RunManifest.Front(generation: generation, entries: entries)
            try manifest.save(to: exporter.directory)
            progress(GalleryProgress(run: run.name, done: done + 1, total: ranks.count, record: 0, generation: generation,
                                     reused: reused != nil, measuredConfidence: entry.measuredConfidence, front: true))
        }
        let kind = settings?.fitness.objective.confidenceKind ?? .sought
        return FrontSection(front: front, entries: shown, runName: run.name, target: run.target, confidenceKind: kind)
    }

    /// The section's HTML: heading, chart, cards.
    func html() -> String {
        let members = front.members
        let missing = members.count - entries.count
        var html = """
            <h2 id="front">Pareto front<small>generation \(front.generation) · \(members.count) of \(front.points.count) \
            pictures that no other beats on confidence, naturalness and size · click a point for its render; \
            to render a formula yourself, save it as NAME.genome and run pareidolia render NAME.genome</small></h2>
            <div class="panel">\(FrontChart.svg(front, anchors: entries.keys.reduce(into: [:]) { $0[$1] = Self.anchor($1) }))</div>

            """
        if missing > 0 {
            html += "<p class=\"graph-note\">\(entries.count) of the \(members.count) on the front are rendered, spread from the most "
                + "confident to the least; "
                + "<code>pareidolia show \(HTML.escape(runName)) --front</code> lists every formula (numbered as here).</p>\n"
        }
        html += "<div class=\"grid-cards\">\n"
        for (k, entry) in entries.sorted(by: { $0.key < $1.key }) { html += card(k, members[k], entry) }
        return html + "</div>\n"
    }

    /// The k-th member's card.
    private func card(_ k: Int, _ point: PopulationFront.Point, _ e: RunManifest.Entry) -> String {
        let inner = confidenceKind == .topOne
        let score = inner
            ? "<div class=\"score\"><span class=\"conf\">\(HTML.escape(GalleryFormat.number(point.fitness)))</span> fitness</div>"
                + "\n<div class=\"note\">image top-1 p \(HTML.escape(GalleryFormat.percent(e.measuredConfidence))) robust</div>"
            : "<div class=\"score\"><span class=\"conf\">\(HTML.escape(GalleryFormat.percent(e.measuredConfidence)))</span> robust</div>"
        let heldOut = e.heldOut.map {
            GalleryFormat.heldOut(model: $0.model, confidence: $0.confidence, topOne: $0.topOne, framings: $0.framings,
                                  training: point.confidence)
        }
        return """
            <article class="card" id="\(Self.anchor(k))" data-front="\(k + 1)" data-confidence="\(point.confidence)" \
            data-measured="\(e.measuredConfidence)" data-naturalness="\(point.naturalness)" data-nodes="\(point.nodes)">
            <a class="thumb" href="\(HTML.href(e.image))" title="\(HTML.escape("Full size: \(e.size) × \(e.size) px"))">\
            <img src="\(HTML.href(e.thumbnail))" width="\(e.thumbnailSize)" height="\(e.thumbnailSize)" \
            alt="\(HTML.escape("\(target), Pareto front point \(k + 1)"))" loading="lazy">\
            <span class="badges"><span class="badge best">\(k + 1)</span></span></a>
            <div class="body">
            \(score)
            <div class="class">\(HTML.escape(target))</div>
            \(heldOut.map { "<div class=\"heldout\">\(HTML.escape($0))</div>\n" } ?? "")\
            <dl class="meta"><dt>naturalness</dt><dd>\(HTML.escape(GalleryFormat.number(point.naturalness)))</dd>\
            <dt>nodes</dt><dd>\(point.nodes)</dd><dt>fitness</dt><dd>\(HTML.escape(GalleryFormat.number(point.fitness)))</dd></dl>
            <div class="formula"><div class="formula-bar">formula\
            <button type="button" onclick="copyFormula(this)">Copy</button></div><pre>
            \(HTML.escape(point.genome))</pre></div>
            </div>
            </article>

            """
    }
}

extension GalleryExporter {
    /// File names, inside a run's directory, of a Pareto front member's render and thumbnail.
    public static func frontFileNames(genome: String) -> (image: String, thumbnail: String) {
        FrontSection.fileNames(genome: genome)
    }
}

extension RecordExporter {
    /// A member of generation `generation`'s Pareto front as a picture to export; measured with
    /// the held-out network too, since the population stores no check of its own.
    func picture(front point: PopulationFront.Point, generation: Int) -> Picture {
        let (image, thumbnail) = FrontSection.fileNames(genome: point.genome)
        var text = commonMetadata(genome: point.genome, storedConfidence: point.confidence,
                                  naturalness: point.naturalness, generation: generation)
        text[PNGTextKey.title] = "\(run.target) (run \(run.name), generation \(generation), Pareto front)"
        let failure = { [run] (step: String, reason: String) -> GalleryError in
            .frontFailed(run: run.name, generation: generation, step: step, genome: point.genome, reason: reason)
        }
        return Picture(genome: point.genome, generation: generation, storedConfidence: point.confidence,
                       fitness: point.fitness, image: image, thumbnail: thumbnail, metadata: text,
                       measuresHeldOut: true,
                       renderFailure: { failure("render", $0) }, measureFailure: { failure("re-measure", $0) })
    }
}
