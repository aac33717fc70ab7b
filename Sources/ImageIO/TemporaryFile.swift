import Foundation

/// Names for files written atomically: written under a temporary name, then renamed.
public enum TemporaryFile {
    /// A fresh, hidden file name in the directory of `path`: `.NAME.PID-TAG.tmp`.
    public static func path(beside path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return "\(directory).\(name).\(getpid())-\(tag).tmp"
    }

    /// Whether `name` (a file name, no directory) is such a temporary file.
    public static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.hasSuffix(".tmp") }
}
