import CPNG
import Imaging

/// An open PNG decoded one row at a time: the owner of the C reader, closed in `deinit`.
///
/// Rows go straight into the final planar `Image`; besides it only one RGBA row buffer
/// exists, so memory is bounded by the pixel budget checked when the reader opens.
final class PNGReader {
    let path: String
    let header: cpng_header
    private let handle: OpaquePointer

    /// Opens `path`, checking every chunk length and the pixel budget before decoding.
    init(path: String, limits: PNGLimits) throws {
        var reader: OpaquePointer?
        var header = cpng_header()
        var status = cpng_status()
        var c = limits.c
        let code = cpng_reader_open(path, &c, &reader, &header, &status)
        guard code == Int32(CPNG_OK.rawValue), let reader else {
            throw PNGFile.error(reading: path, status: &status, header: header, limits: limits)
        }
        self.path = path
        self.header = header
        self.handle = reader
    }

    deinit { cpng_reader_close(handle) }

    /// Decodes every row into a planar image, applying `alpha`.
    func image(alpha: AlphaHandling) throws -> Image {
        let width = Int(header.width), height = Int(header.height)
        var image = Image(width: width, height: height)
        var row = [UInt8](repeating: 0, count: max(header.row_bytes, 1))
        let sixteen = header.bit_depth == 16
        while true {
            var placement = cpng_row()
            var status = cpng_status()
            let code = row.withUnsafeMutableBytes { buffer in
                cpng_reader_next_row(handle, buffer.baseAddress, buffer.count, &placement, &status)
            }
            if code != Int32(CPNG_OK.rawValue) { throw PNGFile.error(reading: path, status: &status) }
            if placement.count == 0 { return image }
            let target = PNGPixels.RowTarget(y: Int(placement.y), x0: Int(placement.x0), dx: Int(placement.dx),
                                             count: Int(placement.count))
            row.withUnsafeBytes { bytes in
                if sixteen {
                    PNGPixels.scatter(bytes.assumingMemoryBound(to: UInt16.self), to: target, maxValue: 65535,
                                      alpha: alpha, into: &image)
                } else {
                    PNGPixels.scatter(bytes.assumingMemoryBound(to: UInt8.self), to: target, maxValue: 255,
                                      alpha: alpha, into: &image)
                }
            }
        }
    }

    /// Reads the chunks after the image data and returns every text chunk of the file.
    func finish() throws -> [String: String] {
        var texts = cpng_texts()
        var status = cpng_status()
        defer { cpng_texts_free(&texts) }
        if cpng_reader_finish(handle, &texts, &status) != Int32(CPNG_OK.rawValue) {
            throw PNGFile.error(reading: path, status: &status)
        }
        return PNGText.dictionary(texts)
    }
}
