import Foundation
import PostgresTestSupport
import Store
import XCTest

/// Base class giving each test a fresh temporary directory and builders for test data.
class StoreTestCase: XCTestCase {
    /// A directory that exists only for the current test.
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("StoreTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// Path of a database file (not yet created) in this test's directory.
    func dbPath(_ name: String = "runs.sqlite") -> String {
        directory.appendingPathComponent(name).path
    }

    /// Runs `body` on a fresh SQLite file, then on a fresh PostgreSQL database: the same
    /// assertions on both backends. `open()` gives a new store (connection) on the database.
    func onEachBackend(_ body: (_ open: () throws -> RunStore) throws -> Void) throws {
        for backend in StoreBackend.allCases {
            let database = try backend.freshDatabase(in: directory)
            do {
                try body(database.open)
            } catch {
                XCTFail("on \(backend.rawValue): \(error)")
            }
        }
    }

    /// A run description with a JSON config; `seed` defaults to a value with the top bit set.
    func newRun(_ name: String, seed: UInt64 = 0xDEAD_BEEF_CAFE_F00D) -> NewRun {
        NewRun(name: name, target: "rock crab",
               config: #"{"population":200,"lambda":0.5,"target":"rock crab"}"#,
               model: "efficientnet-lite0", seed: seed)
    }

    /// A deterministic generation: `size` individuals whose parents index the previous
    /// population of `previousSize`, scores drawn from `rng`, plus one record.
    func makeCommit(run: Int64, index: Int, size: Int = 20, previousSize: Int = 20,
                    rng: inout SplitMix64) -> GenerationCommit {
        let population = (0..<size).map { position in
            Individual(
                genome: "(rgb (sin (* \(position).5 x)) y (noise \(index) r))",
                fitness: rng.nextFloat(), confidence: rng.nextFloat(),
                naturalness: rng.nextFloat(),
                parents: index == 0 ? [] : (position % 3 == 0
                    ? [Int(rng.next() % UInt64(previousSize))]
                    : [Int(rng.next() % UInt64(previousSize)), Int(rng.next() % UInt64(previousSize))]),
                origin: index == 0 ? "random" : (position % 3 == 0 ? "mutation:point" : "crossover"))
        }
        let best = population.max { $0.fitness < $1.fitness } ?? population[0]
        let stats = GenerationStats(
            index: index, bestFitness: best.fitness,
            meanFitness: population.map(\.fitness).reduce(0, +) / Float(size),
            bestConfidence: population.map(\.confidence).max() ?? 0,
            meanConfidence: population.map(\.confidence).reduce(0, +) / Float(size),
            bestNaturalness: best.naturalness, evaluations: (index + 1) * size,
            elapsedSeconds: Double(index) * 1.25 + 0.1)
        let record = NewRecord(genome: best.genome, fitness: best.fitness,
                               confidence: best.confidence, naturalness: best.naturalness,
                               evaluations: stats.evaluations, elapsedSeconds: stats.elapsedSeconds)
        return GenerationCommit(run: run, stats: stats, rngState: "splitmix64:\(rng.state)",
                                population: population, records: [record])
    }

    /// Asserts `body` throws exactly `expected`.
    func assertThrows<T>(_ expected: StoreError, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected \(expected), got no error", file: file, line: line)
        } catch let error as StoreError {
            XCTAssertEqual(error, expected, file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error)", file: file, line: line)
        }
    }
}

/// Bitwise equality of floats, with every NaN equal to every NaN (SQLite keeps no payload).
func sameBits(_ a: Float, _ b: Float) -> Bool {
    a.isNaN ? b.isNaN : a.bitPattern == b.bitPattern
}

/// Bitwise equality of individuals (see `sameBits`).
func sameBits(_ a: Individual, _ b: Individual) -> Bool {
    a.genome == b.genome && a.parents == b.parents && a.origin == b.origin
        && sameBits(a.fitness, b.fitness) && sameBits(a.confidence, b.confidence)
        && sameBits(a.naturalness, b.naturalness)
}

/// A small seeded generator for reproducible test data (Steele et al.'s SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float in [-4, 4) with all mantissa bits random.
    mutating func nextFloat() -> Float {
        Float(next() >> 40) / Float(1 << 24) * 8 - 4
    }
}
