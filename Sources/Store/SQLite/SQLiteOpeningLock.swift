import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a database file, held while one process opens it for writing
/// (switches it to WAL and migrates it), so processes that open a new file at once migrate it
/// once, one after the other.
///
/// `flock` locks are independent of the POSIX record locks SQLite itself uses, and closing
/// this descriptor never drops SQLite's locks (as closing any descriptor of the file would
/// with `fcntl` locks). The kernel drops the lock if the process dies. Where the file cannot
/// be opened for writing there is no lock, and SQLite's own open reports why.
struct SQLiteOpeningLock {
    private let descriptor: Int32

    /// Opens (creating if needed) the file at `path` and waits for its exclusive lock; nil
    /// where the file cannot be opened for writing or locked.
    init?(path: String) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
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
