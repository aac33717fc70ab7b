import ImageIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that never leave a partial file behind.
enum AtomicFile {
    /// Writes `text` as UTF-8 to `path` atomically: a hidden temporary file in the same
    /// directory is written, flushed to disk, then renamed over `path`.
    ///
    /// - Throws: `GalleryError.writeFailed` with the system's reason.
    static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Writes `bytes` to `path` atomically (see `write(_:to:)`).
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = TemporaryFile.path(beside: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw failure(path) }
        var error: GalleryError?
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count, let base = raw.baseAddress {
                let n = systemWrite(fd, base + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    error = failure(path)
                    return
                }
                written += n
            }
        }
        if error == nil && fsync(fd) != 0 { error = failure(path) }
        if close(fd) != 0 && error == nil { error = failure(path) }
        if error == nil && rename(temporary, path) != 0 { error = failure(path) }
        if let error {
            unlink(temporary)
            throw error
        }
    }

    /// POSIX `write(2)`.
    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
        #else
        return Darwin.write(fd, buffer, count)
        #endif
    }

    /// The error for the current `errno`.
    private static func failure(_ path: String) -> GalleryError {
        .writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
}
