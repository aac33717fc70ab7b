#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The few directory operations the export needs, with the system's reasons in errors.
enum Directory {
    /// Creates `path` and its missing parents; refuses an existing non-directory.
    ///
    /// - Throws: `GalleryError.outputNotDirectory` or `.outputNotWritable`.
    static func make(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { throw GalleryError.outputNotDirectory(path: path) }
        } else {
            var prefix = path.hasPrefix("/") ? "/" : ""
            for component in path.split(separator: "/") {
                prefix += component
                if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                    throw GalleryError.outputNotWritable(
                        path: path, reason: "cannot create '\(prefix)': \(String(cString: strerror(errno)))")
                }
                prefix += "/"
            }
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
                  isDirectory.boolValue else {
                throw GalleryError.outputNotDirectory(path: path)
            }
        }
        if access(path, W_OK | X_OK) != 0 {
            throw GalleryError.outputNotWritable(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Names of the subdirectories of `path`, sorted (empty if it cannot be listed).
    static func subdirectories(of path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// True when a regular file exists at `path`.
    static func fileExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }

    /// Deletes the file at `path` if there is one.
    static func remove(_ path: String) {
        unlink(path)
    }
}
