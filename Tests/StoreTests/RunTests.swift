import Foundation
import Store
import XCTest

/// Creating, finding, listing, updating and deleting runs.
final class RunTests: StoreTestCase {
    func testCreateGetAndListRuns() throws {
        try onEachBackend { open in
            let store = try open()
            let seeds: [UInt64] = [UInt64.max, 1 << 63, 0]
            var created: [Run] = []
            for (i, seed) in seeds.enumerated() {
                // Two runs with a writer holding their lease, one created without.
                created.append(i < 2 ? try store.createLockedRun(newRun("crab-\(i)", seed: seed)).run
                                     : try store.createRun(newRun("crab-\(i)", seed: seed)))
            }
            for (run, seed) in zip(created, seeds) {
                XCTAssertEqual(run.seed, seed)
                XCTAssertEqual(run.status, .running)
                XCTAssertEqual(run.generations, 0)
                XCTAssertEqual(run.target, "rock crab")
                XCTAssertEqual(run.model, "efficientnet-lite0")
                XCTAssertEqual(run.config, newRun("x").config)
                XCTAssertEqual(try store.run(named: run.name), run)
                XCTAssertEqual(try store.run(id: run.id), run)
            }
            XCTAssertEqual(Set(created.map(\.id)).count, 3)

            let summaries = try store.runs()
            XCTAssertEqual(summaries.map(\.name), ["crab-0", "crab-1", "crab-2"])
            XCTAssertEqual(summaries.map(\.seed), seeds)
            // Stored as running everywhere; listed as interrupted where no live process holds it.
            XCTAssertEqual(summaries.map(\.status), [.running, .running, .interrupted])
            for (summary, run) in zip(summaries, created) {
                XCTAssertEqual(summary.id, run.id)
                XCTAssertEqual(summary.target, "rock crab")
                XCTAssertEqual(summary.generations, 0)
                XCTAssertEqual(summary.evaluations, 0)
                XCTAssertNil(summary.best)
                XCTAssertEqual(summary.createdAt, run.createdAt)
            }
        }
    }

    func testDuplicateNameIsRefused() throws {
        try onEachBackend { open in
            let store = try open()
            let first = try store.createRun(newRun("crab"))
            assertThrows(.runExists(name: "crab")) { try store.createRun(newRun("crab", seed: 7)) }
            XCTAssertEqual(try store.run(named: "crab"), first, "the first run is unchanged")
            XCTAssertEqual(try store.runs().count, 1)
            let message = StoreError.runExists(name: "crab").description
            XCTAssertTrue(message.contains("'crab'") && message.contains("--run"), message)
        }
    }

    func testUnknownNameListsCandidatesClosestFirst() throws {
        try onEachBackend { open in
            let store = try open()
            assertThrows(.runNotFound(name: "crab", existing: [])) { try store.run(named: "crab") }
            XCTAssertTrue(StoreError.runNotFound(name: "crab", existing: []).description
                .contains("no runs yet"))
            for name in ["tabby-cat", "rock-crab", "goldfish", "rock-crab-2"] {
                _ = try store.createRun(newRun(name))
            }
            // Edit distances to "rock-crb": rock-crab 1, rock-crab-2 3, goldfish 7, tabby-cat 7
            // (ties alphabetical).
            let expected = ["rock-crab", "rock-crab-2", "goldfish", "tabby-cat"]
            assertThrows(.runNotFound(name: "rock-crb", existing: expected)) {
                try store.run(named: "rock-crb")
            }
            let message = StoreError.runNotFound(name: "rock-crb", existing: expected).description
            XCTAssertTrue(message.contains("did you mean 'rock-crab'"), message)
            XCTAssertTrue(message.contains("goldfish"), message)
        }
    }

    func testInvalidNamesAndConfigsAreRefused() throws {
        try onEachBackend { open in
            let store = try open()
            let bad: [(String, String)] = [
                ("", "it is empty"), (".hidden", "it starts with '.'"),
                ("a/b", "it contains '/'"), ("rock crab", "it contains ' '"),
                (String(repeating: "x", count: 65), "it has 65 characters"),
            ]
            for (name, reason) in bad {
                assertThrows(.invalidRunName(name: name, reason: reason)) {
                    try store.createRun(newRun(name))
                }
            }
            var run = newRun("crab")
            run.config = "{population: 200"
            do {
                _ = try store.createRun(run)
                XCTFail("invalid JSON accepted")
            } catch let StoreError.invalidConfig(name, _) {
                XCTAssertEqual(name, "crab")
            }
            XCTAssertEqual(try store.runs().count, 0)
            _ = try store.createRun(newRun(String(repeating: "x", count: 64)))
        }
    }

    func testStatusChangesAndUnknownIDs() throws {
        try onEachBackend { open in
            let store = try open()
            let run = try store.createLockedRun(newRun("crab")).run
            for status in RunStatus.allCases.reversed() {
                try store.setStatus(status, run: run.id)
                let read = try store.run(id: run.id)
                XCTAssertEqual(read.status, status)
                XCTAssertGreaterThanOrEqual(read.updatedAt, read.createdAt)
                XCTAssertEqual(try store.runs().first?.status, status)
            }
            let missing = run.id + 100
            assertThrows(.runIDNotFound(id: missing)) { try store.setStatus(.paused, run: missing) }
            assertThrows(.runIDNotFound(id: missing)) { try store.run(id: missing) }
            assertThrows(.runIDNotFound(id: missing)) { try store.generations(run: missing) }
            assertThrows(.runIDNotFound(id: missing)) { try store.lastGeneration(run: missing) }
            assertThrows(.runIDNotFound(id: missing)) { try store.records(run: missing) }
        }
    }

    func testDeleteRunRemovesOnlyItsRows() throws {
        let store = try RunStore(path: dbPath())
        var rng = SplitMix64(seed: 3)
        let doomed = try store.createRun(newRun("doomed"))
        let kept = try store.createRun(newRun("kept"))
        for index in 0..<3 {
            try store.commitGeneration(makeCommit(run: doomed.id, index: index, rng: &rng))
            try store.commitGeneration(makeCommit(run: kept.id, index: index, rng: &rng))
        }
        let keptLast = try store.lastGeneration(run: kept.id)
        let keptRecords = try store.records(run: kept.id)
        try store.deleteRun(named: "doomed")
        assertThrows(.runNotFound(name: "doomed", existing: ["kept"])) {
            try store.run(named: "doomed")
        }
        assertThrows(.runIDNotFound(id: doomed.id)) { try store.records(run: doomed.id) }
        XCTAssertEqual(try store.lastGeneration(run: kept.id), keptLast)
        XCTAssertEqual(try store.records(run: kept.id), keptRecords)
        XCTAssertTrue(try store.integrityCheck())
    }
}
