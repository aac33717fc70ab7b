import Foundation
import Search
import Store
import StorePostgres

/// `pareidolia bench atlas --workers N`: the same atlas run by 1, 2, … N worker processes
/// against one database, so scaling is a measured curve, and the database's own cost per
/// batch beside what the server sustains.
struct WorkerBench {
    let workers: Int
    let minutes: Double
    let seed: UInt64
    let database: String
    let out: String
    /// `atlas` options given to the bench, passed on to every worker.
    let forwarded: [String]

    /// What one phase (n workers for `minutes`) did, from the atlas's committed batch rows.
    struct Phase {
        var workers: Int
        var blasThreads: Int
        var seconds: Double
        var batches: Int
        var evaluationsPerSecond: Double
        var improvedPerMinute: Double
        var commitsPerSecond: Double
        var meanImproved: Double
    }

    func run(terminal: inout Terminal) throws -> [Phase] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var phases: [Phase] = []
        for n in 1...workers {
            let name = "bench-workers-\(n)-seed\(seed)"
            let store = try RunStore.open(location: database)
            if (try? store.run(named: name)) != nil { try store.deleteRun(named: name) }
            let threads = max(1, cores / n)
            terminal.log("bench atlas: \(n) worker(s) for \(minutes) min, \(threads) BLAS thread(s) each, database \(store.path)")
            let processes = try (1...n).map { k in try startWorker(name: name, number: k, threads: threads) }
            while processes.contains(where: \.isRunning) {
                if Interrupt.requested { for p in processes where p.isRunning { kill(p.processIdentifier, SIGINT) } }
                Thread.sleep(forTimeInterval: 0.5)
            }
            for (k, p) in processes.enumerated() where p.terminationStatus != 0 {
                throw CLIError.invalidValue(option: "--workers", value: "\(n)",
                                            expected: "workers that finish: worker \(k + 1) exited with \(p.terminationStatus); see \(logPath(name, k + 1))")
            }
            if Interrupt.requested { throw SearchError.interrupted }
            let phase = try measure(store.batches(run: try store.run(named: name).id), workers: n, threads: threads)
            terminal.log(Self.line(phase, baseline: phases.first))
            phases.append(phase)
        }
        return phases
    }

    /// One worker process, its output in `--out`.
    func startWorker(name: String, number: Int, threads: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = ["atlas", "--worker", "--run", name, "--minutes", String(minutes), "--seed", String(seed),
                             "--db", database] + forwarded
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = String(threads)
        process.environment = environment
        _ = FileManager.default.createFile(atPath: logPath(name, number), contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath(name, number)))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func logPath(_ name: String, _ number: Int) -> String {
        (out as NSString).appendingPathComponent("\(name)-worker\(number).log")
    }

    /// Rates over the phase: each worker's evaluations over its own span of commits, summed;
    /// cells improved and commits over the span from the first to the last commit.
    func measure(_ batches: [BatchRow], workers: Int, threads: Int) -> Phase {
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

    static func line(_ p: Phase, baseline: Phase?) -> String {
        String(format: "bench atlas workers=%d blas_threads=%d seconds=%.0f batches=%d evals_per_s=%.2f ratio=%.2f cells_improved_per_min=%.1f commits_per_s=%.3f improved_per_batch=%.2f",
               p.workers, p.blasThreads, p.seconds, p.batches, p.evaluationsPerSecond,
               p.evaluationsPerSecond / (baseline ?? p).evaluationsPerSecond, p.improvedPerMinute, p.commitsPerSecond,
               p.meanImproved)
    }

    /// What the database sustains for the workers' transaction (pull the new elites, then one
    /// batch row and `upserts` elite upserts), from `connections` connections at once for
    /// `seconds`, on a scratch atlas of 1000 cells that is deleted again.
    func commitCapacity(connections: Int, upserts: Int, seconds: Double) throws -> Double {
        let name = "bench-commits-\(getpid())"
        let setup = try RunStore.open(location: database)
        if (try? setup.run(named: name)) != nil { try setup.deleteRun(named: name) }
        let run = try setup.createRun(NewRun(name: name, target: "commit benchmark", config: "{}", model: "none",
                                             seed: seed, kind: .atlas))
        defer { try? setup.deleteRun(named: name) }
        let stores = try (0..<connections).map { _ in try RunStore.open(location: database) }
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

    /// The arguments of `pareidolia bench atlas …` that are `atlas` options too (all but the
    /// bench's own), to give every worker the same atlas.
    static func forwardedArguments(_ arguments: [String]) -> [String] {
        let own: Set<String> = ["--workers", "--every", "--out", "--minutes", "--db", "--seed"]
        guard let start = arguments.firstIndex(of: "atlas") else { return [] }
        var rest = Array(arguments[(start + 1)...]), kept: [String] = []
        while let first = rest.first {
            rest.removeFirst()
            let option = String(first.split(separator: "=", maxSplits: 1).first ?? "")
            if own.contains(option) {
                if !first.contains("="), !rest.isEmpty { rest.removeFirst() }
                continue
            }
            kept.append(first)
        }
        if !kept.contains(where: { $0 == "--classes" || $0.hasPrefix("--classes=") }) { kept += ["--classes", "all"] }
        return kept
    }
}
