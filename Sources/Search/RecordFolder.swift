import Foundation

/// A run's records folder (`runs/RUN/` beside the database): what a deleted run leaves there,
/// and what a new run of the same name finds.
public enum RecordFolder {
    /// Moves a non-empty `directory` left by an earlier run of the same name (one deleted with
    /// `runs --delete`, or a run in another database beside it) aside to `DIR.earlier-N`, so a
    /// new run never writes its records among another run's pictures. Returns the new place.
    public static func setAsideLeftovers(in directory: String) throws -> String? {
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: directory), !entries.isEmpty else { return nil }
        var number = 1
        while manager.fileExists(atPath: "\(directory).earlier-\(number)") { number += 1 }
        let aside = "\(directory).earlier-\(number)"
        do { try manager.moveItem(atPath: directory, toPath: aside) } catch {
            throw SearchError.cannotWriteRecords(path: directory, reason: "it holds an earlier run's files, which cannot be moved aside to \(aside) (\(error.localizedDescription))")
        }
        return aside
    }

    /// Removes the record PNGs of a deleted run from its records folder: only the files whose
    /// names its records list (`imagePaths`), then the folder itself if nothing else is in it.
    /// Returns how many files went.
    public static func removeRecordImages(_ imagePaths: [String], in directory: String) -> Int {
        let manager = FileManager.default
        var removed = 0
        for name in Set(imagePaths.map { ($0 as NSString).lastPathComponent }) where !name.isEmpty {
            if (try? manager.removeItem(atPath: (directory as NSString).appendingPathComponent(name))) != nil { removed += 1 }
        }
        RunRecorder.removeStaleTemporaryFiles(in: directory)
        if let rest = try? manager.contentsOfDirectory(atPath: directory), rest.isEmpty {
            try? manager.removeItem(atPath: directory)
        }
        return removed
    }
}
