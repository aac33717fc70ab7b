import Foundation
import Synchronization

/// Set by the first Ctrl-C (SIGINT) or SIGTERM; long-running commands poll it between units of
/// work and stop cleanly. A second signal exits at once (the database is transactional, so
/// nothing committed is lost).
private let interruptRequested = Atomic<Bool>(false)

enum Interrupt {
    /// Installs the handlers for SIGINT and SIGTERM.
    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in
                if interruptRequested.exchange(true, ordering: .relaxed) { _exit(130) }
            }
        }
    }

    /// Whether the user asked to stop.
    static var requested: Bool { interruptRequested.load(ordering: .relaxed) }
}
