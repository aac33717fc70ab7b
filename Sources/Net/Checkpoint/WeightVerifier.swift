import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks weight files against the SHA-256 prefix in their names
/// (`efficientnet-lite0-57934424.pth` must hash to `57934424…`), so a damaged copy is refused
/// at load time instead of silently changing every answer.
///
/// Hashing the 18 MB Lite0 file costs tens of milliseconds in release builds; a verdict is
/// cached in `.verified` beside the weights, keyed by file name, size and modification time
/// (nanoseconds), so later start-ups only `stat` the file. Any write to the file changes its
/// modification time and so invalidates the verdict.
public enum WeightVerifier {
    /// Name of the cache file written beside the weights.
    public static let cacheFileName = ".verified"

    /// The hexadecimal digest prefix a weight file's name carries: the part after the last
    /// `-` and before `.pth`, if it is 8 to 64 hex digits.
    public static func expectedPrefix(ofFileNamed name: String) -> String? {
        guard name.hasSuffix(".pth"), let dash = name.lastIndex(of: "-") else { return nil }
        let hex = name[name.index(after: dash)..<name.index(name.endIndex, offsetBy: -4)].lowercased()
        guard (8...64).contains(hex.count), hex.allSatisfy({ $0.isHexDigit }) else { return nil }
        return hex
    }

    /// Verifies `path` (from the cache when its name, size and modification time match a
    /// verdict there; else by hashing it, then recording the verdict).
    ///
    /// - Parameter useCache: read and write `.verified` (default true).
    /// - Throws: `NetError.weightsCorrupted` when the digest does not start with the name's
    ///   prefix, `.weightsUnverifiable` when the name carries none, `.checkpointUnreadable`.
    public static func verify(_ path: String, useCache: Bool = true) throws {
        let name = (path as NSString).lastPathComponent
        guard let expected = expectedPrefix(ofFileNamed: name) else {
            throw NetError.weightsUnverifiable(path: path, reason: "its name carries no SHA-256 prefix "
                + "(expected <model>-<8 hex digits>.pth)")
        }
        let stamp = try FileStamp(path: path)
        let cachePath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(cacheFileName)
        let cached = useCache ? VerdictCache(contentsOf: cachePath) : VerdictCache()
        if let digest = cached.digest(for: name, stamp: stamp), digest.hasPrefix(expected) { return }
        let digest = SHA256.hex(try sha256(ofFileAt: path))
        guard digest.hasPrefix(expected) else {
            throw NetError.weightsCorrupted(path: path, expected: expected, found: String(digest.prefix(expected.count)))
        }
        if useCache {
            var updated = cached
            updated.set(digest: digest, for: name, stamp: stamp)
            updated.write(to: cachePath)   // best effort: a read-only directory only costs a re-hash
        }
    }

    /// The lower-case hexadecimal SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String { SHA256.hex(SHA256.hash(bytes)) }

    /// The lower-case hexadecimal SHA-256 of `pieces` fed one after another (streaming).
    public static func sha256Hex(pieces: [[UInt8]]) -> String {
        var sha = SHA256()
        for piece in pieces { sha.update(piece) }
        return SHA256.hex(sha.finalize())
    }

    /// The SHA-256 of the file at `path`, read in 1 MiB pieces.
    public static func sha256(ofFileAt path: String) throws -> [UInt8] {
        guard let file = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be opened" : "no such file"
            throw NetError.checkpointUnreadable(path: path, reason: reason)
        }
        defer { try? file.close() }
        var sha = SHA256()
        while true {
            let chunk: Data
            do {
                chunk = try file.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw NetError.checkpointUnreadable(path: path, reason: "\(error)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { sha.update($0) }
        }
        return sha.finalize()
    }
}

/// Size and modification time of a file (following symbolic links).
struct FileStamp: Equatable, Sendable {
    var size: Int64
    var seconds: Int64
    var nanoseconds: Int64

    init(size: Int64, seconds: Int64, nanoseconds: Int64) {
        self.size = size
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw NetError.checkpointUnreadable(path: path, reason: reason)
        }
        #if canImport(Darwin)
        self.init(size: Int64(info.st_size), seconds: Int64(info.st_mtimespec.tv_sec),
                  nanoseconds: Int64(info.st_mtimespec.tv_nsec))
        #else
        self.init(size: Int64(info.st_size), seconds: Int64(info.st_mtim.tv_sec),
                  nanoseconds: Int64(info.st_mtim.tv_nsec))
        #endif
    }
}

/// The `.verified` file: one line per verified file, `<size> <mtime s> <mtime ns> <sha256> <name>`.
struct VerdictCache: Sendable {
    private var entries: [String: (stamp: FileStamp, digest: String)] = [:]

    init() {}

    /// Reads `path`, ignoring lines it cannot parse (and a missing file).
    init(contentsOf path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 4)
            guard fields.count == 5, let size = Int64(fields[0]), let seconds = Int64(fields[1]),
                  let nanoseconds = Int64(fields[2]), fields[3].count == 64 else { continue }
            entries[String(fields[4])] = (FileStamp(size: size, seconds: seconds, nanoseconds: nanoseconds),
                                          String(fields[3]))
        }
    }

    /// The recorded digest of `name` if its stamp still matches.
    func digest(for name: String, stamp: FileStamp) -> String? {
        guard let entry = entries[name], entry.stamp == stamp else { return nil }
        return entry.digest
    }

    mutating func set(digest: String, for name: String, stamp: FileStamp) {
        entries[name] = (stamp, digest)
    }

    /// Writes atomically (temporary file, then rename); failures are ignored.
    func write(to path: String) {
        let text = entries.keys.sorted().compactMap { name in
            entries[name].map { "\($0.stamp.size) \($0.stamp.seconds) \($0.stamp.nanoseconds) \($0.digest) \(name)\n" }
        }.joined()
        try? Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
