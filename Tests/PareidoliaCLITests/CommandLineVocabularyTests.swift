import Foundation
import XCTest

/// The command line's vocabulary, walked from `pareidolia --experimental-dump-help` (every
/// subcommand, every option):
/// - each long option name has one meaning, listed in `meanings`, and no two names share a
///   meaning (one spelling per setting); a new option fails here until it is listed;
/// - no command declares a name twice;
/// - every option of a command that makes runs changes the plan the run would store
///   (`--dry-run`) in a field that its kind of run reads, or is one of the few that act
///   outside the plan (`outsidePlan`, each with where it acts): so no command offers an option
///   that it ignores.
final class CommandLineVocabularyTests: XCTestCase {
    /// Every long option name, by meaning.
    static let meanings: [String: String] = [
        "aa": "anti-aliasing samples per pixel side",
        "all-records": "gallery: export every record",
        "batch": "benchmark batch size",
        "best": "gallery: export only each run's best",
        "class": "target class",
        "classes": "an atlas's cells",
        "count": "how many random genomes",
        "crossover-rate": "share of children made by crossover",
        "jitter-constants": "constants a constant jitter moves",
        "db": "run database",
        "delete": "delete a run",
        "dry-run": "print the plan and exit",
        "every": "minutes between benchmark trend lines",
        "family": "genome family of random genomes",
        "first-seed": "benchmark's first seed",
        "frames": "frames of a morph or a dream zoom",
        "front": "show the Pareto front of the last generation",
        "framing-diversity": "input diversity of framings",
        "framing-renewal": "when framings are drawn anew",
        "framings": "random framings per image",
        "gate": "naturalness gate",
        "generations": "stop after generations (atlas batches)",
        "generations-per-frame": "morph generations per frame",
        "height": "output height",
        "help": "help",
        "initial-max-depth": "largest depth of ramped half-and-half trees",
        "initial-min-depth": "smallest depth of ramped half-and-half trees",
        "island": "island number of an archipelago",
        "json": "print as JSON",
        "judge": "atlas elites to judge in the gallery",
        "layers": "shapes per layered genome",
        "ground-waves": "plane waves added to a layered genome's ground",
        "layer-waves": "plane waves added to each shape's colour in a layered genome",
        "library": "genome library directory",
        "limit": "most matches to list",
        "max-depth": "depth limit of genomes",
        "max-nodes": "node limit of genomes",
        "migrate-every": "generations between migrations",
        "minutes": "stop after minutes",
        "mode": "what polish or a dream moves: constants or pixels",
        "model": "classifier network",
        "objective": "objective text",
        "opposite": "class the image must not look like",
        "output": "output file or directory",
        "parsimony": "selection penalty per node",
        "polish-colour": "colour basis of the constant polish",
        "polish-every": "generations between polishes",
        "polish-falloff": "spectral falloff of the constant polish",
        "polish-framings": "framings a polish step ascends",
        "polish-basins": "diverse elites the polish takes turns on",
        "polish-lr": "polish learning rate",
        "polish-steps": "polish gradient steps",
        "pictures": "pictures per benchmarked evaluation",
        "picture": "a PNG a formula samples with photo",
        "population": "population size",
        "recent-batches": "atlas batches that count as recent",
        "recent-share": "share of atlas parents from recent cells",
        "restart-after": "stagnant generations before a restart",
        "robust": "classify: measure as records are (robust and held-out over the judge's framings)",
        "run": "run name",
        "runs": "timed benchmark repetitions",
        "search": "search mode",
        "seed": "random seed",
        "select": "survivor selection: fitness or pareto",
        "seed-from": "initial population source",
        "start-from": "a PNG the first population warps and recolours",
        "seeds": "benchmark seeds per target",
        "size": "square output size",
        "term-crossover": "share of crossovers swapping whole terms",
        "term-mutation": "share of mutations replacing one term",
        "threads": "worker threads",
        "top": "classes to list",
        "tournament": "tournament size",
        "tv": "total-variation weight",
        "until": "stop at a confidence",
        "views": "fixed views scored instead of framings",
        "wave-falloff": "wave amplitude falloff",
        "wave-frequency": "wave frequency spread",
        "wave-share": "share of random genomes that are wave sums",
        "wave-warp": "wave phase warp",
        "waves": "terms per random wave genome",
        "width": "output width",
        "worker": "join an atlas as a worker",
        "workers": "benchmark worker processes",
        "zoom": "magnification between dream frames",
    ]

    /// Options of run-making commands that act outside the stored plan, and where.
    static let outsidePlan: [String: String] = [
        "--run": "the run's name (its row)",
        "--seed": "the run's seed, stored beside the plan",
        "--db": "where the run is stored",
        "--dry-run": "prints the plan instead of running it",
        "--help": "prints help",
        "--worker": "joins an atlas instead of owning it (WorkerCLITests)",
        "--output": "where a benchmark writes its images and tables",
        "--seeds": "how many runs a benchmark makes (one plan each)",
        "--first-seed": "the seeds a benchmark's runs take",
        "--every": "when a benchmark prints its trend",
        "--workers": "how many atlas processes a benchmark starts",
    ]

    /// Plan fields a kind of run never reads: an atlas draws parents by cell, never by
    /// tournament, and has no restarts (`AtlasBreeder`).
    static let unreadByAtlas: Set<String> = ["evolution.tournamentSize", "evolution.parsimony", "evolution.restartAfter",
                                             "evolution.restartKeep"]

    /// The commands that make runs, with arguments that make a valid plan.
    static let planCommands: [(path: [String], base: [String], atlas: Bool)] = [
        (["evolve"], ["--class", "goldfish"], false),
        (["morph"], ["goldfish", "tench"], false),
        (["opposite"], ["goldfish"], false),
        (["bench", "evolve"], ["--class", "goldfish"], false),
        (["atlas"], ["--classes", "goldfish"], true),
        (["bench", "atlas"], ["--classes", "goldfish"], true),
    ]

    /// A value for each plan option that differs from its default, with the arguments it needs
    /// beside it (given to both sides of the comparison) and the base options it replaces.
    static let samples: [String: (value: [String], context: [String], replaces: [String])] = [
        "--class": (["tench"], [], ["--class"]),
        "--classes": (["tench"], [], ["--classes"]),
        "--opposite": (["tench"], [], []),
        "--objective": (["class(tench) + 0.5 * not(goldfish)"], [], ["--class"]),
        "--population": (["8"], [], []),
        "--crossover-rate": (["0.6"], [], []),
        "--jitter-constants": (["4"], [], []),
        "--max-nodes": (["800"], [], []),
        "--max-depth": (["14"], [], []),
        "--family": (["cppn"], [], []),
        "--layers": (["3"], ["--family", "layered"], []),
        "--ground-waves": (["4"], ["--family", "layered"], []),
        "--layer-waves": (["1"], ["--family", "layered"], []),
        "--waves": (["12"], ["--family", "waves"], []),
        "--wave-share": (["0.5"], ["--family", "waves"], []),
        "--wave-frequency": (["5"], [], []),
        "--wave-falloff": (["6"], ["--family", "waves"], []),
        "--wave-warp": (["1"], ["--family", "waves"], []),
        "--term-crossover": (["0.1"], ["--family", "waves"], []),
        "--term-mutation": (["0.4"], ["--family", "waves"], []),
        "--tournament": (["5"], [], []),
        "--parsimony": (["0.01"], [], []),
        "--restart-after": (["9"], [], []),
        "--select": (["pareto"], [], []),
        "--search": (["gp"], [], []),
        "--seed-from": (["library"], [], []),
        "--start-from": (["cloud.png"], [], []),
        "--tv": (["0.7"], [], []),
        "--gate": (["0.2"], [], []),
        "--model": (["lite1"], [], []),
        "--framings": (["3"], [], []),
        "--framing-renewal": (["generation"], [], []),
        "--framing-diversity": (["mild"], [], []),
        "--views": (["4"], ["--framings", "0"], []),
        "--polish-every": (["5"], [], []),
        "--polish-steps": (["7"], [], []),
        "--polish-lr": (["0.01"], [], []),
        "--polish-colour": (["decorrelated"], [], []),
        "--polish-falloff": (["3"], [], []),
        "--polish-framings": (["run"], [], []),
        "--polish-basins": (["3"], [], []),
        "--generations": (["5"], [], []),
        "--minutes": (["4"], [], []),
        "--until": (["0.5"], [], []),
        "--island": (["2"], ["--run", "arch"], []),
        "--migrate-every": (["7"], ["--run", "arch", "--island", "1"], []),
        "--frames": (["4"], [], []),
        "--generations-per-frame": (["3"], [], []),
        "--recent-batches": (["5"], [], []),
        "--recent-share": (["0.2"], [], []),
        "--threads": (["7"], [], []),
    ]

    struct Option { let longNames: [String]; let isPositional: Bool; let valueCount: Int }

    /// Plans already printed, by arguments (most options share their command's base plan).
    private var plans: [[String]: [String: String]] = [:]

    /// Every command path and its options, from the dump.
    func commands(_ h: CLIHarness) throws -> [(path: [String], options: [Option])] {
        let dump = try h.run(["--experimental-dump-help"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var out: [(path: [String], options: [Option])] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            let arguments = command["arguments"] as? [[String: Any]] ?? []
            let options = arguments.map { a -> Option in
                let names = (a["names"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "long" }
                    .compactMap { $0["name"] as? String }
                return Option(longNames: names, isPositional: a["kind"] as? String == "positional",
                              valueCount: a["kind"] as? String == "option" ? 1 : 0)
            }
            out.append((path, options))
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                walk(sub, path + [sub["commandName"] as? String ?? "?"])
            }
        }
        walk(try XCTUnwrap(json["command"] as? [String: Any]), [])
        return out
    }

    func testEveryNameHasOneMeaningAndEveryMeaningOneName() throws {
        let h = try CLIHarness()
        let all = try commands(h)
        XCTAssertGreaterThan(all.count, 15, "the dump lists every subcommand")
        var used = Set<String>()
        for (path, options) in all {
            let names = options.flatMap(\.longNames)
            XCTAssertEqual(names.count, Set(names).count,
                           "pareidolia \(path.joined(separator: " ")) declares an option twice: \(names.sorted())")
            for name in names {
                used.insert(name)
                XCTAssertNotNil(Self.meanings[name],
                                "--\(name) (pareidolia \(path.joined(separator: " "))) is not in the vocabulary: add its meaning, or use the existing spelling of that setting")
            }
        }
        XCTAssertEqual(Set(Self.meanings.keys).subtracting(used), [], "vocabulary entries no command has")
        var nameOfMeaning: [String: String] = [:]
        for (name, meaning) in Self.meanings {
            if let other = nameOfMeaning[meaning] { XCTFail("--\(name) and --\(other) both mean \(meaning)") }
            nameOfMeaning[meaning] = name
        }
    }

    /// The plan `arguments` print with `--dry-run`, as leaf paths to values (one plan per line
    /// for the commands that make several; their leaves are prefixed by the line number).
    func plan(_ h: CLIHarness, _ arguments: [String]) throws -> [String: String] {
        if let known = plans[arguments] { return known }
        try printPlans(h, [arguments])
        return plans[arguments] ?? [:]
    }

    /// Prints the plans of `argumentLists` not printed yet, `Self.together` processes at a time
    /// (each process spends most of its short life starting up), into `plans`.
    func printPlans(_ h: CLIHarness, _ argumentLists: [[String]]) throws {
        var pending: [[String]] = []
        for arguments in argumentLists where plans[arguments] == nil && !pending.contains(arguments) {
            pending.append(arguments)
        }
        while !pending.isEmpty {
            let batch = Array(pending.prefix(Self.together))
            pending.removeFirst(batch.count)
            let started = try batch.map { try h.start($0 + ["--dry-run"]) }
            for (arguments, (process, out, err)) in zip(batch, started) {
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else {
                    XCTFail("pareidolia \(arguments.joined(separator: " ")) --dry-run failed: \(String(decoding: stderr, as: UTF8.self))")
                    plans[arguments] = [:]
                    continue
                }
                var leaves: [String: String] = [:]
                func flatten(_ value: Any, _ path: String) {
                    if let object = value as? [String: Any] {
                        for (k, v) in object { flatten(v, path.isEmpty ? k : path + "." + k) }
                    } else {
                        leaves[path] = "\(value)"
                    }
                }
                let lines = String(decoding: stdout, as: UTF8.self).split(separator: "\n")
                for (n, line) in lines.enumerated() {
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
                    flatten(object, lines.count > 1 ? "\(n)" : "")
                }
                plans[arguments] = leaves
            }
        }
    }

    /// Dry runs at once.
    static let together = 4

    func testEveryOptionOfARunMakingCommandChangesWhatItsRunReads() throws {
        let h = try CLIHarness()
        let all = try commands(h)
        /// Each option's label, name, sample value, plan arguments without and with it, and
        /// whether its command makes an atlas.
        var cases: [(label: String, name: String, value: [String], before: [String], after: [String], atlas: Bool)] = []
        for command in Self.planCommands {
            let options = try XCTUnwrap(all.first { $0.path == command.path }?.options, "\(command.path)")
            let label = "pareidolia " + command.path.joined(separator: " ")
            for option in options where !option.isPositional {
                let name = "--" + (option.longNames.first ?? "?")
                if Self.outsidePlan[name] != nil { continue }
                guard let sample = Self.samples[name] else {
                    XCTFail("\(label) \(name): neither a plan option with a sample here nor listed as acting outside the plan")
                    continue
                }
                var replaced = command.base
                for option in sample.replaces {
                    if let i = replaced.firstIndex(of: option) { replaced.removeSubrange(i...(i + 1)) }
                }
                cases.append((label, name, sample.value, command.path + command.base + sample.context,
                              command.path + replaced + sample.context + [name] + sample.value, command.atlas))
            }
        }
        try printPlans(h, cases.flatMap { [$0.before, $0.after] })
        for c in cases {
            let before = try plan(h, c.before), after = try plan(h, c.after)
            var changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
            if c.atlas { changed = changed.filter { !Self.unreadByAtlas.contains($0) } }
            XCTAssertFalse(changed.isEmpty, "\(c.label) \(c.name) \(c.value.joined(separator: " ")) changes nothing its run reads")
        }
    }

    /// The README's table of commands and options lists every command and exactly its options
    /// (the plan groups expanded from their two lines above the table).
    func testTheReadmeTableListsEveryCommandAndOption() throws {
        let h = try CLIHarness()
        let readme = try String(contentsOf: h.repository.appendingPathComponent("README.md"), encoding: .utf8)
        func options(_ text: Substring) -> [String] {
            text.split(separator: "`" as Character, omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }.filter { $0.hasPrefix("--") }
        }
        var groups: [String: [String]] = [:]
        var table: [String: [String]] = [:]
        for line in readme.split(separator: "\n") {
            for group in ["population plan", "atlas plan"] where line.hasPrefix("- *\(group)*: ") {
                groups[group] = options(line)
            }
            guard line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") else { continue }
            let command = String(line[line.index(line.startIndex, offsetBy: 3)..<end])
            var listed = options(line[line.index(after: end)...])
            for (group, members) in groups where line.contains("*\(group)*") { listed += members }
            table[command] = listed
        }
        XCTAssertEqual(groups.count, 2, "the README defines both plan groups")
        for (path, found) in try commands(h) where !path.isEmpty && path != ["help"] && path != ["bench"] {
            let command = path.joined(separator: " ")
            let declared = found.filter { !$0.isPositional }.compactMap(\.longNames.first).filter { $0 != "help" }.map { "--" + $0 }
            guard let listed = table[command] else {
                XCTFail("README's table has no row for \(command)")
                continue
            }
            XCTAssertEqual(Set(listed), Set(declared), "README's row for \(command)")
        }
    }
}
