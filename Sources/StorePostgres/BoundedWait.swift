import Foundation
import NIOCore
import Synchronization

/// Waiting on the calling thread for an event-loop future, for a bounded time.
///
/// A wait ends when the future completes, when the connection it runs on closes (postgres-nio
/// never completes a query written to a closed channel), when `seconds` pass, or shortly after
/// the user interrupts (`PostgresBackend.interruptWaits`): a command blocked on a server that
/// stopped answering must still end on Ctrl-C, SIGTERM or a lost connection.
enum BoundedWait {
    /// The connection is gone, or stopped answering.
    struct Lost: Error, Equatable {
        var reason: String
    }

    /// How often a waiting thread looks at the interrupt.
    private static let slice: UInt64 = 200_000_000

    /// The future's value, or its error.
    ///
    /// - Parameters:
    ///   - seconds: how long to wait for an answer.
    ///   - closed: completes when the connection closes (its `closeFuture`), or nil.
    ///   - onTimeout: runs when the wait is given up (to close the connection, which fails
    ///     whatever else waits on it).
    /// - Throws: the future's error; `Lost` when the connection closed without an answer, or
    ///   after `seconds` (or the interrupt's bound) without one.
    static func result<T: Sendable>(of future: EventLoopFuture<T>, seconds: Double, closed: EventLoopFuture<Void>? = nil,
                                    onTimeout: () -> Void = {}) throws -> T {
        let outcome = Outcome<T>()
        future.whenComplete { outcome.set($0) }
        closed?.whenComplete { _ in outcome.closed() }
        let start = DispatchTime.now().uptimeNanoseconds
        let statementDeadline = start &+ nanoseconds(seconds)
        while true {
            switch outcome.state {
            case .answered(let result): return try result.get()
            case .closed:
                // The query's own error (it may carry the server's reason) usually arrives with
                // the close; give it a moment.
                let grace = DispatchTime.now().uptimeNanoseconds &+ 200_000_000
                if case .answered(let result) = outcome.wait(until: grace, for: Outcome<T>.isAnswered) {
                    return try result.get()
                }
                throw Lost(reason: "the server closed the connection")
            case .waiting:
                break
            }
            let now = DispatchTime.now().uptimeNanoseconds
            var deadline = statementDeadline
            var reason = "no answer for \(Int(seconds.rounded())) s"
            if let interrupt = Interruption.current, deadline > max(start, interrupt.at) &+ interrupt.bound {
                deadline = max(start, interrupt.at) &+ interrupt.bound
                reason = "no answer within \(Int((Double(interrupt.bound) / 1e9).rounded())) s of the interrupt"
            }
            if now >= deadline {
                onTimeout()
                throw Lost(reason: reason)
            }
            _ = outcome.wait(until: min(deadline, now &+ slice), for: Outcome<T>.isSettled)
        }
    }

    static func nanoseconds(_ seconds: Double) -> UInt64 {
        seconds >= Double(UInt64.max / 2) / 1e9 ? UInt64.max / 2 : UInt64(max(0, seconds) * 1e9)
    }

    /// The future's result (or the connection's close), handed from the event loop to the
    /// waiting thread under a condition variable.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        enum State {
            case waiting
            case answered(Result<T, any Error>)
            case closed
        }

        static func isAnswered(_ state: State) -> Bool {
            if case .answered = state { return true }
            return false
        }

        static func isSettled(_ state: State) -> Bool {
            if case .waiting = state { return false }
            return true
        }

        private let condition = NSCondition()
        private var value: State = .waiting

        var state: State {
            condition.lock()
            defer { condition.unlock() }
            return value
        }

        func set(_ result: Result<T, any Error>) {
            condition.lock()
            value = .answered(result)
            condition.broadcast()
            condition.unlock()
        }

        func closed() {
            condition.lock()
            if case .waiting = value { value = .closed }
            condition.broadcast()
            condition.unlock()
        }

        /// Waits until `done` holds for the state, or until `deadline` (uptime ns); the state then.
        func wait(until deadline: UInt64, for done: (State) -> Bool) -> State {
            condition.lock()
            defer { condition.unlock() }
            while !done(value) {
                let now = DispatchTime.now().uptimeNanoseconds
                guard now < deadline else { break }
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(deadline - now) / 1e9))
            }
            return value
        }
    }
}

/// The user's interrupt as database waits see it: when it came (uptime ns) and how long a wait
/// may go on after it (ns).
package enum Interruption {
    private static let at = Atomic<UInt64>(0)
    private static let bound = Atomic<UInt64>(0)

    static var current: (at: UInt64, bound: UInt64)? {
        let time = at.load(ordering: .acquiring)
        return time == 0 ? nil : (time, bound.load(ordering: .relaxed))
    }

    static func begin(bound seconds: Double) {
        bound.store(BoundedWait.nanoseconds(seconds), ordering: .relaxed)
        _ = at.compareExchange(expected: 0, desired: max(1, DispatchTime.now().uptimeNanoseconds),
                               ordering: .releasing)
    }

    /// Forgets the interrupt (tests only: a process is interrupted once).
    package static func reset() {
        at.store(0, ordering: .releasing)
    }
}
