import Foundation
import Search
import Store
import StorePostgres

/// `pareidolia bench atlas --workers N`: starts 1, 2, … N worker processes on the same atlas
/// against one database and prints what `AtlasWorkersBenchmark` measures of each phase.
struct WorkerBench {
    let workers: Int
    let minutes: Double
    let seed: UInt64
    let database: String
    let out: String
    /// `atlas` options given to the bench, passed on to every worker.
    let forwarded: [String]

    func run(terminal: inout Terminal) throws -> [AtlasWorkersBenchmark.Phase] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var phases: [AtlasWorkersBenchmark.Phase] = []
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
            let phase = try AtlasWorkersBenchmark.measure(store.batches(run: try store.run(named: name).id), workers: n, threads: threads)
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
                             "--db", database, "--threads", String(threads)] + forwarded
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

    static func line(_ p: AtlasWorkersBenchmark.Phase, baseline: AtlasWorkersBenchmark.Phase?) -> String {
        String(format: "bench atlas workers=%d blas_threads=%d seconds=%.0f batches=%d evals_per_s=%.2f ratio=%.2f cells_improved_per_min=%.1f commits_per_s=%.3f improved_per_batch=%.2f",
               p.workers, p.blasThreads, p.seconds, p.batches, p.evaluationsPerSecond,
               p.evaluationsPerSecond / (baseline ?? p).evaluationsPerSecond, p.improvedPerMinute, p.commitsPerSecond,
               p.meanImproved)
    }

    /// The arguments of `pareidolia bench atlas …` that are `atlas` options too (all but the
    /// bench's own), to give every worker the same atlas.
    static func forwardedArguments(_ arguments: [String]) -> [String] {
        let own: Set<String> = ["--workers", "--every", "-o", "--output", "--minutes", "--db", "--seed", "--threads"]
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
