/// The front page `<out>/index.html`: one card per run found in the output directory.
struct IndexPage {
    /// The manifests of every run directory, in any order.
    var runs: [RunManifest]

    /// The complete HTML document; runs newest first.
    func html() -> String {
        let ordered = runs.sorted {
            ($0.run.createdAt, $1.run.name) > ($1.run.createdAt, $0.run.name)
        }
        var body = """
            <h1>Pareidolia gallery</h1>
            <p class="lead intro">Formula images evolved until an image classifier sees a class in \
            them. \(ordered.count == 1 ? "One run" : "\(ordered.count) runs"); open one for \
            its records, formulas and confidence chart.</p>

            """
        if ordered.isEmpty {
            body += "<p class=\"empty\">No run has been exported here yet.</p>\n"
        } else {
            body += "<div class=\"grid-cards\">\n"
            for manifest in ordered { body += card(manifest) }
            body += "</div>\n"
        }
        return PageStyle.document(title: "Pareidolia gallery", body: body, script: false)
    }

    /// One run's card: its fittest record's thumbnail and headline numbers.
    private func card(_ manifest: RunManifest) -> String {
        let run = manifest.run
        let best = run.best.flatMap { manifest.records[String($0)] }
        var thumb = "<span class=\"thumb\"></span>"
        var score = "<span class=\"conf\">–</span>"
        var note = ""
        var data = ""
        if let best {
            let shown = GalleryFormat.percent(best.measuredConfidence)
            thumb = """
                <span class="thumb"><img src="\(HTML.href(run.name, best.thumbnail))" \
                width="\(best.thumbnailSize)" height="\(best.thumbnailSize)" \
                alt="\(HTML.escape("\(run.target), \(shown)"))" loading="lazy"></span>
                """
            score = "<span class=\"conf\">\(HTML.escape(shown))</span>"
            if let text = GalleryFormat.confidenceNote(stored: best.storedConfidence,
                                                       measured: best.measuredConfidence) {
                note = "<div class=\"note\">\(HTML.escape(text))</div>\n"
            }
            data = " data-confidence=\"\(best.storedConfidence)\" "
                + "data-measured=\"\(best.measuredConfidence)\""
        }
        let records = GalleryFormat.count(run.shown.count)
        return """
            <a class="card" href="\(HTML.href(run.name, "index.html"))" \
            data-run="\(HTML.escape(run.name))" data-generations="\(run.generations)"\(data)>
            \(thumb)
            <div class="body">
            <h2>\(HTML.escape(run.name))</h2>
            <div class="score">\(score)</div><div class="class">\(HTML.escape(run.target))</div>
            \(note)<dl class="meta"><dt>generations</dt><dd>\(GalleryFormat.count(run.generations))\
            </dd><dt>evaluations</dt><dd>\(GalleryFormat.count(run.evaluations))</dd>\
            <dt>time</dt><dd>\(HTML.escape(GalleryFormat.duration(run.elapsedSeconds)))</dd>\
            <dt>records</dt><dd>\(records)</dd><dt>model</dt><dd>\(HTML.escape(run.model))</dd></dl>
            </div>
            </a>

            """
    }
}
