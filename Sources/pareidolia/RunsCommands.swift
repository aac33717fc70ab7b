import ArgumentParser
import Evolution
import Foundation
import Genome
import Net
import Scoring
import Search
import Store

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List saved runs: name, target, generations, best confidence, naturalness, status.",
        discussion: "Examples:\n  pareidolia runs --db genomes/pareidolia.sqlite\n  pareidolia runs --delete rock-crab-3")

    @Option(help: "Delete this run (its generations, records and the record PNGs it wrote in runs/RUN/) instead of listing. Refused while another process is writing it.")
    var delete: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        if let delete {
            let store = try database.open()
            let run = try store.run(named: delete)
            let images = run.kind == .evolve ? try store.records(run: run.id).compactMap(\.imagePath) : []
            try store.deleteRun(named: delete)
            let folder = database.recordDirectory(run: run.name)
            let removed = RecordFolder.removeRecordImages(images, in: folder)
            print("deleted run \(run.name) from \(database.db)" + (removed > 0 ? " and its \(removed) record PNG(s) from \(folder)/" : ""))
            return
        }
        let runs = try database.openForReading().runs()
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
        printTable(header: ["run", "target", "generations", "best (robust)", "naturalness", "status", "time"], rows: rows)
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a run: settings, best genome and its records.",
        discussion: "Example:\n  pareidolia show rock-crab-1")

    @Argument(help: "The run's name (see pareidolia runs).") var name: String
    @Flag(help: "Print the last generation's Pareto front instead (confidence, naturalness, size: the pictures no other picture of the population beats on all three), with each one's formula.")
    var front = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.openForReading()
        let run = try store.run(named: name)
        if run.kind == .atlas { return try showAtlas(run, store: store) }
        if front { return try showFront(run, store: store) }
        let settings = try RunSettings.decode(run.config, run: run.name)
        let records = try store.records(run: run.id)
        print("run         \(run.name) (\(run.status.rawValue))")
        print("target      \(run.target)")
        print("model       \(run.model), seed \(run.seed), seeded from \(settings.seededFrom)")
        print("scoring     " + RecordMeasurements.trainingMethod(settings) + "; judged by \(settings.heldOutModel) (held out)")
        print("population  \(settings.evolution.populationSize), generations \(run.generations) (0…\(max(0, run.generations - 1)), 0 is the initial population)")
        let gate = settings.fitness.gate.map { String(format: ", gate %.3g (denoise distance)", $0) } ?? ""
        print(String(format: "fitness     objective − %.3g·TV", settings.fitness.tvWeight) + gate)
        if let p = settings.polish {
            print("polish      constants every \(p.every) generations, \(p.steps) steps at rate \(p.learningRate)")
        }
        if let stop = settings.stop { print("asked       \(describe(stop))") }
        if let best = records.max(by: { $0.fitness < $1.fitness }) {
            print(RunReporting.bestLine(best, objective: settings.fitness.objective, target: run.target))
            if let m = RecordMeasurements.decode(best.measurements) {
                let j = m.judgement
                print(String(format: "  robust    %.2f%%: ", j.confidence * 100)
                      + j.robust.map { String(format: "%@ %.2f%% (top-1 %d/%d)", $0.model as NSString, $0.confidence * 100,
                                              Int(($0.top1 * Float(j.framings)).rounded()), j.framings) }.joined(separator: ", ")
                      + "; \(j.method)")
                print(String(format: "  held-out  %@ %.2f%%, top-1 on %d/%d framings, its top class: ", j.heldOut.model as NSString,
                             j.heldOut.confidence * 100, Int((j.heldOut.top1 * Float(j.framings)).rounded()), j.framings)
                      + ((try? ImageNetClasses.bundled().shortName(of: j.heldOut.topClass)) ?? "class \(j.heldOut.topClass)"))
                print(String(format: "  training  %.2f%% (", m.training * 100) + m.trainingMethod + ")")
            } else {
                print("            (confidence as the search measured it: this record predates robust measurement)")
            }
            print("genome      \(best.genome)")
            if let path = best.imagePath { print("image       \(path)") }
        }
        print("\nrecords (confidence: robust where measured):")
        printTable(header: ["generation", RunReporting.confidenceHeader(settings.fitness.objective), "held-out", "naturalness", "fitness", "made by", "evaluations", "time", "image"],
                   rows: records.map {
            let measured = RecordMeasurements.decode($0.measurements)
            return [String($0.generation), String(format: "%.2f%%", $0.confidence * 100),
                    measured.map { String(format: "%.2f%%", $0.judgement.heldOut.confidence * 100) } ?? "-",
                    String(format: "%.4f", $0.naturalness),
                    String(format: "%.3f", $0.fitness), measured?.origin?.rawValue ?? ($0.polished ? "polish" : "-"),
                    String($0.evaluations), formatDuration($0.elapsedSeconds), $0.imagePath ?? ""]
        })
        let origins = records.compactMap { RecordMeasurements.decode($0.measurements)?.origin }
        if !origins.isEmpty {
            let counts = Origin.allCases.compactMap { o -> String? in
                let n = origins.filter { $0 == o }.count
                return n > 0 ? "\(o.rawValue) \(n)" : nil
            }
            print("records made by: " + counts.joined(separator: ", "))
        }
    }
}

extension Show {
    /// The non-dominated pictures of the last committed generation over (confidence, naturalness,
    /// size), most confident first, then their formulas (to render one: save it as a .genome).
    /// The front is computed from the stored population, so every generation has one.
    func showFront(_ run: Store.Run, store: RunStore) throws {
        let generation = run.generations - 1
        guard generation >= 0 else { throw CLIError.noFront(run: run.name, reason: "no generation is committed yet", fix: "let it run a generation first") }
        let population = try store.population(run: run.id, generation: generation)
        guard !population.isEmpty else {
            throw CLIError.noFront(run: run.name, reason: "generation \(generation)'s population was pruned",
                                  fix: "resume it for a generation, then ask again")
        }
        let pictures = try RunPictures.load(run: run, from: store)
        let front = try PopulationFront(population: population, generation: generation, pictures: pictures)
        print("Pareto front of generation \(generation) of \(run.name): \(front.front.count) of \(population.count) pictures "
              + "(confidence and naturalness as the search measured them)")
        printTable(header: ["#", "confidence", "naturalness", "nodes", "fitness"], rows: front.members.enumerated().map { k, p in
            [String(k + 1), String(format: "%.4g%%", p.confidence * 100), String(format: "%.4g", p.naturalness),
             String(p.nodes), String(format: "%.3f", p.fitness)]
        })
        let picture = pictures.isEmpty ? "" : " --picture PNG (the PNG the run started from)"
        print("\nformulas (save one as NAME.genome, then pareidolia render NAME.genome\(picture)):")
        for (k, p) in front.members.enumerated() { print("\(k + 1) \(p.genome)") }
    }

    /// An atlas: its settings, coverage by its own confidence, and its strongest cells.
    func showAtlas(_ run: Store.Run, store: RunStore) throws {
        let settings = try AtlasSettings.decode(run.config, run: run.name)
        let elites = try store.elites(run: run.id)
        let names = try ImageNetClasses.bundled()
        print("atlas       \(run.name) (\(run.status.rawValue))")
        print("cells       \(settings.classes.count), filled \(elites.count), batches \(run.generations) of \(settings.evolution.offspringPerGeneration)")
        print("model       \(run.model), seed \(run.seed); judged by \(settings.heldOutModel) (held out) in pareidolia gallery and bench atlas")
        print("scoring     mean over \(settings.framings.count) random framings fixed for the atlas (crops 70–100 %, ±10°, mirror)")
        print(String(format: "quality     class log-probability − %.3g·TV", settings.tvWeight))
        if let p = settings.polish { print("polish      one elite's constants every \(p.every) batches, \(p.steps) steps at rate \(p.learningRate)") }
        print("asked       \(describe(settings.stop).replacingOccurrences(of: "generation", with: "batch"))")
        let levels = [0.5, 0.9, 0.99].map { level in "≥\(Int(level * 100))% \(elites.filter { Double($0.confidence) >= level }.count)" }
        print("training    " + levels.joined(separator: ", ") + " (the atlas's own framings: not a robust figure)")
        print("\nstrongest cells (training confidence):")
        printTable(header: ["class", "training", "naturalness", "batch", "genome"],
                   rows: elites.sorted { $0.confidence > $1.confidence }.prefix(15).map {
            [(try? names.shortName(of: $0.cell)) ?? String($0.cell), String(format: "%.2f%%", $0.confidence * 100),
             String(format: "%.4f", $0.naturalness), String($0.batch), String($0.genome.prefix(60)) + ($0.genome.count > 60 ? "…" : "")]
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
