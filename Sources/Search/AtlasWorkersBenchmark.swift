import Foundation
import Store

/// The measurements behind `pareidolia bench atlas --workers N`: what a phase of n worker
/// processes did, read back from the atlas's committed batch rows, and what the database
/// sustains for the workers' own transaction.
public enum AtlasWorkersBenchmark {
    /// What one phase (n workers for `minutes`) did, from the atlas's committed batch rows.
    public struct Phase: Sendable {
        public var workers: Int
        public var blasThreads: Int
        public var seconds: Double
        public var batches: Int
        public var evaluationsPerSecond: Double
        public var improvedPerMinute: Double
        public var commitsPerSecond: Double
        public var meanImproved: Double
    }

    /// Rates over the phase: each worker's evaluations over its own span of commits, summed;
    /// cells improved and commits over the span from the first to the last commit.
    public static func measure(_ batches: [BatchRow], workers: Int, threads: Int) -> Phase {
        let byWorker = Dictionary(grouping: batches.filter { $0.worker != nil }, by: { $0.worker! })
        var evaluationsPerSecond = 0.0
        for rows in byWorker.values {
            guard let first = rows.first, let last = rows.last, rows.count > 1 else { continue }
            let span = last.committedAt.timeIntervalSince(first.committedAt)
            evaluationsPerSecond += Double(last.stats.evaluations - first.stats.evaluations) / max(span, 1e-9)
        }
        let times = batches.map(\.committedAt)
        let span = (times.max() ?? Date()).timeIntervalSince(times.min() ?? Date())
        // The first batch of an atlas fills every cell from random genomes: not an improvement rate.
        let improved = batches.dropFirst().reduce(0) { $0 + $1.improved }
        return Phase(workers: workers, blasThreads: threads, seconds: span, batches: batches.count,
                     evaluationsPerSecond: evaluationsPerSecond, improvedPerMinute: Double(improved) / max(span / 60, 1e-9),
                     commitsPerSecond: Double(batches.count - 1) / max(span, 1e-9),
                     meanImproved: Double(improved) / Double(max(batches.count - 1, 1)))
    }

    /// What the database sustains for the workers' transaction (pull the new elites, then one
    /// batch row and `upserts` elite upserts), from `connections` connections at once for
    /// `seconds`, on a scratch atlas of 1000 cells that is deleted again.
    /// `open` gives a new store (connection) on the database each call.
    public static func commitCapacity(open: () throws -> RunStore, connections: Int, upserts: Int, seconds: Double,
                                      seed: UInt64) throws -> Double {
        let name = "bench-commits-\(getpid())"
        let setup = try open()
        if (try? setup.run(named: name)) != nil { try setup.deleteRun(named: name) }
        let run = try setup.createRun(NewRun(name: name, target: "commit benchmark", config: "{}", model: "none",
                                             seed: seed, kind: .atlas))
        defer { try? setup.deleteRun(named: name) }
        let stores = try (0..<connections).map { _ in try open() }
        let workers = try stores.map { try $0.joinAtlas(run: run.id) }
        let tally = Tally(connections)
        let deadline = Date().addingTimeInterval(seconds)
        DispatchQueue.concurrentPerform(iterations: connections) { c in
            var rng = SystemRandomNumberGenerator()
            var seen = 0, quality: Float = -10, batch = 0
            while Date() < deadline {
                do {
                    seen = try stores[c].elites(run: run.id, after: seen - 1).batches
                    quality += 0.001
                    let elites = (0..<1000).shuffled(using: &rng).prefix(upserts).sorted().map { cell in
                        EliteRow(cell: cell, genome: "(rgb x y (sin (* 3.5 x)))",
                                 quality: quality, confidence: 0.5, naturalness: 0.05, batch: 0)
                    }
                    let stats = GenerationStats(index: 0, bestFitness: quality, meanFitness: quality, bestConfidence: 0.5,
                                                meanConfidence: 0.5, bestNaturalness: 0.05, evaluations: batch,
                                                elapsedSeconds: 0)
                    try stores[c].offerBatch(BatchCommit(run: run.id, stats: stats, rngState: "{}", filledCells: 1000,
                                                         elites: elites), worker: workers[c])
                    batch += 1
                } catch {
                    tally.fail(error)
                    return
                }
            }
            tally.add(batch, at: c)
        }
        if let error = tally.error { throw error }
        for (store, worker) in zip(stores, workers) { try store.leaveAtlas(worker) }
        return Double(tally.total) / seconds
    }

    /// Commit counts of the capacity threads, under a lock.
    private final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int]
        private var failure: (any Error)?

        init(_ n: Int) { counts = Array(repeating: 0, count: n) }
        func add(_ count: Int, at index: Int) { lock.withLock { counts[index] = count } }
        func fail(_ error: any Error) { lock.withLock { failure = error } }
        var error: (any Error)? { lock.withLock { failure } }
        var total: Int { lock.withLock { counts.reduce(0, +) } }
    }

}
