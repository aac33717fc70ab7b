import ArgumentParser
import Foundation
import Search
import Store

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List saved runs: name, target, generations, best confidence, naturalness, status.",
        discussion: "Example:\n  pareidolia runs --db genomes/pareidolia.sqlite")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let runs = try database.open().runs()
        guard !runs.isEmpty else {
            print("no runs in \(database.db) yet; start one with: pareidolia evolve --class \"rock crab\"")
            return
        }
        let rows = runs.map { r -> [String] in
            [r.name, r.target, String(r.generations),
             r.best.map { String(format: "%.2f%%", $0.confidence * 100) } ?? "-",
             r.best.map { String(format: "%.4f", $0.naturalness) } ?? "-",
             r.status.rawValue, formatDuration(r.elapsedSeconds)]
        }
        printTable(header: ["run", "target", "generations", "best", "naturalness", "status", "time"], rows: rows)
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a run: settings, best genome and its records.",
        discussion: "Example:\n  pareidolia show rock-crab-1")

    @Argument(help: "The run's name (see pareidolia runs).") var name: String
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        let run = try store.run(named: name)
        let settings = try RunSettings.decode(run.config, run: run.name)
        let records = try store.records(run: run.id)
        print("run         \(run.name) (\(run.status.rawValue))")
        print("target      \(run.target)")
        print("model       \(run.model), seed \(run.seed), seeded from \(settings.seededFrom)")
        print("population  \(settings.evolution.populationSize), generations \(run.generations) (0…\(max(0, run.generations - 1)), 0 is the initial population)")
        let gate = settings.fitness.gate.map { String(format: ", gate %.3g (denoise distance)", $0) } ?? ""
        print(String(format: "fitness     objective − %.3g·TV", settings.fitness.tvWeight) + gate)
        if let p = settings.polish {
            print("polish      constants every \(p.every) generations, \(p.steps) steps at rate \(p.learningRate)")
        }
        if let stop = settings.stop { print("asked       \(describe(stop))") }
        if let best = records.max(by: { $0.fitness < $1.fitness }) {
            print(String(format: "best        %.2f%% confidence, naturalness %.4f, generation %d",
                         best.confidence * 100, best.naturalness, best.generation))
            print("genome      \(best.genome)")
            if let path = best.imagePath { print("image       \(path)") }
        }
        print("\nrecords:")
        printTable(header: ["generation", "confidence", "naturalness", "fitness", "evaluations", "time", "image"],
                   rows: records.map {
            [String($0.generation), String(format: "%.2f%%", $0.confidence * 100), String(format: "%.4f", $0.naturalness),
             String(format: "%.3f", $0.fitness), String($0.evaluations), formatDuration($0.elapsedSeconds),
             ($0.polished ? "polished " : "") + ($0.imagePath ?? "")]
        })
    }
}

/// "until generation 20, 99% confidence or 10 minutes in all".
func describe(_ stop: StopCondition) -> String {
    var parts: [String] = []
    if let g = stop.generation { parts.append("generation \(g)") }
    if let c = stop.confidence { parts.append(String(format: "%g%% confidence", c * 100)) }
    if let m = stop.minutes { parts.append(String(format: "%g minutes in all", m)) }
    return parts.isEmpty ? "no limit" : "until " + parts.joined(separator: ", ")
}

/// Prints rows as left-aligned columns.
func printTable(header: [String], rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    for row in all {
        print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}
