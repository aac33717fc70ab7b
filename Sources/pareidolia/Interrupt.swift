import Foundation
import StorePostgres
import Synchronization

/// Set by the first Ctrl-C (SIGINT) or SIGTERM; long-running commands poll it between units of
/// work and stop cleanly. A second signal exits at once (the database is transactional, so
/// nothing committed is lost).
private let interruptRequested = Atomic<Bool>(false)
/// The write end of the pipe that wakes the watchdog thread (-1 until installed).
private let watchdogPipe = Atomic<Int32>(-1)
private let installed = Atomic<Bool>(false)

enum Interrupt {
    /// How long a command may take to stop cleanly after the first signal before the process
    /// exits anyway: a clean stop finishes and commits the generation (or batch) in flight,
    /// and orchestrators (Kubernetes, Slurm) follow SIGTERM with SIGKILL after 30 s.
    static let grace: Double = 20
    /// How long a database statement may still run after the first signal (a healthy server
    /// answers in milliseconds; one that stopped answering must not keep the command).
    static let databaseGrace: Double = 5

    /// Installs the handlers for SIGINT and SIGTERM, and the watchdog that ends the process if
    /// the command has not stopped `grace` seconds after the first signal (the main thread
    /// may be blocked, so the watchdog runs on its own thread).
    static func install() {
        guard !installed.exchange(true, ordering: .relaxed) else { return }
        _ = interruptRequested.load(ordering: .relaxed)
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            let readEnd = ends[0]
            watchdogPipe.store(ends[1], ordering: .releasing)
            Thread.detachNewThread { watch(readEnd) }
        }
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { sig in
                if interruptRequested.exchange(true, ordering: .relaxed) { _exit(128 + sig) }
                // Only async-signal-safe calls here: one byte down the pipe wakes the watchdog.
                let saved = errno
                var byte = UInt8(truncatingIfNeeded: sig)
                _ = write(watchdogPipe.load(ordering: .acquiring), &byte, 1)
                errno = saved
            }
        }
    }

    /// Whether the user asked to stop.
    static var requested: Bool { interruptRequested.load(ordering: .relaxed) }

    /// Waits for the first signal, bounds the database waits, then gives the command `grace`
    /// seconds to stop before ending the process with one line.
    private static func watch(_ descriptor: Int32) {
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) != 1 {
            guard errno == EINTR else { return }
        }
        let sig = Int32(byte)
        PostgresBackend.interruptWaits(after: databaseGrace)
        Thread.sleep(forTimeInterval: grace)
        let name = sig == SIGTERM ? "SIGTERM" : "Ctrl-C"
        let line = "Error: stopped by \(name) after \(Int(grace)) s: the command had not reached a point where it "
            + "stops cleanly, so the work in flight is not saved; everything committed before is safe "
            + "(a run continues with `pareidolia resume NAME`, an atlas worker when started again)\n"
        FileHandle.standardError.write(Data(line.utf8))
        _exit(128 + sig)
    }
}
