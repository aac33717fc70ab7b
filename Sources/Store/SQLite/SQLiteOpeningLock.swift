import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on the directory of a database file, held while one process opens the
/// file for writing (switches it to WAL and migrates it), so processes that open a new file at
/// once migrate it once, one after the other.
///
/// The lock is on the directory, not on the file: closing any descriptor of the database file
/// would drop every POSIX record lock this process holds on it, SQLite's own included (another
/// connection of the same process would then fail with a disk I/O error). `flock` locks are
/// independent of those record locks, and the kernel drops this one if the process dies. Where
/// the directory cannot be opened or locked there is no lock, and SQLite's own open reports
/// any problem with the file.
struct SQLiteOpeningLock {
    private let descriptor: Int32

    /// Waits for the exclusive lock on the directory of `path`; nil where it cannot be had.
    init?(path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var result: Int32
        repeat { result = flock(descriptor, LOCK_EX) } while result != 0 && errno == EINTR
        guard result == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    /// Releases the lock and closes the descriptor.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
