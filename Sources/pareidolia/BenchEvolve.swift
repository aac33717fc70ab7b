import ArgumentParser
import Foundation
import Genome
import Net
import Render
import Scoring
import Search
import Store

/// `pareidolia bench evolve`: search quality per class and seed at a fixed wall time, judged on
/// framings the run never scored and by a network it never used.
struct BenchEvolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolve",
        abstract: "Search quality: per class and seed, how the best image holds up after --minutes (or once it reaches --until).",
        discussion: """
            Each seed is a fresh run in a throw-away database; the final best image of each is written to --output. The gate defaults to 0.05 here. Per seed it prints: the objective's value before penalties (objective=, over the run's framings), what its confidences are (confidence_is=target_p, one_minus_p, or image_top1_p for an objective of inner features, whose confidences are only the image's top-1 probability), the training confidence (what the search bred for), the robust confidence (the run's networks on 16 random framings of the 448² anti-aliased render that no run scores), the held-out network's confidence and how many of those framings it calls the target (top-1), the feature-statistics prior P of the render on those framings (prior=, lower is more like the training images), who made the records (records_by= per origin, variation_records= the share made by crossover or mutation, variation_gain= their share of the fitness gained from record to record), the old exact-framing figure (Lite0 on the gallery's centre crop), evaluations, evaluations/s and how busy the classifier was.
            Below each seed's line, its "breeding" lines say why the records came from where they did: polishes run, how many raised the best and the fitness they added, beside the fitness that crossover/mutation children and immigrants added to the best; the share of children bred from the best; the population's diversity (mean distance between the members' 16² renders) and the best's lead over the median fitness at 0, 1/4, 1/2, 3/4 of the run and its end; then per parent group (the best, the others), for immigrants and per operator: children, how many beat their fitter parent, rendered the same image, survived selection, beat the best, and the median fitness change from the parent (locality).
            --search compares the engine with its parts at equal wall time: memetic (the default, as in evolve: crossover and mutation with constant polish), polish (no crossover or mutation, every child a fresh random genome, the best polished) and gp (no polish). Repeat it to run each seed once per search (the ablation rows).
            Examples:
              swift run -c release pareidolia bench evolve --class "rock crab" --class goldfish --seeds 3 --minutes 10
              swift run -c release pareidolia bench evolve --class "rock crab" --seeds 2 --search memetic --search gp --search polish
              swift run -c release pareidolia bench evolve --objective "channel(block12, 57)" --seeds 1 --minutes 3
            """)

    @Option(name: .customLong("class"), help: "Target class (repeat to benchmark several classes one after another).")
    var classes: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "An objective text to benchmark (repeatable, after the classes; see evolve --help).")
    var objective: [String] = []
    @Option(parsing: .unconditional, help: "Number of seeds per class.") var seeds = 3
    @Option(parsing: .unconditional, help: "The first seed (seeds run first-seed, first-seed + 1, …; to add seeds to an earlier table).")
    var firstSeed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Training confidence that ends a seed early.") var until: Float = 0.99
    @Option(parsing: .unconditional, help: "Time limit per seed, minutes.") var minutes: Double = 10
    @Option(parsing: .unconditional, help: "Generation limit per seed (with a large --minutes: a comparison that the machine's load cannot move).")
    var generations: Int?
    @Option(name: [.customShort("o"), .customLong("output")], help: "Directory for the final images.") var out = "bench-evolve"
    @Option(help: "Initial population: random (random genomes only) or library (genomes/library, topped up with random ones).")
    var seedFrom = "random"
    @Option(name: .customLong("search"), help: "memetic (GP with constant polish; the default), polish (no crossover or mutation) or gp (no polish); repeat for several.")
    var modes: [SearchMode] = [.default]
    @OptionGroup var plan: PopulationPlanOptions
    @Flag(help: "Print the plan of each run it would make (JSON, one per line) and exit.") var dryRun = false

    func validate() throws {
        for text in objective { _ = try ObjectiveText(parsing: text) }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        guard firstSeed >= 1, firstSeed < UInt64.max - UInt64(seeds) else {
            throw ValidationError("--first-seed must be at least 1, got \(firstSeed)")
        }
        guard minutes > 0, minutes.isFinite else { throw ValidationError("--minutes must be a positive number, got \(minutes)") }
        if let generations, generations < 1 { throw ValidationError("--generations must be at least 1, got \(generations)") }
        if !modes.contains(where: \.polishes) { try plan.polish.validate(mode: .gp) }
    }

    /// The run settings of one seed.
    func settings(_ target: Target, networks: [ModelVariant], mode: SearchMode) throws -> RunSettings {
        var settings = try plan.settings(target.objective, networks: networks, mode: mode,
                                         stop: StopCondition(generation: generations, confidence: until, minutes: minutes),
                                         seededFrom: seedFrom)
        settings.fitness.gate = plan.scoring.gate ?? 0.05
        return settings
    }

    func run() throws {
        let models = plan.threads.cache()
        let names = try ImageNetClasses.bundled()
        var terminal = Terminal()
        var lines: [String] = []
        let given = try plan.scoring.givenModels()
        // Each job: its target, its networks, and the label its runs and image folders are named by.
        typealias Job = (target: Target, networks: [ModelVariant], label: String)
        let classTargets = try (classes.isEmpty && objective.isEmpty ? ["rock crab"] : classes).map { name -> Job in
            let target = try Target(classes: [name], names: names)
            return (target, try Target.networks(given: given, objective: nil), String(target.classes[0]))
        }
        let objectiveTargets = try objective.enumerated().map { k, written -> Job in
            let text = try ObjectiveText(parsing: written)
            let networks = try Target.networks(given: given, objective: text)
            return (try ObjectiveOption.target(text, classes: [], networks: networks, cache: models, names: names),
                    networks, "objective\(k + 1)")
        }
        let runs = (classTargets + objectiveTargets).flatMap { job in
            (firstSeed..<firstSeed + UInt64(seeds)).flatMap { seed in modes.map { (job.0, job.1, job.2, seed, $0) } }
        }
        if dryRun {
            for (target, networks, _, _, mode) in runs { print(try settings(target, networks: networks, mode: mode).json()) }
            return
        }
        let context = Context(names: names, models: models, library: try GenomeFiles.seeds(seedFrom, store: nil),
                              exactView: try models.scorer([RunSettings.defaultModel]))
        for (target, networks, label, seed, mode) in runs where !Interrupt.requested {
            let line = try measure(target, label: label, networks: networks, seed: seed, mode: mode, context: context,
                                   terminal: &terminal)
            terminal.log(line)
            lines.append(line)
        }
        print(lines.joined(separator: "\n"))
    }

    /// What every seed shares: class names, loaded networks, the seed library, and Lite0 for
    /// the old exact-framing figure.
    struct Context {
        let names: ImageNetClasses
        let models: ModelCache
        let library: [Genome]
        let exactView: Scorer
    }

    /// One seed of one search: runs it, judges its best image, and returns the report line.
    func measure(_ target: Target, label: String, networks: [ModelVariant], seed: UInt64, mode: SearchMode, context: Context,
                 terminal: inout Terminal) throws -> String {
        let index = target.classes.first ?? -1
        let settings = try settings(target, networks: networks, mode: mode)
        let runName = "bench-\(label)-\(seed)" + (modes.count > 1 ? "-\(mode.rawValue)" : "")
        let clock = ContinuousClock(), start = clock.now
        var run = try SearchRun.start(store: try RunStore.inMemory(), name: runName, target: target.name,
                                      settings: settings, seed: seed, seeds: context.library,
                                      recordDirectory: (out as NSString).appendingPathComponent(runName),
                                      models: context.models, shouldStop: { Interrupt.requested })
        // Why the records came from where they came from: per operator, children against parents.
        var diagnosis = BreedingDiagnosis()
        var diagnosisError: Error?
        let ending = try run.run(shouldStop: { Interrupt.requested }) { progress in
            terminal.progress(RunReporting.line(progress))
            do { try diagnosis.add(progress) } catch { diagnosisError = error }
        }
        terminal.endLiveLine()
        if let diagnosisError { throw diagnosisError }
        let seconds = (clock.now - start).seconds
        let (path, j) = try run.writeBestImage()
        let best = run.state.best
        // The old figure: Lite0 on the gallery's framing (the 448² render's centre crop).
        let exported = try RunJudge.render(best.genome)
        let galleryView = index >= 0 ? try context.exactView.probabilities(of: exported)[index] : .nan
        let scorer = run.evaluator.scorer
        // The objective it climbed, before penalties, as the search scores it; and what its
        // confidences are (for inner features, only the image's top-1 probability).
        let objectiveValue = try RunReporting.objectiveValue(of: best.genome, evaluator: run.evaluator).value
        // The feature-statistics prior P of the record render (DeepInversion's distance from the
        // training images' statistics, whether or not the objective penalises it), over the
        // judge's 16 framings on each training network, averaged: lower is more image-like.
        let prior = -(try FramedScoring(scorer: scorer, framings: Judge.framings(), sourceSize: exported.width)
            .evaluate([exported], objective: .stats(.all))[0].value)
        // Who made the progress: records per origin, and the share of the fitness gained from
        // record to record that crossover and mutation made.
        let share = VariationShare(rows: try run.store.records(run: run.run.id))
        let confidenceIs = switch target.objective.confidenceKind {
        case .sought: "target_p"
        case .absence: "one_minus_p"
        case .topOne: "image_top1_p"
        }
        let line = String(format: "bench evolve class=%d (%@) seed=%llu search=%@ models=%@ framings=%d reached=%@ seconds=%.0f evaluations=%d evals_per_s=%.1f classifier_busy=%.2f generations=%d objective=%.6g confidence_is=%@ training=%.4f robust=%.4f robust_top=%@ %@=%.4f %@_top1=%.2f %@_top=%@ gallery_view=%.4f naturalness=%.4f prior=%.1f records_by=%@ variation_records=%.2f variation_gain=%@ nodes=%d image=%@",
                          index, target.name as NSString, seed, mode.rawValue as NSString,
                          settings.modelName as NSString, settings.framings?.count ?? 0,
                          (ending == .reachedConfidence ? "yes" : "no") as NSString, seconds,
                          run.state.evaluations, Double(run.state.evaluations) / max(seconds, 1e-9),
                          scorer.classifierSeconds / max(seconds, 1e-9), run.state.generation,
                          objectiveValue, confidenceIs as NSString,
                          best.evaluation.confidence, j.confidence,
                          ((try? context.names.shortName(of: j.robust[0].topClass)) ?? "?").replacingOccurrences(of: " ", with: "_") as NSString,
                          j.heldOut.model as NSString, j.heldOut.confidence, j.heldOut.model as NSString, j.heldOut.top1,
                          j.heldOut.model as NSString, ((try? context.names.shortName(of: j.heldOut.topClass)) ?? "?").replacingOccurrences(of: " ", with: "_") as NSString,
                          galleryView, best.evaluation.naturalness, prior, share.recordsText as NSString, share.variationRecords,
                          (share.variationGain.map { String(format: "%.2f", $0) } ?? "none") as NSString,
                          best.genome.nodeCount, path as NSString)
        let prefix = "bench evolve class=\(index) seed=\(seed) search=\(mode.rawValue) "
        return ([line] + diagnosis.lines.map { prefix + $0 }).joined(separator: "\n")
    }
}
