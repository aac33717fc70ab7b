import Foundation
import PostgresTestSupport
import Store
import StorePostgres
import XCTest

/// Processes started at the same moment on a database that does not exist yet (the README's
/// Slurm array and Kubernetes Job start 16 workers at once): creation and migration are
/// atomic, every worker joins, and a second lone process is refused naming the live one.
final class StartTogetherCLITests: XCTestCase {
    private let atlas = ["--classes", "goldfish", "--classes", "rock crab", "--framings", "1", "--polish-every", "1000"]

    /// Starts every argument list at once; returns each one's result, in order.
    private func together(_ h: CLIHarness, _ commands: [[String]]) throws -> [CLIHarness.Result] {
        let started = try commands.map { try h.start($0) }
        return started.map { process, out, err in
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLIHarness.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                     stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// Two rounds per backend: without the opening lock, one round on SQLite failed 2 times in 3.
    func testFourWorkersStartedTogetherOnANewDatabaseAllJoin() throws {
        for backend in StoreBackend.allCases + StoreBackend.allCases {
            let h = try CLIHarness()
            let database = try backend.freshDatabase(in: h.directory)
            if backend == .sqlite { XCTAssertFalse(FileManager.default.fileExists(atPath: database.location)) }
            let worker = ["atlas", "--worker", "--run", "w", "--generations", "1", "--population", "4",
                          "--db", database.location] + atlas
            let results = try together(h, Array(repeating: worker, count: 4))
            for (i, result) in results.enumerated() {
                XCTAssertEqual(result.status, 0, "\(backend) worker \(i): \(result.stderr)")
            }
            let store = try database.open()
            let run = try store.run(named: "w")
            let committers = Set(try store.batches(run: run.id).compactMap(\.worker))
            XCTAssertEqual(committers, [1, 2, 3, 4], "\(backend): every worker joined and committed")
            XCTAssertTrue(try store.integrityCheck(), "\(backend)")
        }
    }

    func testASecondLoneProcessIsToldWhoIsCreatingTheRun() throws {
        for backend in StoreBackend.allCases {
            let h = try CLIHarness()
            let database = try backend.freshDatabase(in: h.directory)
            // A first batch of 64 children on 4 framings takes seconds: the second process finds
            // the atlas while the first is still creating it.
            let lone = ["atlas", "--run", "pg", "--generations", "1", "--population", "64", "--db", database.location]
                + atlas + ["--framings", "4"]
            let results = try together(h, [lone, lone])
            let failed = results.filter { $0.status != 0 }
            XCTAssertEqual(failed.count, 1, "\(backend): \(results.map(\.stderr))")
            for result in failed {
                XCTAssertTrue(result.stderr.contains("by another pareidolia: pid "), "\(backend): \(result.stderr)")
                XCTAssertFalse(result.stderr.contains("--delete"), "\(backend): never advice to delete a live run: \(result.stderr)")
            }
            let store = try database.open()
            XCTAssertGreaterThanOrEqual(try store.run(named: "pg").generations, 1, "\(backend)")
        }
    }

    func testTwoEvolveProcessesOfOneNewRun() throws {
        let h = try CLIHarness()
        let evolve = ["evolve", "--class", "goldfish", "--run", "twin", "--population", "64", "--generations", "1",
                      "--framings", "4", "--family", "waves", "--waves", "4", "--db", h.database]
        let results = try together(h, [evolve, evolve])
        let failed = results.filter { $0.status != 0 }
        XCTAssertEqual(failed.count, 1, "\(results.map(\.stderr))")
        for result in failed {
            XCTAssertTrue(result.stderr.contains("by another pareidolia: pid "), result.stderr)
            XCTAssertFalse(result.stderr.contains("--delete"), result.stderr)
        }
    }
}
