import Foundation
import GRDB
import Store
import XCTest

/// Run leases: one writer per run, refused at once, taken over only from a dead or silent holder.
final class LockTests: StoreTestCase {
    private let me = ProcessInfo.processInfo.processIdentifier

    func testSecondWriterIsRefusedAtOnceNamingTheHolder() throws {
        try onEachBackend { open in
            let first = try open()
            let second = try open()
            var rng = SplitMix64(seed: 1)
            let (run, lease) = try first.createLockedRun(newRun("crab"))
            XCTAssertEqual(lease.holder.pid, me)
            XCTAssertEqual(lease.runName, "crab")
            try first.commitGeneration(makeCommit(run: run.id, index: 0, rng: &rng))

            XCTAssertThrowsError(try second.acquireLock(run: run.id)) { error in
                guard case .runLocked("crab", let holder) = error as? StoreError else { return XCTFail("\(error)") }
                XCTAssertEqual(holder.pid, self.me)
                XCTAssertEqual(holder.host, lease.holder.host)
                XCTAssertEqual(holder.acquiredAt, lease.holder.acquiredAt)
                let message = "\(error)"
                XCTAssertTrue(message.contains("pid \(self.me)") && message.contains(holder.host), message)
            }
            // Nor can it commit or delete the run behind the holder's back.
            let commit = makeCommit(run: run.id, index: 1, rng: &rng)
            XCTAssertThrowsError(try second.commitGeneration(commit)) { error in
                guard case .runLocked("crab", _) = error as? StoreError else { return XCTFail("\(error)") }
            }
            XCTAssertThrowsError(try second.deleteRun(named: "crab"))
            XCTAssertEqual(try first.run(id: run.id).generations, 1)
            XCTAssertEqual(try second.lockHolder(run: run.id)?.pid, me)
            XCTAssertEqual(try second.runs().first?.status, .running)

            // The holder's commits renew the lease; once released, the other store takes it.
            let renewedBefore = try XCTUnwrap(try first.lockHolder(run: run.id)).renewedAt
            Thread.sleep(forTimeInterval: 0.01)
            try first.commitGeneration(commit)
            XCTAssertGreaterThan(try XCTUnwrap(try first.lockHolder(run: run.id)).renewedAt, renewedBefore)
            try first.releaseLock(lease)
            XCTAssertNil(try first.lockHolder(run: run.id))
            XCTAssertEqual(try first.runs().first?.status, .interrupted, "running, but nobody holds it")
            let taken = try second.acquireLock(run: run.id)
            assertThrows(.lockLost(run: "crab", holder: taken.holder)) { try first.renewLock(lease) }
            try second.renewLock(taken)
        }
    }

    func testLeaseOfADeadProcessIsTakenOver() throws {
        let store = try RunStore(path: dbPath())
        let run = try store.createRun(newRun("crab"))
        let dead = try deadPID()
        try insertLease(run: run.id, pid: dead, host: try hostName(), renewed: Date())
        XCTAssertNil(try store.lockHolder(run: run.id))
        XCTAssertEqual(try store.runs().first?.status, .interrupted, "a SIGKILLed run reads as interrupted")
        let lease = try store.acquireLock(run: run.id)
        XCTAssertEqual(lease.holder.pid, me)
        XCTAssertEqual(try store.runs().first?.status, .running)
    }

    func testReusedPIDIsStale() throws {
        let store = try RunStore(path: dbPath())
        let run = try store.createRun(newRun("crab"))
        // Our own pid, but a start time that is not ours: the process that took it is gone.
        try insertLease(run: run.id, pid: me, host: try hostName(), renewed: Date(), started: 1)
        #if os(Linux)
        XCTAssertNoThrow(try store.acquireLock(run: run.id))
        #endif
    }

    func testLeaseFromAnotherHostIsTakenOverOnlyAfterTheTimeout() throws {
        let store = try RunStore(path: dbPath())
        let run = try store.createRun(newRun("crab"))
        try insertLease(run: run.id, pid: 4242, host: "elsewhere.example", renewed: Date().addingTimeInterval(-60))
        XCTAssertThrowsError(try store.acquireLock(run: run.id, timeout: 600)) { error in
            guard case .runLocked(_, let holder) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(holder.host, "elsewhere.example")
            XCTAssertEqual(holder.pid, 4242)
        }
        XCTAssertEqual(try store.acquireLock(run: run.id, timeout: 30).holder.pid, me)
    }

    func testClosingAStoreReleasesItsLeases() throws {
        try onEachBackend { open in
            var runID: Int64 = 0
            do {
                let writer = try open()
                runID = try writer.createLockedRun(newRun("crab")).run.id
            }
            XCTAssertEqual(try open().acquireLock(run: runID).holder.pid, me)
        }
    }

    func testRunWithoutGenerationsIsDeletedWithAllItsRows() throws {
        let store = try RunStore(path: dbPath())
        var rng = SplitMix64(seed: 4)
        let kept = try store.createRun(newRun("kept"))
        try store.commitGeneration(makeCommit(run: kept.id, index: 0, rng: &rng))
        let (empty, _) = try store.createLockedRun(newRun("p"))
        XCTAssertEqual(try store.run(named: "p").generations, 0)
        XCTAssertNil(try store.lastGeneration(run: empty.id))

        // Another live writer's run cannot be deleted; once it is gone, it can.
        let other = try RunStore(path: dbPath())
        XCTAssertThrowsError(try other.deleteRun(named: "p")) { error in
            guard case .runLocked("p", _) = error as? StoreError else { return XCTFail("\(error)") }
        }
        try store.deleteRun(named: "p")
        assertThrows(.runNotFound(name: "p", existing: ["kept"])) { try store.run(named: "p") }
        let counts = try DatabaseQueue(path: dbPath()).read { db in
            try ["runs", "generations", "individuals", "records", "run_locks"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0) WHERE \($0 == "runs" ? "id" : "run_id") = ?",
                                 arguments: [empty.id]) ?? -1
            }
        }
        XCTAssertEqual(counts, [0, 0, 0, 0, 0])
        XCTAssertEqual(try store.runs().map(\.name), ["kept"])
        XCTAssertTrue(try store.integrityCheck())
    }

    // MARK: Helpers

    private func insertLease(run: Int64, pid: Int32, host: String, renewed: Date, started: Int64? = nil) throws {
        try DatabaseQueue(path: dbPath()).write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO run_locks (run_id, token, pid, host, started, acquired_at, renewed_at)
                VALUES (?, 'someone-else', ?, ?, ?, ?, ?)
                """, arguments: [run, pid, host, started, renewed, renewed])
        }
    }

    /// The pid of a process that has exited.
    private func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    private func hostName() throws -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        XCTAssertEqual(gethostname(&buffer, 255), 0)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A killed holder that its parent has not reaped yet (a zombie) holds nothing.
final class ZombieLeaseTests: StoreTestCase {
    func testLeaseOfAZombieIsTakenOverAtOnce() throws {
        #if os(Linux)
        let store = try RunStore(path: dbPath())
        let run = try store.createRun(newRun("crab"))
        // A child that exits at once and that nobody reaps: it stays a zombie until waitpid.
        var pid: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { arguments.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, "/bin/true", nil, nil, arguments, environ), 0)
        defer { var status: Int32 = 0; waitpid(pid, &status, 0) }
        let deadline = Date().addingTimeInterval(5)
        var state = ""
        while Date() < deadline {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            state = stat.split(separator: ")").last.map { String($0.dropFirst().prefix(1)) } ?? ""
            if state == "Z" { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertEqual(state, "Z", "the child should be a zombie until reaped")
        XCTAssertEqual(kill(pid, 0), 0, "a zombie still answers kill(pid, 0)")

        let started = try XCTUnwrap(Self.startTime(pid))
        try DatabaseQueue(path: dbPath()).write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO run_locks (run_id, token, pid, host, started, acquired_at, renewed_at)
                VALUES (?, 'zombie', ?, ?, ?, ?, ?)
                """, arguments: [run.id, pid, Self.hostName(), started, Date(), Date()])
        }
        XCTAssertNil(try store.lockHolder(run: run.id), "a zombie holds no lease")
        XCTAssertEqual(try store.runs().first?.status, .interrupted)
        XCTAssertEqual(try store.acquireLock(run: run.id).holder.pid, ProcessInfo.processInfo.processIdentifier)
        #endif
    }

    private static func startTime(_ pid: pid_t) -> Int64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? Int64(fields[19]) : nil
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
