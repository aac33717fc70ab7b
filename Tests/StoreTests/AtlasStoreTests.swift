import Foundation
import Store
import XCTest

/// Atlas rows: a batch is one transaction, and a stored elite is replaced only by a better one.
final class AtlasStoreTests: StoreTestCase {
    func makeAtlas(_ store: RunStore) throws -> (Run, RunLease) {
        try store.createLockedRun(NewRun(name: "atlas", target: "atlas of 3 classes", config: "{}", model: "lite0",
                                         seed: 1, kind: .atlas))
    }

    func stats(_ index: Int) -> GenerationStats {
        GenerationStats(index: index, bestFitness: -1, meanFitness: -2, bestConfidence: 0.5, meanConfidence: 0.2,
                        bestNaturalness: 0.01, evaluations: 10 * (index + 1), elapsedSeconds: Double(index))
    }

    func elite(_ cell: Int, _ genome: String, quality: Float, naturalness: Float = 0.1, batch: Int) -> EliteRow {
        EliteRow(cell: cell, genome: genome, quality: quality, confidence: 0.5, naturalness: naturalness, batch: batch)
    }

    func testUpsertKeepsTheBetterEliteAndRunsKnowTheirKind() throws {
        try onEachBackend { open in
            let store = try open()
            let (run, _) = try makeAtlas(store)
            XCTAssertEqual(run.kind, .atlas)
            try store.commitBatch(BatchCommit(run: run.id, stats: stats(0), rngState: "{}", filledCells: 2,
                                              elites: [elite(1, "x", quality: -2, batch: 0), elite(2, "y", quality: -3, batch: 0)]))
            // Worse for cell 1, better for cell 2, equal but more natural for nothing else.
            try store.commitBatch(BatchCommit(run: run.id, stats: stats(1), rngState: "{}", filledCells: 3,
                                              elites: [elite(1, "worse", quality: -2.5, batch: 1),
                                                       elite(2, "better", quality: -1, batch: 1),
                                                       elite(3, "new", quality: -4, batch: 1)]))
            try store.commitBatch(BatchCommit(run: run.id, stats: stats(2), rngState: "{}", filledCells: 3,
                                              elites: [elite(1, "tie-rougher", quality: -2, naturalness: 0.2, batch: 2),
                                                       elite(3, "tie-smoother", quality: -4, naturalness: 0.05, batch: 2)]))
            let rows = try store.elites(run: run.id)
            XCTAssertEqual(rows.map(\.genome), ["x", "better", "tie-smoother"])
            XCTAssertEqual(rows.map(\.batch), [0, 1, 2])
            XCTAssertEqual(try store.run(id: run.id).generations, 3)
            XCTAssertEqual(try store.runs().map(\.kind), [.atlas])
            XCTAssertEqual(try store.lastBatch(run: run.id)?.stats, stats(2))
        }
    }

    /// A batch that fails part-way (an elite with an empty genome after a valid one) leaves
    /// nothing behind: no batch row, no elite change, the same batch count.
    func testAFailedBatchWritesNothing() throws {
        try onEachBackend { open in
            let store = try open()
            let (run, _) = try makeAtlas(store)
            try store.commitBatch(BatchCommit(run: run.id, stats: stats(0), rngState: "{}", filledCells: 1,
                                              elites: [elite(1, "x", quality: -2, batch: 0)]))
            XCTAssertThrowsError(try store.commitBatch(BatchCommit(
                run: run.id, stats: stats(1), rngState: "{}", filledCells: 2,
                elites: [elite(1, "better", quality: -1, batch: 1), elite(2, "", quality: -1, batch: 1)])))
            XCTAssertEqual(try store.elites(run: run.id).map(\.genome), ["x"])
            XCTAssertEqual(try store.run(id: run.id).generations, 1)
            XCTAssertThrowsError(try store.commitBatch(BatchCommit(run: run.id, stats: stats(3), rngState: "{}", filledCells: 1,
                                                                   elites: []))) { error in
                XCTAssertEqual(error as? StoreError, .generationOutOfOrder(run: "atlas", expected: 1, got: 3))
            }
        }
    }

    /// Two workers (two connections) on one atlas: batches take the next number whoever
    /// commits, a worse offer never replaces a cell, a pull returns only what is new, and a
    /// lone writer and the workers exclude each other.
    func testWorkersShareAnAtlasAndNeverRegressACell() throws {
        try onEachBackend { open in
            let a = try open(), b = try open()
            let run = try a.createRun(NewRun(name: "shared", target: "atlas of 3 classes", config: "{}", model: "lite0",
                                             seed: 1, kind: .atlas))
            let one = try a.joinAtlas(run: run.id), two = try b.joinAtlas(run: run.id)
            XCTAssertEqual([one.number, two.number], [1, 2])
            func offer(_ store: RunStore, _ worker: AtlasWorker, _ elites: [EliteRow]) throws -> Int {
                try store.offerBatch(BatchCommit(run: run.id, stats: stats(99), rngState: "{}", filledCells: 3,
                                                 elites: elites), worker: worker)
            }
            XCTAssertEqual(try offer(b, two, [elite(1, "b1", quality: -2, batch: 0), elite(2, "b2", quality: -3, batch: 0)]), 0)
            XCTAssertEqual(try offer(a, one, [elite(1, "a1-worse", quality: -2.5, batch: 0),
                                              elite(3, "a3", quality: -4, batch: 0)]), 1)
            XCTAssertEqual(try offer(b, two, [elite(2, "b2-better", quality: -1, batch: 1)]), 2)
            XCTAssertEqual(try a.elites(run: run.id).map(\.genome), ["b1", "b2-better", "a3"])
            XCTAssertEqual(try a.elites(run: run.id).map(\.batch), [0, 2, 1], "an elite carries the number its batch got")
            let pulled = try a.elites(run: run.id, after: 1)
            XCTAssertEqual(pulled.elites.map(\.genome), ["b2-better"])
            XCTAssertEqual(pulled.batches, 3)
            XCTAssertEqual(try a.run(id: run.id).generations, 3)
            XCTAssertEqual(try a.lastBatch(run: run.id)?.stats.index, 2)
            let batches = try a.batches(run: run.id)
            XCTAssertEqual(batches.map(\.worker), [2, 1, 2])
            XCTAssertEqual(batches.map(\.improved), [2, 1, 1], "cells the database changed: a worse offer is none")

            XCTAssertEqual(try a.liveWorkers(run: run.id).map(\.number), [1, 2])
            XCTAssertEqual(try a.runs().first?.status, .running, "live workers, no lease: running")
            XCTAssertThrowsError(try open().acquireLock(run: run.id)) { error in
                XCTAssertEqual(error as? StoreError, .sharedByWorkers(run: "shared", workers: 2))
            }
            XCTAssertEqual(try a.leaveAtlas(one), 1)
            XCTAssertEqual(try b.leaveAtlas(two), 0)
            XCTAssertEqual(try a.run(id: run.id).status, .paused, "the last worker to leave pauses the atlas")
            let alone = try open()
            _ = try alone.acquireLock(run: run.id)
            XCTAssertThrowsError(try a.joinAtlas(run: run.id)) { error in
                guard case .runLocked("shared", _) = error as? StoreError else { return XCTFail("\(error)") }
            }
        }
    }

    /// Migrants: the newest of every other island, one per island; a resent generation keeps
    /// what was first sent.
    func testIslandsReadTheNewestMigrantOfEveryOtherIsland() throws {
        try onEachBackend { open in
            let store = try open()
            let run = try store.createRun(newRun("crab.island-1"))
            func send(_ island: Int, _ generation: Int, _ genome: String, fitness: Float) throws {
                try store.sendMigrant(Migrant(island: island, generation: generation,
                                              individual: Individual(genome: genome, fitness: fitness, confidence: 0.5,
                                                                     naturalness: -0.0, parents: [], origin: nil)),
                                      archipelago: "crab", run: run.id)
            }
            try send(1, 5, "one-5", fitness: -3)
            try send(2, 5, "two-5", fitness: -2)
            try send(2, 10, "two-10", fitness: -1)
            try send(2, 10, "two-10-again", fitness: 0)
            try send(3, 5, "three-5", fitness: .nan)
            let seen = try store.latestMigrants(archipelago: "crab", excluding: 1)
            XCTAssertEqual(seen.map(\.island), [2, 3])
            XCTAssertEqual(seen.map(\.individual.genome), ["two-10", "three-5"])
            XCTAssertEqual(seen.map(\.generation), [10, 5])
            XCTAssertTrue(seen[1].individual.fitness.isNaN)
            XCTAssertEqual(seen[0].individual.naturalness.sign, .minus, "-0.0 round-trips")
            XCTAssertEqual(try store.latestMigrants(archipelago: "other", excluding: 1), [])
        }
    }

    /// A batch of all 1000 cells goes in several upsert statements; the batch row counts the
    /// cells the database changed; a cell offered twice in one batch is refused.
    func testAWholeAtlasBatchCountsTheCellsItChanged() throws {
        try onEachBackend { open in
            let store = try open()
            let (run, _) = try makeAtlas(store)
            let all = (0..<1000).map { elite($0, "g\($0)", quality: -Float($0), batch: 0) }
            try store.commitBatch(BatchCommit(run: run.id, stats: stats(0), rngState: "{}", filledCells: 1000, elites: all))
            // Every third cell better, the rest worse.
            let next = (0..<1000).map { elite($0, "h\($0)", quality: -Float($0) + ($0 % 3 == 0 ? 0.5 : -0.5), batch: 1) }
            try store.commitBatch(BatchCommit(run: run.id, stats: stats(1), rngState: "{}", filledCells: 1000, elites: next))
            XCTAssertEqual(try store.batches(run: run.id).map(\.improved), [1000, 334])
            let stored = try store.elites(run: run.id)
            XCTAssertEqual(stored.filter { $0.genome.hasPrefix("h") }.map(\.cell), Array(stride(from: 0, to: 1000, by: 3)))
            XCTAssertThrowsError(try store.commitBatch(BatchCommit(
                run: run.id, stats: stats(2), rngState: "{}", filledCells: 1000,
                elites: [elite(5, "a", quality: 9, batch: 2), elite(5, "b", quality: 8, batch: 2)]))) { error in
                XCTAssertTrue("\(error)".contains("offered twice"), "\(error)")
            }
        }
    }
}
