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
}
