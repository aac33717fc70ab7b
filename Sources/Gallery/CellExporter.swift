import Foundation
import ImageIO
import Imaging
import Scoring
import Search
import Store

/// Renders one atlas cell's elite into its full-size PNG and thumbnail, or reuses them.
struct CellExporter {
    var run: Run
    /// The atlas's held-out network (`lite2`).
    var heldOutModel: String
    /// Framings the atlas scores each child on (its training figure is their mean).
    var trainingFramings: Int
    /// The atlas directory, `<out>/<atlas>`.
    var directory: String
    var options: GalleryOptions
    var renderer: GalleryRenderer

    /// Largest side of the atlas thumbnails: a grid of up to 1000 cards stays light.
    static let thumbnailLimit = 128

    /// Side of the thumbnails: the requested size, at most `thumbnailLimit` and the render size.
    var thumbnailSize: Int { min(options.thumbnailSize, Self.thumbnailLimit, options.size) }

    /// Cells get a preview thumbnail (rendered at its own size) before their full-size render
    /// when the full render's side is at least this many thumbnails' (16× the pixels or more).
    static let previewFactor = 4

    /// Whether cells are previewed first (`previewFactor`): for an atlas of 1000 cells at 1024 px,
    /// all thumbnails in seconds instead of minutes.
    var previews: Bool { options.size >= Self.previewFactor * thumbnailSize }

    /// Text-chunk keys of an atlas cell that `PNGTextKey` has no key for.
    enum Key {
        static let cell = "atlas cell"
        static let batch = "batch"
        static let nearest = "nearest class"
    }

    /// File names of a cell's full-size PNG and thumbnail inside the atlas directory.
    static func fileNames(cell: Int) -> (image: String, thumbnail: String) {
        let base = "cell-" + String(repeating: "0", count: max(0, 4 - String(cell).count)) + String(cell)
        return (base + ".png", base + "-thumb.png")
    }

    /// `previous` if its files can be kept: made from the same genome, sizes and text chunks,
    /// and both files still exist.
    func reusable(_ cell: AtlasCell, previous: AtlasManifest.CellEntry?) -> AtlasManifest.CellEntry? {
        guard let previous = samePicture(cell, previous: previous), previous.preview != true,
              previous.textHash == RunManifest.hash(chunks: textChunks(cell)) else { return nil }
        return previous
    }

    /// `previous` if its files show the cell's picture (same genome and sizes, both files
    /// present, or the thumbnail of a preview), whatever figures their text chunks carry.
    func samePicture(_ cell: AtlasCell, previous: AtlasManifest.CellEntry?) -> AtlasManifest.CellEntry? {
        let (image, thumbnail) = Self.fileNames(cell: cell.elite.cell)
        guard let previous, previous.genomeHash == RunManifest.hash(cell.elite.genome),
              previous.size == options.size, previous.supersampling == options.supersampling,
              previous.thumbnailSize == thumbnailSize, previous.image == image, previous.thumbnail == thumbnail,
              previous.preview == true || Directory.fileExists(directory + "/" + image),
              Directory.fileExists(directory + "/" + thumbnail) else { return nil }
        return previous
    }

    /// Renders the cell's elite at thumbnail size and writes the thumbnail alone (a preview:
    /// `render` makes the full-size PNG and the final thumbnail later).
    func renderPreview(_ cell: AtlasCell) throws -> AtlasManifest.CellEntry {
        let elite = cell.elite
        let (image, thumbnail) = Self.fileNames(cell: elite.cell)
        func failure(_ reason: String) -> GalleryError {
            .cellRenderFailed(run: run.name, cell: elite.cell, className: cell.name, genome: elite.genome, reason: reason)
        }
        var small = options
        small.size = thumbnailSize
        let render = try renderer.renderChecked(elite.genome, options: small, failure: failure)
        let text = textChunks(cell)
        Directory.remove(directory + "/" + image)  // an earlier genome's full render
        try write(render, to: thumbnail, text: text)
        return AtlasManifest.CellEntry(
            genomeHash: RunManifest.hash(elite.genome), textHash: RunManifest.hash(chunks: text),
            size: options.size, supersampling: options.supersampling, thumbnailSize: thumbnailSize,
            image: image, thumbnail: thumbnail, preview: true)
    }

    /// Rewrites the text chunks of the cell's PNGs (`entry`, the same picture) with its current
    /// figures, without rendering or re-encoding: the image chunks are copied as they are.
    func annotate(_ cell: AtlasCell, entry: AtlasManifest.CellEntry) throws -> AtlasManifest.CellEntry {
        let text = textChunks(cell)
        for name in entry.preview == true ? [entry.thumbnail] : [entry.image, entry.thumbnail] {
            try PNGTextRewrite.replaceText(in: directory + "/" + name, with: text)
        }
        var updated = entry
        updated.textHash = RunManifest.hash(chunks: text)
        return updated
    }

    /// Renders the cell's elite and writes its PNGs (full size first, then the thumbnail).
    func render(_ cell: AtlasCell) throws -> AtlasManifest.CellEntry {
        let elite = cell.elite
        let (image, thumbnail) = Self.fileNames(cell: elite.cell)
        func failure(_ reason: String) -> GalleryError {
            .cellRenderFailed(run: run.name, cell: elite.cell, className: cell.name, genome: elite.genome, reason: reason)
        }
        let render = try renderer.renderChecked(elite.genome, options: options, failure: failure)
        let text = textChunks(cell)
        try write(render, to: image, text: text)
        try write(render.resized(width: thumbnailSize, height: thumbnailSize), to: thumbnail, text: text)
        return AtlasManifest.CellEntry(
            genomeHash: RunManifest.hash(elite.genome), textHash: RunManifest.hash(chunks: text),
            size: options.size, supersampling: options.supersampling, thumbnailSize: thumbnailSize,
            image: image, thumbnail: thumbnail)
    }

    /// Every text chunk of the cell's PNGs: the headline `confidence` is the robust one, with
    /// the training and held-out confidences beside it, each labelled; before the cell is judged,
    /// the training confidence, labelled as such.
    func textChunks(_ cell: AtlasCell) -> [String: String] {
        let e = cell.elite
        var text = [
            PNGTextKey.genome: e.genome,
            PNGTextKey.target: cell.fullName,
            PNGTextKey.trainingConfidence: "\(e.confidence)",
            PNGTextKey.naturalness: "\(e.naturalness)",
            PNGTextKey.model: run.model,
            PNGTextKey.run: run.name,
            Key.cell: String(e.cell),
            Key.batch: String(e.batch),
            PNGTextKey.title: "\(cell.name) (atlas \(run.name), cell \(e.cell))",
            PNGTextKey.software: "Pareidolia",
        ]
        guard let v = cell.verdict else {
            text[PNGTextKey.confidence] = "\(e.confidence)"
            text[PNGTextKey.confidenceMethod] = "training: the atlas's own score (\(run.model), mean over its "
                + "\(trainingFramings) framings), not yet judged"
            return text
        }
        let method = "mean over \(Judge.framingCount) random framings (crops 70–100 %, ±10°, mirror) of a "
            + "\(Judge.renderSize)² anti-aliased render"
        let hits = Int((v.heldOutTopOne * Float(Judge.framingCount)).rounded())
        text[PNGTextKey.confidence] = "\(v.robust)"
        text[PNGTextKey.confidenceMethod] = "robust: the atlas's networks (\(run.model)), \(method)"
        text[PNGTextKey.heldOutConfidence] = "\(v.heldOut)"
        text[PNGTextKey.heldOutMethod] = "\(heldOutModel), \(method); target top-1 on \(hits)/\(Judge.framingCount)"
        text[Key.nearest] = "\(cell.nearestName ?? "class \(v.nearest)") (\(v.nearestProbability))"
        return text
    }

    /// Writes one PNG into the atlas directory.
    private func write(_ image: Image, to name: String, text: [String: String]) throws {
        let path = directory + "/" + name
        do {
            try PNGFile.write(image, to: path, text: text)
        } catch let error as ImageIOError {
            throw GalleryError.writeFailed(path: path, reason: error.description)
        }
    }
}

/// One filled cell as the atlas page shows it: the elite, its verdict (nil until judged) and
/// its names.
struct AtlasCell {
    var elite: EliteRow
    var verdict: CellVerdict?
    /// The class's short name (`tabby`) and full name (`tabby, tabby cat`).
    var name: String
    var fullName: String
    /// Short name of the nearest other class (nil until judged).
    var nearestName: String?
}

/// Replaces every text chunk of a PNG file with UTF-8 `iTXt` chunks (key order, right after
/// `IHDR`, as `PNGFile.write` places them), copying the other chunks byte for byte: a cell's
/// verdict reaches its PNGs in milliseconds instead of a decode and re-encode.
///
/// Belongs in `ImageIO` beside `PNGFile.write`; kept here until that module grows it.
package enum PNGTextRewrite {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Rewrites `path` atomically with `text` as its only text chunks.
    /// - Throws: `GalleryError.writeFailed` naming the file (unreadable, not a PNG, cut short,
    ///   a key that is not 1–79 printable Latin-1 characters, a value with NUL).
    package static func replaceText(in path: String, with text: [String: String]) throws {
        func failure(_ reason: String) -> GalleryError { .writeFailed(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw failure("cannot read it back") }
        let bytes = [UInt8](data)
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw failure("it is not a PNG file") }
        var out = signature
        var offset = 8
        var wroteText = false
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw failure("the PNG is cut short") }
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let end = offset + 12 + length
            guard end <= bytes.count else { throw failure("the PNG is cut short") }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            if !["tEXt", "zTXt", "iTXt"].contains(type) { out += bytes[offset..<end] }
            if type == "IHDR" && !wroteText {
                for key in text.keys.sorted() {
                    let value = text[key] ?? ""
                    let latin1 = key.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) || (0xA1...0xFF).contains($0.value) }
                    guard (1...79).contains(key.unicodeScalars.count), latin1 else { throw failure("bad text key '\(key)'") }
                    guard !value.utf8.contains(0) else { throw failure("the text of '\(key)' holds a NUL character") }
                    // iTXt: keyword, NUL, not compressed (0, 0), empty language tag and translated keyword.
                    let body = key.unicodeScalars.map { UInt8($0.value) } + [0, 0, 0, 0, 0] + Array(value.utf8)
                    out += chunk("iTXt", body)
                }
                wroteText = true
            }
            offset = end
            if type == "IEND" { break }
        }
        guard wroteText else { throw failure("the PNG has no IHDR chunk") }
        try AtomicFile.write(out, to: path)
    }

    /// One chunk: length, type, data, CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let crc = crc32(typeBytes + data)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc)
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    /// CRC-32 (ISO 3309, polynomial 0xEDB88320), as PNG chunks carry it.
    package static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
