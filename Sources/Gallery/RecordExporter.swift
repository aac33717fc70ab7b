import Genome
import ImageIO
import Imaging
import Search
import Store

/// Renders one record into its full-size PNG and thumbnail, or reuses them.
struct RecordExporter {
    var run: Run
    /// The run's directory, `<out>/<run>`.
    var directory: String
    var options: GalleryOptions
    var renderer: GalleryRenderer
    /// The pictures the run's formulas sample (none for most runs).
    var pictures: Pictures = .none

    /// Side of the thumbnails: the requested size, at most the render size.
    var thumbnailSize: Int { min(options.thumbnailSize, options.size) }

    /// What one exported picture is made from: a record, or a member of a generation's
    /// Pareto front (`FrontSection`). Both are rendered, re-measured and written alike.
    struct Picture {
        var genome: String
        var generation: Int
        /// The confidence and fitness as the search stored them.
        var storedConfidence: Float
        var fitness: Float
        /// File names inside the run directory.
        var image: String
        var thumbnail: String
        /// The text chunks that do not depend on the render.
        var metadata: [String: String]
        /// Whether to measure the held-out network too (pictures without a stored check).
        var measuresHeldOut = false
        /// The error of a render (first) or a measurement (second) that failed, from its reason.
        var renderFailure: (String) -> GalleryError
        var measureFailure: (String) -> GalleryError
    }

    /// File names of a record's full-size PNG and thumbnail inside the run directory.
    static func fileNames(_ record: RecordRow) -> (image: String, thumbnail: String) {
        let base = "record-g\(record.generation)-\(record.id)"
        return (base + ".png", base + "-thumb.png")
    }

    /// A record as a picture to export.
    func picture(_ record: RecordRow) -> Picture {
        let (image, thumbnail) = Self.fileNames(record)
        var text = commonMetadata(genome: record.genome, storedConfidence: record.confidence,
                                  naturalness: record.naturalness, generation: record.generation)
        text[PNGTextKey.record] = String(record.id)
        text[PNGTextKey.polished] = String(record.polished)
        text[PNGTextKey.title] = "\(run.target) (run \(run.name), generation \(record.generation))"
        return Picture(
            genome: record.genome, generation: record.generation, storedConfidence: record.confidence,
            fitness: record.fitness, image: image, thumbnail: thumbnail, metadata: text,
            renderFailure: { [run] in
                .renderFailed(run: run.name, record: record.id, generation: record.generation, genome: record.genome, reason: $0)
            },
            measureFailure: { [run] in .measureFailed(run: run.name, record: record.id, reason: $0) })
    }

    /// `previous` if its files can be kept: it was made from the same genome text, sizes and
    /// text chunks, and both files still exist.
    func reusable(_ record: RecordRow, previous: RunManifest.Entry?) -> RunManifest.Entry? {
        reusable(picture(record), previous: previous)
    }

    func reusable(_ picture: Picture, previous: RunManifest.Entry?) -> RunManifest.Entry? {
        guard let previous, previous.genomeHash == RunManifest.hash(picture.genome),
              previous.size == options.size, previous.supersampling == options.supersampling,
              previous.thumbnailSize == thumbnailSize, previous.image == picture.image,
              previous.thumbnail == picture.thumbnail,
              previous.storedConfidence.bitPattern == picture.storedConfidence.bitPattern,
              previous.textHash == RunManifest.hash(chunks: picture.metadata),
              Directory.fileExists(directory + "/" + picture.image),
              Directory.fileExists(directory + "/" + picture.thumbnail) else { return nil }
        var kept = previous
        kept.fitness = picture.fitness
        return kept
    }

    /// Renders the record, re-measures it and writes its PNGs (full size first, then the
    /// thumbnail); deletes files of `previous` with other names. Returns the new entry.
    func render(_ record: RecordRow, previous: RunManifest.Entry?) throws -> RunManifest.Entry {
        try render(picture(record), previous: previous)
    }

    func render(_ picture: Picture, previous: RunManifest.Entry?) throws -> RunManifest.Entry {
        let render = try renderer.renderChecked(picture.genome, pictures: pictures, options: options,
                                                failure: picture.renderFailure)
        let measured: Float
        var heldOut: RunManifest.HeldOut?
        var text = picture.metadata
        do {
            if picture.measuresHeldOut, let judge = renderer.judgement {
                let verdict = try judge(render, run, picture.generation)
                measured = verdict.confidence
                heldOut = RunManifest.HeldOut(model: verdict.heldOut.model, confidence: verdict.heldOut.confidence,
                                              topOne: verdict.heldOut.top1, framings: verdict.framings)
                // The chunks a run writes into its own record PNGs (`Judgement.textChunks`).
                text.merge(verdict.textChunks(trainingConfidence: picture.storedConfidence)) { $1 }
            } else {
                measured = try renderer.confidence(render, run, picture.generation)
            }
        } catch {
            throw picture.measureFailure(String(describing: error))
        }
        text[PNGTextKey.confidence] = "\(measured)"
        let small = render.resized(width: thumbnailSize, height: thumbnailSize)
        try write(render, to: picture.image, text: text)
        try write(small, to: picture.thumbnail, text: text)
        if let previous {
            for old in [previous.image, previous.thumbnail] where old != picture.image && old != picture.thumbnail {
                Directory.remove(directory + "/" + old)
            }
        }
        return RunManifest.Entry(
            genomeHash: RunManifest.hash(picture.genome), textHash: RunManifest.hash(chunks: picture.metadata),
            generation: picture.generation, size: options.size,
            supersampling: options.supersampling, thumbnailSize: thumbnailSize, image: picture.image,
            thumbnail: picture.thumbnail, storedConfidence: picture.storedConfidence, measuredConfidence: measured,
            fitness: picture.fitness, heldOut: heldOut)
    }

    /// Writes one PNG into the run directory.
    private func write(_ image: Image, to name: String, text: [String: String]) throws {
        let path = directory + "/" + name
        do {
            try PNGFile.write(image, to: path, text: text)
        } catch let error as ImageIOError {
            throw GalleryError.writeFailed(path: path, reason: error.description)
        }
    }

    /// The render-independent chunks every exported picture of the run carries.
    func commonMetadata(genome: String, storedConfidence: Float, naturalness: Float, generation: Int) -> [String: String] {
        [
            PNGTextKey.genome: genome,
            PNGTextKey.target: run.target,
            PNGTextKey.storedConfidence: "\(storedConfidence)",
            PNGTextKey.naturalness: "\(naturalness)",
            PNGTextKey.model: run.model,
            PNGTextKey.generation: String(generation),
            PNGTextKey.run: run.name,
            PNGTextKey.software: "Pareidolia",
        ]
    }
}
