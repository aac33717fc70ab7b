import Foundation
import NIOCore

/// Waiting on the calling thread for an event-loop future, for a bounded time.
enum BoundedWait {
    /// The connection is gone, or a statement outlived `PostgresBackend.statementTimeout`.
    struct Lost: Error {
        var reason: String
    }

    /// The future's value, or its error; after `seconds` without an answer, `onTimeout` runs
    /// (to close the connection, which fails whatever else waits on it) and `Lost` is thrown.
    static func result<T: Sendable>(of future: EventLoopFuture<T>, seconds: Double,
                                    onTimeout: () -> Void = {}) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let outcome = Outcome<T>()
        future.whenComplete { result in
            outcome.set(result)
            semaphore.signal()
        }
        guard semaphore.wait(timeout: .now() + seconds) == .success else {
            onTimeout()
            throw Lost(reason: "no answer for \(Int(seconds)) s")
        }
        guard let result = outcome.get() else { throw Lost(reason: "no answer") }
        return try result.get()
    }

    /// The future's result, handed from the event loop to the waiting thread under a lock.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<T, any Error>?

        func set(_ value: Result<T, any Error>) {
            lock.lock()
            result = value
            lock.unlock()
        }

        func get() -> Result<T, any Error>? {
            lock.lock()
            defer { lock.unlock() }
            return result
        }
    }
}
