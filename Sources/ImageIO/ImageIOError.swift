/// Everything that can go wrong reading or writing an image file.
///
/// Each case carries the offending path (or text key) and its description says what to do.
public enum ImageIOError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// `path` exists but is a directory or another non-regular file.
    case notAFile(path: String)
    /// The file exists but could not be opened or read (permissions, I/O error).
    case unreadable(path: String, reason: String)
    /// The file does not start with the 8-byte PNG signature.
    case notPNG(path: String)
    /// The file ends before its PNG data does (an interrupted download or copy).
    case truncated(path: String)
    /// libpng rejected the data (bad CRC, broken compressed stream, invalid header…).
    case corrupt(path: String, detail: String)
    /// A valid PNG this module cannot handle (e.g. too large to decode in memory).
    case unsupported(path: String, reason: String)
    /// The header declares more pixels than the reader's budget (`PNGLimits.maxPixels`);
    /// nothing was decoded.
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    /// A chunk declares more data than the file holds: the file is cut short, or the length
    /// is forged to make a reader allocate gigabytes. `offset` is where the chunk starts.
    case chunkTooLong(path: String, chunk: String, offset: Int, declared: Int, available: Int)
    /// A text-chunk key that PNG does not allow (must be 1–79 printable Latin-1 characters).
    case invalidTextKey(key: String, reason: String)
    /// A text-chunk value that cannot be stored (e.g. it contains a NUL character).
    case invalidTextValue(key: String, reason: String)
    /// The PNG could not be written to `path`.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "No file at '\(path)'. Check the path and the current directory."
        case .notAFile(let path):
            return "'\(path)' is a directory or special file, not an image. Give the path of a PNG file."
        case .unreadable(let path, let reason):
            return "Cannot read '\(path)': \(reason). Check its permissions."
        case .notPNG(let path):
            return "'\(path)' is not a PNG file (wrong signature). Convert it to PNG first, "
                + "e.g. `convert input.jpg output.png`."
        case .truncated(let path):
            return "'\(path)' is truncated: the file ends before the PNG data does. "
                + "Copy or download it again, or re-export it."
        case .corrupt(let path, let detail):
            return "'\(path)' is a damaged PNG (\(detail)). Re-export it, or convert it to a fresh PNG."
        case .unsupported(let path, let reason):
            return "'\(path)' cannot be used: \(reason). Convert it to a smaller 8-bit RGB PNG."
        case .tooLarge(let path, let width, let height, let limit):
            return "'\(path)' is \(width)×\(height) pixels, more than the limit of "
                + "\(limit) pixels; scale it down (e.g. `convert '\(path)' -resize 2048x2048 smaller.png`)"
        case .chunkTooLong(let path, let chunk, let offset, let declared, let available):
            return "'\(path)' is damaged: its '\(chunk)' chunk at byte \(offset) declares \(declared) "
                + "bytes but only \(available) follow (the file is truncated or the length is forged). "
                + "Copy or download it again, or re-export it."
        case .invalidTextKey(let key, let reason):
            return "Invalid PNG text key '\(key)': \(reason). Use 1–79 printable Latin-1 characters "
                + "without leading, trailing or double spaces."
        case .invalidTextValue(let key, let reason):
            return "Invalid PNG text value for key '\(key)': \(reason). Remove the offending characters."
        case .writeFailed(let path, let reason):
            return "Cannot write '\(path)': \(reason). Check that the directory exists, is writable "
                + "and has free space."
        }
    }
}
