import ImageIO
import Imaging
import Store

/// Renders one record into its full-size PNG and thumbnail, or reuses them.
struct RecordExporter {
    var run: Run
    /// The run's directory, `<out>/<run>`.
    var directory: String
    var options: GalleryOptions
    var renderer: GalleryRenderer

    /// Side of the thumbnails: the requested size, at most the render size.
    var thumbnailSize: Int { min(options.thumbnailSize, options.size) }

    /// File names of a record's full-size PNG and thumbnail inside the run directory.
    static func fileNames(_ record: RecordRow) -> (image: String, thumbnail: String) {
        let base = "record-g\(record.generation)-\(record.id)"
        return (base + ".png", base + "-thumb.png")
    }

    /// `previous` if its files can be kept: it was made from the same genome text, sizes and
    /// text chunks, and both files still exist.
    func reusable(_ record: RecordRow, previous: RunManifest.Entry?) -> RunManifest.Entry? {
        let (image, thumbnail) = Self.fileNames(record)
        guard let previous, previous.genomeHash == RunManifest.hash(record.genome),
              previous.size == options.size, previous.supersampling == options.supersampling,
              previous.thumbnailSize == thumbnailSize, previous.image == image,
              previous.thumbnail == thumbnail,
              previous.storedConfidence.bitPattern == record.confidence.bitPattern,
              previous.textHash == RunManifest.hash(textSignature(record)),
              Directory.fileExists(directory + "/" + image),
              Directory.fileExists(directory + "/" + thumbnail) else { return nil }
        var kept = previous
        kept.fitness = record.fitness
        return kept
    }

    /// Renders the record, re-measures it and writes its PNGs (full size first, then the
    /// thumbnail); deletes files of `previous` with other names. Returns the new entry.
    func render(_ record: RecordRow, previous: RunManifest.Entry?) throws -> RunManifest.Entry {
        let (image, thumbnail) = Self.fileNames(record)
        let render = try draw(record)
        let measured: Float
        do {
            measured = try renderer.confidence(render, run, record.generation)
        } catch {
            throw GalleryError.measureFailed(run: run.name, record: record.id,
                                             reason: String(describing: error))
        }
        let text = textChunks(record, measured: measured)
        let small = render.resized(width: thumbnailSize, height: thumbnailSize)
        try write(render, to: image, text: text)
        try write(small, to: thumbnail, text: text)
        if let previous {
            for old in [previous.image, previous.thumbnail] where old != image && old != thumbnail {
                Directory.remove(directory + "/" + old)
            }
        }
        return RunManifest.Entry(
            genomeHash: RunManifest.hash(record.genome), textHash: RunManifest.hash(textSignature(record)),
            generation: record.generation, size: options.size,
            supersampling: options.supersampling, thumbnailSize: thumbnailSize, image: image,
            thumbnail: thumbnail, storedConfidence: record.confidence, measuredConfidence: measured,
            fitness: record.fitness)
    }

    /// The record rendered at full size, checked to be `size`×`size`.
    private func draw(_ record: RecordRow) throws -> Image {
        func failure(_ reason: String) -> GalleryError {
            .renderFailed(run: run.name, record: record.id, generation: record.generation,
                          genome: record.genome, reason: reason)
        }
        return try renderer.renderChecked(record.genome, options: options, failure: failure)
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

    /// Every text chunk of the record's PNGs.
    func textChunks(_ record: RecordRow, measured: Float) -> [String: String] {
        var text = metadata(record)
        text[PNGTextKey.confidence] = "\(measured)"
        return text
    }

    /// The text chunks that do not depend on the render.
    private func metadata(_ record: RecordRow) -> [String: String] {
        [
            PNGTextKey.genome: record.genome,
            PNGTextKey.target: run.target,
            PNGTextKey.storedConfidence: "\(record.confidence)",
            PNGTextKey.naturalness: "\(record.naturalness)",
            PNGTextKey.model: run.model,
            PNGTextKey.generation: String(record.generation),
            PNGTextKey.run: run.name,
            PNGTextKey.record: String(record.id),
            PNGTextKey.polished: String(record.polished),
            PNGTextKey.title: "\(run.target) (run \(run.name), generation \(record.generation))",
            PNGTextKey.software: "Pareidolia",
        ]
    }

    /// The render-independent chunks as one text, to detect a change that needs new files.
    private func textSignature(_ record: RecordRow) -> String {
        metadata(record).sorted { $0.key < $1.key }.map { "\($0.key)\u{0}\($0.value)" }
            .joined(separator: "\u{0}")
    }
}
