import Foundation
import PostgresTestSupport
import Store
import StorePostgres
import XCTest

/// A connection the server ends (`pg_terminate_backend`, as `pg_ctl -m fast stop` does to every
/// session), or that stops answering, ends every call at once with `connectionLost` naming host
/// and port: a statement in flight, the next read, a commit, a lease renewal. Never a wait.
final class PostgresConnectionLossTests: StoreTestCase {
    private struct Opened {
        let url: PostgresURL
        let backend: PostgresBackend
        let store: RunStore
    }

    private func open(timeout: Double = PostgresBackend.statementTimeout) throws -> Opened {
        let url = try PostgresTestServer.freshDatabase()
        let backend = try PostgresBackend(url: url, readOnly: false, statementTimeout: timeout)
        return Opened(url: url, backend: backend, store: RunStore(backend: backend))
    }

    private func backendPID(_ backend: PostgresBackend) throws -> Int64 {
        try backend.read("reading the session") { db in
            try db.fetchAll("SELECT pg_backend_pid() AS pid", []).first?.int64("pid") ?? -1
        }
    }

    /// Ends session `pid` from a connection of its own, as the server does when it stops.
    private static func terminate(_ pid: Int64, on url: PostgresURL) throws {
        let other = try PostgresBackend(url: url, readOnly: true)
        let ended = try other.read("terminating a session") { db in
            try db.fetchAll("SELECT pg_terminate_backend(\(pid)) AS ended", []).first?.bool("ended")
        }
        XCTAssertEqual(ended, true)
    }

    /// `body` throws `connectionLost` naming the server, within `seconds`, for one of `reasons`
    /// (any reason when empty).
    private func assertLost(_ url: PostgresURL, within seconds: Double, _ what: String, reasons: [String] = [],
                            _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        let started = Date()
        XCTAssertThrowsError(try body(), what, file: file, line: line) { error in
            guard case .connectionLost(url.host, url.port, let message, _)? = error as? StoreError else {
                return XCTFail("\(what): \(error)", file: file, line: line)
            }
            if !reasons.isEmpty {
                XCTAssertTrue(reasons.contains { message.contains($0) }, "\(what): \(message)", file: file, line: line)
            }
            let text = "\(error)"
            XCTAssertTrue(text.contains("\(url.host):\(url.port)") && text.contains("committed before is safe")
                              && !text.contains("\n"), text, file: file, line: line)
        }
        let took = Date().timeIntervalSince(started)
        XCTAssertLessThan(took, seconds, "\(what) took \(took) s", file: file, line: line)
    }

    func testEveryCallAfterTheServerEndedTheSessionFailsAtOnce() throws {
        let db = try open()
        let (run, lease) = try db.store.createLockedRun(newRun("lost"))
        var rng = SplitMix64(seed: 7)
        try db.store.commitGeneration(makeCommit(run: run.id, index: 0, rng: &rng))
        try Self.terminate(try backendPID(db.backend), on: db.url)
        Thread.sleep(forTimeInterval: 0.3)

        // The server ended it: the message says so (or gives the server's own reason), never
        // that this process closed a connection whose statement went unanswered.
        let ended = ["the server closed the connection", "administrator command"]
        assertLost(db.url, within: 1, "a read", reasons: ended) { _ = try db.store.run(named: "lost") }
        assertLost(db.url, within: 1, "a commit", reasons: ended) {
            try db.store.commitGeneration(makeCommit(run: run.id, index: 1, rng: &rng))
        }
        assertLost(db.url, within: 1, "renewing the lease", reasons: ended) { try db.store.renewLock(lease) }
        assertLost(db.url, within: 1, "releasing the lease", reasons: ended) { try db.store.releaseLock(lease) }

        // What was committed is there for the next process.
        let again = try PostgresTestServer.store(db.url)
        XCTAssertEqual(try again.run(named: "lost").generations, 1)
    }

    func testAStatementInFlightWhenTheSessionEndsFailsAtOnce() throws {
        let db = try open()
        let pid = try backendPID(db.backend)
        let url = db.url
        let terminated = expectation(description: "terminated")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
            do { try Self.terminate(pid, on: url) } catch { XCTFail("terminating: \(error)") }
            terminated.fulfill()
        }
        assertLost(url, within: 3, "a statement in flight", reasons: ["administrator command"]) {
            _ = try db.backend.read("sleeping") { try $0.fetchAll("SELECT pg_sleep(20)", []) }
        }
        wait(for: [terminated], timeout: 10)
        assertLost(url, within: 1, "the next statement", reasons: ["the server closed the connection", "administrator command"]) {
            _ = try db.store.runs()
        }
    }

    func testAServerThatStopsAnsweringIsGivenUp() throws {
        let db = try open(timeout: 1)
        assertLost(db.url, within: 3, "a statement past its time", reasons: ["no answer for 1 s"]) {
            _ = try db.backend.read("sleeping") { try $0.fetchAll("SELECT pg_sleep(10)", []) }
        }
        assertLost(db.url, within: 1, "the next statement") { _ = try db.store.runs() }
    }

    /// After Ctrl-C a statement waits `interruptWaits(after:)` seconds at most, while a healthy
    /// server's answers still arrive.
    func testAnInterruptBoundsEveryWait() throws {
        let db = try open()
        defer { Interruption.reset() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { PostgresBackend.interruptWaits(after: 1) }
        assertLost(db.url, within: 3, "a statement blocked at the interrupt", reasons: ["of the interrupt"]) {
            _ = try db.backend.read("sleeping") { try $0.fetchAll("SELECT pg_sleep(20)", []) }
        }
        let fresh = try open()
        XCTAssertNoThrow(try fresh.store.createLockedRun(newRun("after")), "a prompt answer is taken after the interrupt")
        assertLost(fresh.url, within: 3, "a statement started after the interrupt", reasons: ["of the interrupt"]) {
            _ = try fresh.backend.read("sleeping") { try $0.fetchAll("SELECT pg_sleep(20)", []) }
        }
    }
}
