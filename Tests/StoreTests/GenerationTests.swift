import Foundation
import GRDB
import Store
import XCTest

/// Committing generations: order, exact round trips, atomicity, records and summaries.
final class GenerationTests: StoreTestCase {
    func testGenerationsCommitInOrderOnly() throws {
        try onEachBackend { open in
            let store = try open()
            let run = try store.createRun(newRun("crab"))
            var rng = SplitMix64(seed: 1)
            var commits: [GenerationCommit] = []
            for index in 0..<3 {
                let commit = makeCommit(run: run.id, index: index, rng: &rng)
                try store.commitGeneration(commit)
                commits.append(commit)
                XCTAssertEqual(try store.run(id: run.id).generations, index + 1)
            }
            assertThrows(.generationOutOfOrder(run: "crab", expected: 3, got: 4)) {
                try store.commitGeneration(makeCommit(run: run.id, index: 4, rng: &rng))
            }
            assertThrows(.generationOutOfOrder(run: "crab", expected: 3, got: 1)) {
                try store.commitGeneration(makeCommit(run: run.id, index: 1, rng: &rng))
            }
            XCTAssertEqual(try store.generations(run: run.id), commits.map(\.stats))
            XCTAssertEqual(try store.records(run: run.id).map(\.generation), [0, 1, 2])
            XCTAssertEqual(try store.lastGeneration(run: run.id)?.stats.index, 2)

            let other = try store.createRun(newRun("other"))
            XCTAssertNil(try store.lastGeneration(run: other.id))
            assertThrows(.generationOutOfOrder(run: "other", expected: 0, got: 1)) {
                try store.commitGeneration(makeCommit(run: other.id, index: 1, rng: &rng))
            }
            assertThrows(.runIDNotFound(id: 999)) {
                try store.commitGeneration(makeCommit(run: 999, index: 0, rng: &rng))
            }
        }
    }

    func testLastGenerationRoundTripsBitExactly() throws {
        try onEachBackend { open in
            let store = try open()
            let run = try store.createRun(newRun("crab", seed: UInt64.max - 1))
            var rng = SplitMix64(seed: 42)
            try store.commitGeneration(makeCommit(run: run.id, index: 0, rng: &rng))
            // Raw random bit patterns cover NaNs, infinities, subnormals and both zeros.
            func anyFloat() -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
            let special: [Float] = [0, -0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude,
                                    -.leastNonzeroMagnitude, .greatestFiniteMagnitude, .ulpOfOne,
                                    Float(bitPattern: 0x7FC0_1234), 0.1, 1 / 3]
            var population: [Individual] = special.map {
                Individual(genome: "(rgb x y r)", fitness: $0, confidence: -$0, naturalness: $0 * 2,
                           parents: [19], origin: nil)
            }
            for position in 0..<500 {
                population.append(Individual(
                    genome: "(mix (sin (* \(anyFloat()) x)) (hsv t r y) \(position))",
                    fitness: anyFloat(), confidence: anyFloat(), naturalness: anyFloat(),
                    parents: [Int(rng.next() % 20), Int(rng.next() % 20)].prefix(position % 3).map { $0 },
                    origin: position % 2 == 0 ? "crossover ✓ ünïcode" : nil))
            }
            let stats = GenerationStats(index: 1, bestFitness: anyFloat(), meanFitness: -0.0,
                                        bestConfidence: .nan, meanConfidence: .infinity,
                                        bestNaturalness: .leastNonzeroMagnitude,
                                        evaluations: Int(Int32.max) * 3, elapsedSeconds: 1e-300)
            let rngState = "xoshiro256**:\(UInt64.max),\(UInt64(1) << 63),0,42\n\t\"quoted\" ✓"
            try store.commitGeneration(GenerationCommit(run: run.id, stats: stats, rngState: rngState,
                                                        population: population))

            for reopened in [false, true] {
                let reader = reopened ? try open() : store
                guard let snapshot = try reader.lastGeneration(run: run.id) else {
                    return XCTFail("no last generation")
                }
                XCTAssertEqual(snapshot.rngState, rngState)
                XCTAssertEqual(snapshot.population.count, population.count)
                for (read, written) in zip(snapshot.population, population) {
                    XCTAssertTrue(sameBits(read, written), "\(read) != \(written)")
                }
                let s = snapshot.stats
                XCTAssertEqual(s.index, 1)
                XCTAssertTrue(sameBits(s.bestFitness, stats.bestFitness))
                XCTAssertEqual(s.meanFitness.bitPattern, (-0.0 as Float).bitPattern, "sign of zero")
                XCTAssertTrue(s.bestConfidence.isNaN)
                XCTAssertEqual(s.meanConfidence, .infinity)
                XCTAssertEqual(s.bestNaturalness, .leastNonzeroMagnitude)
                XCTAssertEqual(s.evaluations, Int(Int32.max) * 3)
                XCTAssertEqual(s.elapsedSeconds, 1e-300)
                XCTAssertEqual(try reader.run(id: run.id).seed, UInt64.max - 1)
            }
        }
    }

    func testFailedCommitsLeaveNoPartialRows() throws {
        let store = try RunStore(path: dbPath())
        let run = try store.createRun(newRun("crab"))
        var rng = SplitMix64(seed: 9)
        try store.commitGeneration(makeCommit(run: run.id, index: 0, rng: &rng))
        let before = try snapshot(store, run.id)

        // An empty genome deep in the population, after 150 rows were inserted.
        var commit = makeCommit(run: run.id, index: 1, size: 200, rng: &rng)
        commit.population[150].genome = ""
        assertThrows(.invalidIndividual(run: "crab", generation: 1, position: 150,
                                        reason: "the genome text is empty")) {
            try store.commitGeneration(commit)
        }
        XCTAssertEqual(try snapshot(store, run.id), before)
        XCTAssertEqual(try rowCounts(), [1, 1, 20, 1])

        // A parent outside the previous population (size 20).
        commit = makeCommit(run: run.id, index: 1, size: 200, rng: &rng)
        commit.population[199].parents = [3, 20]
        assertThrows(.invalidIndividual(run: "crab", generation: 1, position: 199,
            reason: "parent 20 is outside the previous population (size 20)")) {
            try store.commitGeneration(commit)
        }
        XCTAssertEqual(try snapshot(store, run.id), before)

        // SQLite itself failing on the last insert before the run update (an injected trigger).
        let raw = try DatabaseQueue(path: dbPath())
        try raw.write { db in
            try db.execute(sql: """
                CREATE TRIGGER fail_record BEFORE INSERT ON records
                WHEN NEW.genome = '(boom)' BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                """)
        }
        commit = makeCommit(run: run.id, index: 1, size: 200, rng: &rng)
        commit.records.append(NewRecord(genome: "(boom)", fitness: 1, confidence: 1,
                                        naturalness: 0, evaluations: 1, elapsedSeconds: 1))
        XCTAssertThrowsError(try store.commitGeneration(commit)) { error in
            guard case let StoreError.invalidRecord(name, generation, reason) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(name, "crab")
            XCTAssertEqual(generation, 1)
            XCTAssertTrue(reason.contains("injected failure"), reason)
        }
        XCTAssertEqual(try snapshot(store, run.id), before)
        XCTAssertEqual(try rowCounts(), [1, 1, 20, 1])
        try raw.write { db in try db.execute(sql: "DROP TRIGGER fail_record") }

        // The same generation then commits cleanly: nothing was left behind to collide with.
        commit.records.removeLast()
        try store.commitGeneration(commit)
        XCTAssertEqual(try rowCounts(), [1, 2, 220, 2])
        XCTAssertEqual(try store.lastGeneration(run: run.id)?.population, commit.population)
        XCTAssertTrue(try store.integrityCheck())
    }

    func testRecordsImagesAndSummaries() throws {
        try onEachBackend { open in
            let store = try open()
            let run = try store.createRun(newRun("crab"))
            var rng = SplitMix64(seed: 5)
            var commits: [GenerationCommit] = []
            for index in 0..<4 {
                var commit = makeCommit(run: run.id, index: index, rng: &rng)
                if index == 2 { commit.records = [] }
                try store.commitGeneration(commit)
                commits.append(commit)
            }
            let polished = NewRecord(genome: "(rgb (sin x) y 0.25)", fitness: 9.5, confidence: 0.995,
                                     naturalness: 0.03, evaluations: 80, elapsedSeconds: 7.5,
                                     polished: true, imagePath: nil)
            let added = try store.addRecord(polished, run: run.id, generation: 3)
            try store.setRecordImagePath("gallery/crab/0004.png", record: added.id)

            let records = try store.records(run: run.id)
            let expected = commits.flatMap(\.records) + [polished]
            XCTAssertEqual(records.count, expected.count)
            XCTAssertEqual(records.map(\.generation), [0, 1, 3, 3])
            XCTAssertEqual(records.map(\.id), records.map(\.id).sorted())
            for (row, record) in zip(records, expected) {
                XCTAssertEqual(row.genome, record.genome)
                XCTAssertEqual(row.fitness, record.fitness)
                XCTAssertEqual(row.confidence, record.confidence)
                XCTAssertEqual(row.naturalness, record.naturalness)
                XCTAssertEqual(row.evaluations, record.evaluations)
                XCTAssertEqual(row.elapsedSeconds, record.elapsedSeconds)
                XCTAssertEqual(row.polished, record.polished)
            }
            XCTAssertEqual(records.last?.imagePath, "gallery/crab/0004.png")
            XCTAssertEqual(records.dropLast().map(\.imagePath), [nil, nil, nil])

            let summary = try XCTUnwrap(store.runs().first)
            XCTAssertEqual(summary.generations, 4)
            XCTAssertEqual(summary.evaluations, commits[3].stats.evaluations)
            XCTAssertEqual(summary.elapsedSeconds, commits[3].stats.elapsedSeconds)
            XCTAssertEqual(summary.best, RunSummary.Best(fitness: 9.5, confidence: 0.995,
                                                         naturalness: 0.03, generation: 3))

            assertThrows(.invalidRecord(run: "crab", generation: 4,
                                        reason: "generation 4 is not committed (the run has 4)")) {
                try store.addRecord(polished, run: run.id, generation: 4)
            }
            assertThrows(.recordNotFound(id: 12345)) {
                try store.setRecordImagePath("x.png", record: 12345)
            }
            assertThrows(.emptyPopulation(run: "crab", generation: 4)) {
                try store.commitGeneration(GenerationCommit(run: run.id, stats: commits[0].stats
                    .with(index: 4), rngState: "s", population: []))
            }
            XCTAssertEqual(try store.records(run: run.id), records)
        }
    }

    func testPruningKeepsStatsRecordsAndTheLastPopulations() throws {
        try onEachBackend { open in
            let store = try open()
            let run = try store.createRun(newRun("crab"))
            var rng = SplitMix64(seed: 21)
            var commits: [GenerationCommit] = []
            for index in 0..<6 {
                commits.append(makeCommit(run: run.id, index: index, size: 20, rng: &rng))
                try store.commitGeneration(commits[index])
            }
            let stats = try store.generations(run: run.id)
            let records = try store.records(run: run.id)
            XCTAssertEqual(try store.prunePopulations(run: run.id, keepingLast: 2), 4 * 20)
            for index in 0..<6 {
                XCTAssertEqual(try store.population(run: run.id, generation: index),
                               index < 4 ? [] : commits[index].population)
            }
            XCTAssertEqual(try store.prunePopulations(run: run.id, keepingLast: 0), 20, "keeps 1")
            XCTAssertEqual(try store.lastGeneration(run: run.id)?.population, commits[5].population)
            XCTAssertEqual(try store.generations(run: run.id), stats)
            XCTAssertEqual(try store.records(run: run.id), records)
            try store.commitGeneration(makeCommit(run: run.id, index: 6, rng: &rng))
            XCTAssertTrue(try store.integrityCheck())
        }
    }

    func testHandEditedValuesAreReportedNotTrusted() throws {
        let store = try RunStore(path: dbPath())
        let run = try store.createRun(newRun("crab"))
        try DatabaseQueue(path: dbPath()).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE runs SET status = 'zombie'")
        }
        assertThrows(.corruptValue(path: dbPath(), detail: "run 'crab': runs.status is 'zombie'")) {
            try store.run(id: run.id)
        }
        try DatabaseQueue(path: dbPath()).write { db in
            try db.execute(sql: "UPDATE runs SET status = 'paused', generations = 3")
        }
        assertThrows(.corruptValue(path: dbPath(), detail: "run 'crab' counts 3 generations "
                                   + "but generation 2 is missing")) {
            try store.lastGeneration(run: run.id)
        }
    }

    // MARK: Helpers

    /// Everything the public API shows about a run, for before/after comparisons.
    private struct RunState: Equatable {
        var run: Run
        var last: GenerationSnapshot?
        var generations: [GenerationStats]
        var records: [RecordRow]
        var secondPopulation: [Individual]
    }

    private func snapshot(_ store: RunStore, _ run: Int64) throws -> RunState {
        RunState(run: try store.run(id: run), last: try store.lastGeneration(run: run),
                 generations: try store.generations(run: run), records: try store.records(run: run),
                 secondPopulation: try store.population(run: run, generation: 1))
    }

    /// Row counts of runs, generations, individuals, records, read by a separate connection.
    private func rowCounts() throws -> [Int] {
        try DatabaseQueue(path: dbPath()).read { db in
            try ["runs", "generations", "individuals", "records"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
            }
        }
    }
}

extension GenerationStats {
    /// A copy with another index.
    func with(index: Int) -> GenerationStats {
        var copy = self
        copy.index = index
        return copy
    }
}
