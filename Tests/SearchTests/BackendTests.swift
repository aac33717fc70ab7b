import Evolution
import Foundation
import Genome
import PostgresTestSupport
import Scoring
import Search
import Store
import XCTest

/// The backend changes nothing but where the rows live: a run and an atlas with the same
/// settings and seed give the same rows on SQLite and on PostgreSQL (the real server the test
/// command starts); islands of one archipelago exchange their best through either.
extension EngineTests {
    func testSameSeedGivesTheSameRunAndAtlasOnSQLiteAndPostgreSQL() throws {
        var runs: [(population: [Store.Individual], rng: String, records: [String])] = []
        var atlases: [[EliteRow]] = []
        var batches: [[GenerationStats]] = []
        for backend in StoreBackend.allCases {
            let store = try backend.freshDatabase(in: URL(fileURLWithPath: directory)).open()
            var run = try start("same", store: store, generations: 3)
            XCTAssertEqual(try run.run(), .reachedGenerations)
            try run.finish(.reachedGenerations)
            let id = try store.run(named: "same").id
            let last = try XCTUnwrap(store.lastGeneration(run: id))
            runs.append((last.population, last.rngState, try store.records(run: id).map(\.genome)))

            var atlas = try AtlasRun.start(store: store, name: "same-atlas", settings: atlasSettings(batches: 3), seed: 3,
                                           models: Self.models)
            XCTAssertEqual(try atlas.run(), .reachedGenerations)
            try atlas.finish(.reachedGenerations)
            let atlasID = try store.run(named: "same-atlas").id
            atlases.append(try store.elites(run: atlasID))
            batches.append(try store.generations(run: atlasID).map { var s = $0; s.elapsedSeconds = 0; return s })
        }
        XCTAssertEqual(runs[0].population, runs[1].population, "the population, bit for bit")
        XCTAssertEqual(runs[0].rng, runs[1].rng)
        XCTAssertEqual(runs[0].records, runs[1].records)
        XCTAssertEqual(atlases[0], atlases[1], "the archive, cell by cell")
        XCTAssertEqual(batches[0], batches[1], "every batch's statistics")
        XCTAssertEqual(atlases[0].count, 3)
    }

    /// Two islands of one archipelago in one database: each sends its best every generation and
    /// admits the other's newest best; an immigrant that survives selection is in the stored
    /// population. Run alternately, so each island sees the other's latest migrant.
    func testIslandsExchangeTheirBestThroughTheDatabase() throws {
        for backend in StoreBackend.allCases {
            let store = try backend.freshDatabase(in: URL(fileURLWithPath: directory)).open()
            var islands = try (1...2).map { k in
                var settings = settings(generations: 6)
                settings.island = IslandSettings(archipelago: "crab", island: k, migrateEvery: 1)
                settings.polish = nil
                let name = IslandSettings.runName(archipelago: "crab", island: k)
                return try SearchRun.start(store: store, name: name, target: "rock crab", settings: settings,
                                           seed: IslandSettings.seed(11, island: k), seeds: [],
                                           recordDirectory: directory + "/" + name, models: Self.models)
            }
            var received: [[Int]] = [[], []]
            for generation in 1...3 {
                for k in 0..<2 {
                    var steps = 0, migration: SearchRun.Migration?
                    _ = try islands[k].run(shouldStop: { steps += 1; return steps > 1 }) { migration = $0.migration }
                    XCTAssertEqual(islands[k].state.generation, generation)
                    let taken = try XCTUnwrap(migration, "island \(k + 1) migrates every generation")
                    received[k].append(taken.received)
                    let other = try store.latestMigrants(archipelago: "crab", excluding: k + 1)
                    let population = islands[k].state.population.map(\.genome.description)
                    if taken.kept > 0 {
                        XCTAssertTrue(other.contains { population.contains($0.individual.genome) },
                                      "a kept immigrant is the other island's newest best")
                    }
                    // What is in memory is what was committed.
                    XCTAssertEqual(try store.lastGeneration(run: islands[k].run.id)?.population.map(\.genome), population)
                }
            }
            // Island 1 goes first: at generation 1 nobody had sent anything; island 2 then takes island 1's.
            XCTAssertEqual(received[0].first, 0, "\(backend)")
            XCTAssertEqual(received[1].first, 1, "\(backend)")
            XCTAssertGreaterThan(received[0].reduce(0, +), 0, "island 1 takes island 2's best later")
            let migrants = try store.latestMigrants(archipelago: "crab", excluding: 0)
            XCTAssertEqual(migrants.map(\.island), [1, 2])
            XCTAssertEqual(migrants.map(\.generation), [3, 3])
            for (k, island) in islands.enumerated() {
                // Sent before it took immigrants in, so it is still in its population (an immigrant may now lead).
                XCTAssertTrue(island.state.population.map(\.genome.description).contains(migrants[k].individual.genome),
                              "island \(k + 1) sent one of its own")
                XCTAssertEqual(migrants[k].individual.fitness, island.state.population.first {
                    $0.genome.description == migrants[k].individual.genome }?.evaluation.fitness)
            }
        }
    }

    /// An island keeps its archipelago across a resume, and goes on migrating: before the
    /// settings stored `island`, a resumed island was a run on its own and never migrated again.
    func testAResumedIslandGoesOnMigrating() throws {
        let store = try RunStore.inMemory()
        let names = (1...2).map { IslandSettings.runName(archipelago: "crab", island: $0) }
        for k in 1...2 {
            var settings = settings(generations: 6)
            settings.island = IslandSettings(archipelago: "crab", island: k, migrateEvery: 1)
            settings.polish = nil
            var island = try SearchRun.start(store: store, name: names[k - 1], target: "rock crab", settings: settings,
                                             seed: IslandSettings.seed(11, island: k), seeds: [],
                                             recordDirectory: directory + "/" + names[k - 1], models: Self.models)
            var steps = 0
            _ = try island.run(shouldStop: { steps += 1; return steps > 1 }) { _ in }
            try island.finish(.interrupted)
        }
        var resumed = try SearchRun.resume(store: store, name: names[0], recordDirectory: directory + "/" + names[0],
                                           models: Self.models)
        XCTAssertEqual(resumed.settings.island, IslandSettings(archipelago: "crab", island: 1, migrateEvery: 1))
        var steps = 0, migration: SearchRun.Migration?
        _ = try resumed.run(shouldStop: { steps += 1; return steps > 1 }) { migration = $0.migration }
        let taken = try XCTUnwrap(migration, "the resumed island migrates")
        XCTAssertEqual(taken.received, 1, "it takes island 2's best")
    }
}
