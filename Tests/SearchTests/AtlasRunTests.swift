import Evolution
import Foundation
import Genome
import Scoring
import Search
import Store
import XCTest

/// Atlases on the real Lite0: straight = split + resume, cells never get worse, and the
/// stored archive is the one in memory.
extension EngineTests {
    func atlasSettings(batches: Int) -> AtlasSettings {
        var evolution = EvolutionConfig()
        evolution.offspringPerGeneration = 4
        evolution.maxNodes = 400
        evolution.waves = WaveSeeding(share: 1, terms: 6, frequency: 8)
        evolution.termOperators = .measured
        return AtlasSettings(classes: [1, 119, 281], evolution: evolution, framings: FramingSettings(count: 2),
                             polish: PolishSchedule(every: 2, steps: 2, freshFramings: true),
                             stop: StopCondition(generation: batches))
    }

    /// The archive as stored, cell by cell.
    func storedArchive(_ name: String, store: RunStore) throws -> [EliteRow] {
        try store.elites(run: try store.run(named: name).id)
    }

    func testAtlasResumesExactlyAndCellsNeverGetWorse() throws {
        let store = try RunStore.inMemory()
        var straight = try AtlasRun.start(store: store, name: "straight", settings: atlasSettings(batches: 5), seed: 3,
                                          models: Self.models)
        XCTAssertEqual(try straight.run(), .reachedGenerations)
        var split = try AtlasRun.start(store: store, name: "split", settings: atlasSettings(batches: 5), seed: 3,
                                       models: Self.models)
        var checks = 0
        XCTAssertEqual(try split.run(shouldStop: { checks += 1; return checks > 2 }), .interrupted)
        XCTAssertEqual(split.state.counters.batch, 3, "batches 0…2 committed")
        try split.finish(.interrupted)
        var resumed = try AtlasRun.resume(store: store, name: "split", models: Self.models)
        XCTAssertEqual(resumed.state, split.state, "the stored state is the state in memory")
        XCTAssertEqual(try resumed.run(), .reachedGenerations)
        XCTAssertEqual(resumed.state, straight.state)
        XCTAssertEqual(try storedArchive("split", store: store).map(\.genome),
                       try storedArchive("straight", store: store).map(\.genome))
        XCTAssertEqual(try store.run(named: "split").generations, 6, "batch rows 0…5")
        XCTAssertEqual(try store.lastBatch(run: try store.run(named: "split").id)?.rngState,
                       try store.lastBatch(run: try store.run(named: "straight").id)?.rngState)
        XCTAssertEqual(Set(straight.state.archive.elites.keys), [1, 119, 281], "every child is offered to every cell")
    }

    /// Every cell's stored elite only improves from batch to batch (read back from the store).
    func testStoredElitesOnlyImprove() throws {
        let store = try RunStore.inMemory()
        var atlas = try AtlasRun.start(store: store, name: "grow", settings: atlasSettings(batches: 4), seed: 5,
                                       models: Self.models)
        var snapshots = [try storedArchive("grow", store: store)]
        XCTAssertEqual(try atlas.run(progress: { _ in snapshots.append((try? self.storedArchive("grow", store: store)) ?? []) }),
                       .reachedGenerations)
        XCTAssertEqual(snapshots.count, 5)
        for (before, after) in zip(snapshots, snapshots.dropFirst()) {
            XCTAssertEqual(before.map(\.cell), after.map(\.cell))
            for (b, a) in zip(before, after) {
                let old = CellScore(quality: b.quality, confidence: b.confidence, naturalness: b.naturalness)
                let new = CellScore(quality: a.quality, confidence: a.confidence, naturalness: a.naturalness)
                XCTAssertFalse(old.beats(new), "cell \(a.cell) got worse")
            }
        }
        XCTAssertEqual(snapshots.last!.map(\.genome), atlas.state.archive.cells.map { atlas.state.archive.elites[$0]!.genome.description })
    }
}
