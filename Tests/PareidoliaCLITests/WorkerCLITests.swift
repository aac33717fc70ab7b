import Foundation
import PostgresTestSupport
import Store
import StorePostgres
import XCTest

/// Worker processes sharing one atlas, end to end with the real classifier, on PostgreSQL (the
/// server the test command starts) and on one SQLite file: three workers run at once; every
/// cell's stored quality only ever rises across snapshots; a worker SIGKILLed mid-batch loses
/// nothing committed and leaves no elite of a batch that was not committed.
final class WorkerCLITests: XCTestCase {
    let common = ["atlas", "--worker", "--run", "shared", "--classes", "goldfish", "--classes", "rock crab",
                  "--classes", "tabby cat", "--population", "4", "--framings", "2", "--polish-steps", "2",
                  "--polish-every", "2", "--generations", "100000"]

    func testThreeWorkersNeverRegressACellAndAKilledWorkerLosesNothing() throws {
        for backend in StoreBackend.allCases {
            let h = try CLIHarness()
            let database = try backend.freshDatabase(in: h.directory)
            try runWorkers(h, location: database.location, open: database.open, backend: backend.rawValue)
        }
    }

    private func runWorkers(_ h: CLIHarness, location: String, open: () throws -> RunStore, backend: String) throws {
        // The first worker creates the atlas; the others join it.
        let first = try h.start(common + ["--db", location])
        var observer: RunStore?
        var snapshots: [[Int: EliteRow]] = []
        var batchesSeen = 0
        /// Takes a snapshot; checks it against the previous one.
        func snapshot() throws {
            if observer == nil { observer = try? open() }
            guard let store = observer, let run = try? store.run(named: "shared") else { return }
            let elites = Dictionary(uniqueKeysWithValues: try store.elites(run: run.id).map { ($0.cell, $0) })
            let batches = try store.run(id: run.id).generations
            for elite in elites.values {
                XCTAssertLessThan(elite.batch, batches, "\(backend): cell \(elite.cell) from an uncommitted batch")
            }
            if let previous = snapshots.last {
                for (cell, before) in previous {
                    guard let after = elites[cell] else { return XCTFail("\(backend): cell \(cell) vanished") }
                    XCTAssertTrue(after.quality > before.quality || after.genome == before.genome
                                  || (after.quality == before.quality && after.naturalness <= before.naturalness),
                                  "\(backend): cell \(cell) regressed from \(before.quality) to \(after.quality)")
                }
            }
            snapshots.append(elites)
            batchesSeen = max(batchesSeen, batches)
        }
        func poll(until done: () -> Bool, timeout: TimeInterval, _ what: String) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while !done() {
                guard Date() < deadline else { return XCTFail("\(backend): timed out waiting for \(what)") }
                try snapshot()
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        try poll(until: { batchesSeen >= 1 }, timeout: 120, "the first batch")
        let others = try (0..<2).map { _ in try h.start(common + ["--db", location]) }
        let workers = [first] + others
        try poll(until: { batchesSeen >= 12 }, timeout: 240, "12 batches of three workers")
        XCTAssertTrue(workers.allSatisfy { $0.0.isRunning }, "\(backend): a worker ended early")
        XCTAssertEqual(try open().liveWorkers(run: try open().run(named: "shared").id).count, 3, backend)

        // SIGKILL one worker in the middle of whatever it is doing; the others go on.
        let killedAt = batchesSeen
        kill(workers[1].0.processIdentifier, SIGKILL)
        workers[1].0.waitUntilExit()
        try poll(until: { batchesSeen >= killedAt + 4 }, timeout: 240, "4 more batches after the kill")
        for worker in [workers[0], workers[2]] { kill(worker.0.processIdentifier, SIGINT) }
        for worker in [workers[0], workers[2]] {
            worker.0.waitUntilExit()
            XCTAssertEqual(worker.0.terminationStatus, 0, "\(backend): " + String(
                decoding: worker.2.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        try snapshot()

        let store = try open()
        XCTAssertTrue(try store.integrityCheck(), backend)
        let run = try store.run(named: "shared")
        XCTAssertEqual(try store.elites(run: run.id).map(\.cell), [1, 281, 119].sorted())
        XCTAssertEqual(try store.liveWorkers(run: run.id), [], "\(backend): the killed worker counts as gone")
        XCTAssertEqual(run.status, .paused, "\(backend): the last worker to leave paused it")
        XCTAssertGreaterThan(snapshots.count, 10, backend)
        // A lone process can continue the atlas now that no worker is alive.
        let alone = try h.run(["atlas", "--run", "shared", "--generations", "1", "--db", location])
        XCTAssertEqual(alone.status, 0, "\(backend): \(alone.stderr)")
        XCTAssertEqual(try open().run(named: "shared").generations, run.generations + 1, backend)
    }
}
