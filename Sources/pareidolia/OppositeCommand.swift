import ArgumentParser
import Foundation
import Net
import Scoring
import Search

struct Opposite: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find what a class's opposite looks like: minimise its logit, then ask what the image became.",
        discussion: """
            For each class, a run (saved like any other, named opposite-CLASS-N) evolves toward -logit(CLASS) for --minutes; its best image is then judged on 16 random framings, and the class the training network sees in it (its mean top-1) is what the class "became". A table of all classes ends the output and is appended to opposites.tsv beside the database.
            The confidence shown during the run is 1 − p(CLASS), which is near 1 from the start: the run stops on time, not on confidence.
            Examples:
              pareidolia opposite "border collie" --minutes 3
              pareidolia opposite goldfish "tabby cat" "rock crab" --minutes 2 --model lite0 --model lite1
            """)

    @Argument(help: "Classes: names, synonyms or indices.") var classes: [String]
    @Option(parsing: .unconditional, help: "Minutes per class.") var minutes: Double = 3
    @Option(parsing: .unconditional, help: "Random seed of every run.") var seed: UInt64 = 1
    @OptionGroup var breed: BreedOptions
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print the plan of each run it would make (JSON, one per line) and exit; nothing is created.") var dryRun = false

    func validate() throws {
        guard !classes.isEmpty else { throw ValidationError("give at least one class, e.g. pareidolia opposite \"border collie\"") }
        guard minutes > 0, minutes.isFinite else { throw ValidationError("--minutes must be a positive number, got \(minutes)") }
    }

    func run() throws {
        let names = try ImageNetClasses.bundled(), cache = breed.plan.threads.cache()
        let indices = try classes.map(names.index(ofArgument:))
        if dryRun {
            for index in indices { print(try settings(index, names: names, cache: cache).settings.json()) }
            return
        }
        let store = try database.open()
        var terminal = Terminal()
        var rows: [[String]] = []
        for index in indices where !Interrupt.requested {
            let short = try names.shortName(of: index)
            let (settings, target) = try settings(index, names: names, cache: cache)
            let name = try Evolve.defaultRunName(target: "opposite \(short)", store: store)
            terminal.log("run \(name): minimising the logit of \(short) with \(settings.modelName) for \(minutes) min")
            var run = try SearchRun.start(store: store, name: name, target: target.name, settings: settings, seed: seed,
                                          seeds: [], recordDirectory: database.recordDirectory(run: name), models: cache,
                                          shouldStop: { Interrupt.requested })
            terminal.logSetAside(run.setAsideDirectory, records: database.recordDirectory(run: name))
            try RunReporting.drive(&run, terminal: &terminal)
            guard let verdict = run.judgement?.robust.first else { continue }
            let became = (try? names.shortName(of: verdict.topClass)) ?? "class \(verdict.topClass)"
            let p = verdict.topProbability.map { String(format: "%.1f%%", $0 * 100) } ?? "?"
            let own = String(format: "%.3f%%", (1 - (run.judgement?.confidence ?? 1)) * 100)
            terminal.log("\(short) became \(became) (\(p) on \(verdict.model), mean over \(run.judgement?.framings ?? 0) framings); p(\(short)) \(own)")
            rows.append([short, became, p, own, name])
        }
        guard !rows.isEmpty else { return }
        let header = ["class", "became", "p(became)", "p(class)", "run"]
        printTable(header: header, rows: rows)
        let path = ((database.db as NSString).deletingLastPathComponent as NSString).appendingPathComponent("opposites.tsv")
        let exists = FileManager.default.fileExists(atPath: path)
        let lines = (exists ? [] : [header]) + rows
        let text = lines.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
        if exists, let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } else {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        print("appended to \(path)")
    }

    /// The settings of class `index`'s run (its logit minimised) and its target.
    func settings(_ index: Int, names: ImageNetClasses, cache: ModelCache) throws -> (settings: RunSettings, target: Target) {
        let short = try names.shortName(of: index)
        let text = try ObjectiveText(parsing: "-logit(\(ObjectiveText.argument(short)))")
        let networks = try Target.networks(given: try breed.givenModels(), objective: text)
        let target = try ObjectiveOption.target(text, classes: [], networks: networks, cache: cache, names: names)
        return (try breed.settings(target.objective, networks: networks, stop: StopCondition(minutes: minutes)), target)
    }
}
