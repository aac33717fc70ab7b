import ArgumentParser
import Foundation
import Net
import Scoring
import Search
import Store
import StorePostgres

/// `pareidolia bench atlas`: how many cells an atlas fills at each quality level in a fixed
/// wall time, judged on framings it never scored and by a network it never used.
struct BenchAtlas: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas",
        abstract: "Atlas quality: cells at robust ≥ 0.5 / 0.9 / 0.99 after --minutes, held-out agreement, evaluations/s.",
        discussion: """
            Runs a fresh atlas (database --output/atlas-seedN.sqlite, replaced if present: export it with pareidolia gallery --db …), prints its training coverage every --every minutes (the trend), then judges every elite the robust way: the atlas's networks and a held-out one on 16 random framings of the 448² anti-aliased render that the atlas never scored. Writes each cell's verdict to --output/verdicts-seedN.tsv.
            Examples:
              swift run -c release pareidolia bench atlas --classes all --minutes 30
              swift run -c release pareidolia bench atlas --classes @dogs.txt --minutes 10 --seed 2
            With --workers N it measures scaling instead: the same atlas run by 1, 2, … N worker processes (`atlas --worker`, each with cores/n BLAS threads) for --minutes each against one database (--db: a PostgreSQL URL, or an SQLite file), reporting evaluations/s (and the ratio to one worker), cells improved per minute and batch commits per second; then what the database sustains for the workers' transaction (pull new elites, commit a batch of upserts) from 1 and 4 connections, and the worker count at which the database would saturate.
              d=$(mktemp -d); url=$(scripts/pg-scratch start "$d" --durable)
              swift run -c release pareidolia bench atlas --workers 2 --minutes 5 --db "$url"
            """)

    @Option(help: "The cells: all, @FILE or class names (repeatable; see pareidolia atlas --help).") var classes: [String] = ["all"]
    @Option(parsing: .unconditional, help: "Wall time of the atlas, minutes.") var minutes: Double = 30
    @Option(parsing: .unconditional, help: "Minutes between trend lines.") var every: Double = 5
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(name: [.customShort("o"), .customLong("output")], help: "Directory for the atlas database and the verdicts (with --workers: the workers' logs).") var out = "bench-atlas"
    @Option(parsing: .unconditional, help: "Measure scaling: run the atlas with 1…N worker processes against --db.") var workers: Int?
    @Option(help: "With --workers: the database the workers share (a postgresql:// URL or an SQLite file; default --output/workers.sqlite).")
    var db: String?
    @OptionGroup var plan: AtlasPlanOptions
    @Flag(help: "Print the plan of the atlas it would run (JSON) and exit.") var dryRun = false

    func validate() throws {
        guard minutes > 0, minutes.isFinite else { throw ValidationError("--minutes must be a positive number, got \(minutes)") }
        guard every > 0, every.isFinite else { throw ValidationError("--every must be a positive number, got \(every)") }
        if let workers, !(1...64).contains(workers) { throw ValidationError("--workers must be 1…64, got \(workers)") }
        if db != nil, workers == nil { throw ValidationError("--db is for --workers (the single-process bench writes --output/atlas-seedN.sqlite)") }
    }

    func run() throws {
        let names = try ImageNetClasses.bundled()
        let cells = try AtlasClasses.parse(classes, names: names)
        let settings = try plan.settings(cells: cells, stop: StopCondition(minutes: minutes))
        if dryRun { return print(try settings.json()) }
        if let workers { return try runWorkers(workers) }
        let models = plan.threads.cache()
        do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
            throw SearchError.cannotCreateDirectory(path: out, reason: error.localizedDescription, option: "--output")
        }
        let path = (out as NSString).appendingPathComponent("atlas-seed\(seed).sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try RunStore(path: path)
        var terminal = Terminal()
        terminal.log("bench atlas: \(cells.count) cells, \(minutes) minutes, seed \(seed), \(settings.modelName) (database \(path))")
        var run = try AtlasRun.start(store: store, name: "bench-atlas-\(seed)", settings: settings, seed: seed, models: models,
                                     shouldStop: { Interrupt.requested })
        var improvements = 0, startEvaluations = run.state.counters.evaluations
        var nextTrend = every * 60
        let clock = ContinuousClock(), start = clock.now
        let ending = try run.run(shouldStop: { Interrupt.requested }) { p in
            improvements += p.improvedCells
            terminal.progress(AtlasReporting.line(p, cells: cells.count, names: names))
            let elapsed = (clock.now - start).seconds
            if elapsed >= nextTrend {
                nextTrend += every * 60
                terminal.log(String(format: "trend minute=%.0f batches=%d evaluations=%d filled=%d training50=%d training90=%d training99=%d",
                                    elapsed / 60, p.batch + 1, p.evaluations, p.coverage.filled, p.coverage.atHalf,
                                    p.coverage.atNinety, p.coverage.atNinetyNine))
            }
        }
        try run.finish(ending)
        terminal.endLiveLine()
        let seconds = (clock.now - start).seconds
        let evaluations = run.state.counters.evaluations - startEvaluations
        let training = AtlasRun.Coverage(run.state.archive)
        let elites = try store.elites(run: run.run.id)
        let judge = try AtlasJudge(settings: settings, models: models)
        let judgeStart = clock.now
        let verdicts = try judge.judge(elites) { done, total in
            terminal.progress("judging elites: genome \(done)/\(total)")
        }
        terminal.endLiveLine()
        let judgeSeconds = (clock.now - judgeStart).seconds
        try writeVerdicts(verdicts, names: names, heldOut: settings.heldOutModel,
                          to: (out as NSString).appendingPathComponent("verdicts-seed\(seed).tsv"))
        let c = AtlasCoverage(cells: cells.count, verdicts: verdicts)
        print(String(format: "bench atlas cells=%d seed=%llu models=%@ framings=%d minutes=%.1f batches=%d evaluations=%d evals_per_s=%.1f classifier_busy=%.2f improvements_per_eval=%.3f filled=%d training50=%d training90=%d training99=%d robust50=%d robust90=%d robust99=%d %@50=%d %@_agree=%d distinct_elites=%d judge_seconds=%.0f database=%@",
                     cells.count, seed, settings.modelName as NSString, settings.framings.count, seconds / 60,
                     run.state.counters.batch, evaluations, Double(evaluations) / max(seconds, 1e-9),
                     run.evaluator.scorer.classifierSeconds / max(seconds, 1e-9),
                     Double(improvements) / Double(max(evaluations, 1)), c.filled, training.atHalf, training.atNinety,
                     training.atNinetyNine, c.robustAtHalf, c.robustAtNinety, c.robustAtNinetyNine,
                     settings.heldOutModel as NSString, c.heldOutAtHalf, settings.heldOutModel as NSString, c.heldOutAgree,
                     Set(elites.map(\.genome)).count, judgeSeconds, path as NSString))
    }

    /// `--workers N`: the scaling curve, the database's capacity and the saturation estimate.
    func runWorkers(_ n: Int) throws {
        do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
            throw SearchError.cannotCreateDirectory(path: out, reason: error.localizedDescription, option: "--output")
        }
        let database = db ?? (out as NSString).appendingPathComponent("workers.sqlite")
        let bench = WorkerBench(workers: n, minutes: minutes, seed: seed, database: database, out: out,
                                forwarded: WorkerBench.forwardedArguments(CommandLine.arguments))
        var terminal = Terminal()
        let phases = try bench.run(terminal: &terminal)
        let upserts = max(1, Int((phases.map(\.meanImproved).max() ?? 1).rounded(.up)))
        var capacity: [(Int, Double)] = []
        for connections in [1, 4] {
            terminal.log("bench atlas: database capacity, \(connections) connection(s), batches of \(upserts) upsert(s), 10 s")
            let rate = try AtlasWorkersBenchmark.commitCapacity(open: { try RunStore.open(location: database) },
                                                                connections: connections, upserts: upserts, seconds: 10,
                                                                seed: seed)
            capacity.append((connections, rate))
            print(String(format: "bench atlas database_capacity connections=%d upserts_per_batch=%d commits_per_s=%.0f",
                         connections, upserts, rate))
        }
        for phase in phases { print(WorkerBench.line(phase, baseline: phases.first)) }
        let perWorker = phases[0].commitsPerSecond
        let best = capacity.map(\.1).max() ?? 0
        print(String(format: "bench atlas estimate: one worker commits %.3f batches/s here; the database sustains %.0f/s, so about %.0f such workers before it saturates",
                     perWorker, best, best / max(perWorker, 1e-9)))
    }

    /// One line per cell: class, robust, held-out, held-out top-1 share, nearest class.
    func writeVerdicts(_ verdicts: [CellVerdict], names: ImageNetClasses, heldOut: String, to path: String) throws {
        func name(_ c: Int) -> String { (try? names.shortName(of: c)) ?? String(c) }
        var text = "cell\tclass\trobust\t\(heldOut)\t\(heldOut)_top1\ttop_class\tnearest\tnearest_p\n"
        for v in verdicts {
            text += String(format: "%d\t%@\t%.4f\t%.4f\t%.3f\t%@\t%@\t%.4f\n", v.cell, name(v.cell) as NSString, v.robust,
                           v.heldOut, v.heldOutTopOne, name(v.topClass) as NSString, name(v.nearest) as NSString,
                           v.nearestProbability)
        }
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw SearchError.cannotCreateDirectory(path: path, reason: error.localizedDescription, option: "--output")
        }
    }
}
