#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPNG
import Imaging

/// A PNG file's pixels and text chunks.
public struct DecodedPNG: Sendable, Equatable {
    /// The pixels: 8-bit samples divided by 255, 16-bit samples by 65535; grey is copied to
    /// R, G and B; palettes are expanded; alpha is handled as the reader was asked.
    public var image: Image
    /// Every `tEXt`, `zTXt` and `iTXt` chunk, key → value (a later chunk with the same key wins).
    public var text: [String: String]
    /// Bits per decoded sample: 16 for 16-bit files, 8 for everything else.
    public var bitDepth: Int
    /// Whether the file had an alpha channel or `tRNS` transparency.
    public var hadAlpha: Bool
}

/// Reading and writing PNG files through libpng.
///
/// Colour values are taken as stored: no gamma, ICC or `sRGB` chunk is applied.
public enum PNGFile {
    /// Reads any PNG: grey, grey+alpha, RGB, RGBA or palette; 1 to 16 bits; interlaced or not.
    ///
    /// Memory is bounded: every chunk length is checked against the file size and the
    /// header's `width × height` against `limits.maxPixels` before anything is decoded; rows
    /// are then decoded one at a time straight into the returned image.
    /// - Parameters:
    ///   - path: the file to read.
    ///   - alpha: what to do with transparency; by default it is composited over white.
    ///   - limits: the pixel budget and libpng's chunk limits (default `.standard`, 8192²).
    /// - Throws: `ImageIOError` naming the file: `.fileNotFound`, `.notAFile`, `.unreadable`,
    ///   `.notPNG`, `.truncated`, `.chunkTooLong`, `.tooLarge`, `.corrupt` (with libpng's
    ///   message, which names the chunk) or `.unsupported`.
    public static func read(_ path: String, alpha: AlphaHandling = .compositeOverWhite,
                            limits: PNGLimits = .standard) throws -> DecodedPNG {
        let reader = try PNGReader(path: path, limits: limits)
        let image = try reader.image(alpha: alpha)
        let text = try reader.finish()
        return DecodedPNG(image: image, text: text, bitDepth: Int(reader.header.bit_depth),
                          hadAlpha: reader.header.has_alpha != 0)
    }

    /// Reads only the text chunks (`tEXt`, `zTXt`, `iTXt`, before or after the image data),
    /// key → value (a later chunk with the same key wins), decoding no pixel data.
    ///
    /// No pixel budget applies, so this reads the embedded genome of an image too large to
    /// decode; chunk lengths and sizes are bounded as for `read`.
    /// - Throws: the same `ImageIOError`s as `read`, except `.tooLarge`.
    public static func readText(_ path: String, limits: PNGLimits = .standard) throws -> [String: String] {
        var texts = cpng_texts()
        var header = cpng_header()
        var status = cpng_status()
        var c = limits.c
        defer { cpng_texts_free(&texts) }
        if cpng_read_text(path, &c, &texts, &header, &status) != Int32(CPNG_OK.rawValue) {
            throw error(reading: path, status: &status)
        }
        return PNGText.dictionary(texts)
    }

    /// Writes `image` as an 8-bit RGB PNG with `text` stored as UTF-8 `iTXt` chunks.
    ///
    /// Samples are clamped to [0, 1] and stored as `round(v * 255)`. Chunks are written in key
    /// order, before the image data. The write is atomic: the PNG goes to a temporary file in
    /// the same directory, is flushed to disk, then renamed over `path`, so an interrupted
    /// write never leaves a partial PNG at `path`.
    /// - Throws: `.invalidTextKey` (keys must be 1–79 printable Latin-1 characters),
    ///   `.invalidTextValue` (no NUL), `.writeFailed` naming the file and the system's reason.
    public static func write(_ image: Image, to path: String, text: [String: String] = [:]) throws {
        let keys = text.keys.sorted()
        let encoded = try keys.map { key in
            (try PNGText.encodeKey(key) + [0], try PNGText.encodeValue(text[key] ?? "", key: key) + [0])
        }
        guard image.width <= Int(Int32.max), image.height <= Int(Int32.max) else {
            throw ImageIOError.writeFailed(path: path, reason: "PNG cannot store \(image.width)×\(image.height) pixels")
        }
        let rgb = image.interleavedRGB8()
        let temporary = TemporaryFile.path(beside: path)
        var status = cpng_status()
        let code = withTextEntries(encoded) { entries in
            rgb.withUnsafeBufferPointer { rgbBuffer in
                cpng_write_rgb8(temporary, UInt32(image.width), UInt32(image.height), rgbBuffer.baseAddress,
                                entries.baseAddress, Int32(entries.count), &status)
            }
        }
        if code != Int32(CPNG_OK.rawValue) {
            throw ImageIOError.writeFailed(path: path, reason: message(of: &status))
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ImageIOError.writeFailed(path: path, reason: reason)
        }
    }

    // MARK: Helpers

    /// Calls `body` with C text entries pointing into `encoded` (NUL-terminated byte arrays).
    private static func withTextEntries<R>(
        _ encoded: [([UInt8], [UInt8])], _ body: (UnsafeBufferPointer<cpng_text_entry>) -> R
    ) -> R {
        let flat = encoded.flatMap { $0.0 + $0.1 }
        return flat.withUnsafeBufferPointer { storage in
            var entries: [cpng_text_entry] = []
            var offset = 0
            for (key, value) in encoded {
                let base = storage.baseAddress.map { UnsafeRawPointer($0) }
                let keyPointer = base.map { ($0 + offset).assumingMemoryBound(to: CChar.self) }
                let valuePointer = base.map { ($0 + offset + key.count).assumingMemoryBound(to: CChar.self) }
                entries.append(cpng_text_entry(key: keyPointer, key_length: key.count - 1, text: valuePointer,
                                               text_length: value.count - 1, is_utf8: 1))
                offset += key.count + value.count
            }
            return entries.withUnsafeBufferPointer(body)
        }
    }

    private static func message(of status: inout cpng_status) -> String {
        withUnsafeBytes(of: &status.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The `ImageIOError` for a failed C read of `path`.
    static func error(reading path: String, status: inout cpng_status, header: cpng_header = cpng_header(),
                      limits: PNGLimits = .standard) -> ImageIOError {
        let text = message(of: &status)
        switch cpng_code(rawValue: UInt32(bitPattern: status.code)) {
        case CPNG_ERR_OPEN:
            return status.os_error == ENOENT ? .fileNotFound(path: path) : .unreadable(path: path, reason: text)
        case CPNG_ERR_NOT_FILE: return .notAFile(path: path)
        case CPNG_ERR_SIGNATURE: return .notPNG(path: path)
        case CPNG_ERR_TRUNCATED: return .truncated(path: path)
        case CPNG_ERR_TOO_LARGE:
            return .tooLarge(path: path, width: Int(header.width), height: Int(header.height),
                             limit: limits.maxPixels)
        case CPNG_ERR_CHUNK_LENGTH:
            let chunk = withUnsafeBytes(of: &status.chunk.type) { String(decoding: $0.prefix(4), as: UTF8.self) }
            return .chunkTooLong(path: path, chunk: chunk, offset: Int(clamping: status.chunk.offset),
                                 declared: Int(clamping: status.chunk.declared),
                                 available: Int(clamping: status.chunk.available))
        case CPNG_ERR_NO_MEMORY: return .unsupported(path: path, reason: text)
        case CPNG_ERR_IO: return .unreadable(path: path, reason: text)
        default: return .corrupt(path: path, detail: text)
        }
    }
}
