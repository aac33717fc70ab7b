import Scoring

/// The front page `<out>/index.html`: one card per run and per atlas found in the output
/// directory.
struct IndexPage {
    /// The manifests of every run directory, in any order.
    var runs: [RunManifest]
    /// The manifests of every atlas directory, in any order.
    var atlases: [AtlasManifest] = []

    /// The complete HTML document; runs and atlases newest first.
    func html() -> String {
        let entries = runs.map { ($0.run.createdAt, $0.run.name, card($0)) }
            + atlases.map { ($0.atlas.createdAt, $0.atlas.name, card($0)) }
        let ordered = entries.sorted { ($0.0, $1.1) > ($1.0, $0.1) }
        var body = """
            <h1>Pareidolia gallery</h1>
            <p class="lead intro">Formula images evolved until an image classifier sees a class in \
            them. \(contents).</p>

            """
        if ordered.isEmpty {
            body += "<p class=\"empty\">No run has been exported here yet.</p>\n"
        } else {
            body += "<div class=\"grid-cards\">\n"
            for entry in ordered { body += entry.2 }
            body += "</div>\n"
        }
        return PageStyle.document(title: "Pareidolia gallery", body: body, script: false)
    }

    /// What the gallery holds and what each page shows: `3 runs; open one for its records, …`.
    private var contents: String {
        let runText = runs.count == 1 ? "One run" : "\(runs.count) runs"
        let runPage = "its records, formulas and confidence chart"
        let atlasPage = "its elites and class-similarity graph"
        switch (runs.isEmpty, atlases.count) {
        case (_, 0): return "\(runText); open one for \(runPage)"
        case (true, 1): return "One atlas; open it for \(atlasPage)"
        case (true, let n): return "\(n) atlases; open one for \(atlasPage)"
        case (false, let n):
            return "\(runText) and \(n == 1 ? "one atlas" : "\(n) atlases"); open a run for \(runPage), "
                + "an atlas for \(atlasPage)"
        }
    }

    /// One atlas's card: its most robust cells' thumbnails and its coverage line.
    private func card(_ manifest: AtlasManifest) -> String {
        let atlas = manifest.atlas
        let images = atlas.showcase.compactMap { manifest.cells[String($0)] }.map { entry in
            "<img src=\"\(HTML.href(atlas.name, entry.thumbnail))\" width=\"\(entry.thumbnailSize)\" "
                + "height=\"\(entry.thumbnailSize)\" alt=\"\" loading=\"lazy\">"
        }
        let score: String
        let line: String
        if let coverage = atlas.coverage {
            score = "<span class=\"conf\">\(GalleryFormat.count(coverage.robustAtNinety))</span> "
                + "cell\(coverage.robustAtNinety == 1 ? "" : "s") ≥ 90 % robust"
            line = coverage.line
        } else {
            score = "<span class=\"conf\">–</span>"
            line = "not judged yet: export it again to finish"
        }
        return """
            <a class="card atlas" href="\(HTML.href(atlas.name, "index.html"))" \
            data-run="\(HTML.escape(atlas.name))" data-kind="atlas" data-batches="\(atlas.batches)">
            <span class="thumb mosaic">\(images.joined())</span>
            <div class="body">
            <h2>\(HTML.escape(atlas.name))</h2>
            <div class="score">\(score)</div><div class="class">\(HTML.escape(atlas.target))</div>
            <div class="coverage-line">\(HTML.escape(line))</div>
            \(breeding(genomes: atlas.genomes, search: atlas.search))\
            <dl class="meta"><dt>batches</dt><dd>\(GalleryFormat.count(atlas.batches))</dd>\
            <dt>evaluations</dt><dd>\(GalleryFormat.count(atlas.evaluations))</dd>\
            <dt>time</dt><dd>\(HTML.escape(GalleryFormat.duration(atlas.elapsedSeconds)))</dd>\
            <dt>networks</dt><dd>\(HTML.escape(atlas.model))</dd>\
            <dt>held out</dt><dd>\(HTML.escape(atlas.heldOutModel))</dd></dl>
            </div>
            </a>

            """
    }

    /// What a run or an atlas breeds and how it searches, on one line (nothing for a manifest
    /// written before they were kept: the next export of that run adds them).
    private func breeding(genomes: String?, search: String?) -> String {
        guard let genomes, let search else { return "" }
        // A no-break space keeps `· memetic` together when the family wraps.
        return "<div class=\"breeding\"><span class=\"genomes\">\(HTML.escape(genomes))</span> ·&#160;"
            + "<span class=\"search\">\(HTML.escape(search))</span></div>\n"
    }

    /// One run's card: its fittest record's thumbnail and headline numbers.
    private func card(_ manifest: RunManifest) -> String {
        let run = manifest.run
        let best = run.best.flatMap { manifest.records[String($0)] }
        var thumb = "<span class=\"thumb\"></span>"
        var score = "<span class=\"conf\">–</span>"
        var note = ""
        var data = ""
        // An objective of inner features has no confidence: its card leads with the fitness.
        let inner = ((try? ObjectiveText(parsing: run.target))?.confidenceKind ?? .sought) == .topOne
        if let best {
            let shown = inner ? "fitness " + (best.fitness.map(GalleryFormat.number) ?? "–")
                : GalleryFormat.percent(best.measuredConfidence)
            thumb = """
                <span class="thumb"><img src="\(HTML.href(run.name, best.thumbnail))" \
                width="\(best.thumbnailSize)" height="\(best.thumbnailSize)" \
                alt="\(HTML.escape("\(run.target), \(shown)"))" loading="lazy"></span>
                """
            score = "<span class=\"conf\">\(HTML.escape(shown))</span>"
            if inner {
                note = "<div class=\"note\">image top-1 p \(HTML.escape(GalleryFormat.percent(best.measuredConfidence))) robust</div>\n"
            } else if let text = GalleryFormat.confidenceNote(stored: best.storedConfidence,
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
            \(breeding(genomes: run.genomes, search: run.search))\
            \(note)<dl class="meta"><dt>generations</dt><dd>\(GalleryFormat.count(run.generations))\
            </dd><dt>evaluations</dt><dd>\(GalleryFormat.count(run.evaluations))</dd>\
            <dt>time</dt><dd>\(HTML.escape(GalleryFormat.duration(run.elapsedSeconds)))</dd>\
            <dt>records</dt><dd>\(records)</dd><dt>model</dt><dd>\(HTML.escape(run.model))</dd></dl>
            </div>
            </a>

            """
    }
}
