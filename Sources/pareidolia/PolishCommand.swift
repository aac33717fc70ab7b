import ArgumentParser
import Foundation
import Genome
import ImageIO
import Imaging
import Net
import Polish
import Render
import Scoring
import Search
import Store

struct PolishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "polish",
        abstract: "Sharpen an image for a class by gradient ascent through the classifier.",
        discussion: """
            --mode constants tunes the formula's numeric constants (reverse-mode through the renderer), so the result is still a formula that renders at any size; --mode pixels optimises the pixels themselves (with jitter, scale, rotation, TV and blur regularisers, and the naturalness gate if given).
            The source is a run (its best record; the polished genome is stored in the run as a polished record), a .genome file, or a PNG (written by pareidolia for constants mode; any PNG for pixels mode).
            It prints the objective before → after, measured on the network-size image with 8-bit samples (what classify --objective reads from a 224² render of either genome, e.g. render --size 224 --aa 1), with the unrounded figures it climbed; then the confidence, only when the objective seeks or avoids a class (an inner channel has none); then the naturalness.
            Examples:
              pareidolia polish rock-crab-1 --polish-steps 40 -o crab-polished.png
              pareidolia polish genomes/library/marble.genome --class "coral reef" -o reef.genome
              pareidolia polish photo.png --class goldfish --mode pixels --gate 0.05 -o fish.png
              pareidolia polish photo.png --objective "dream(block10)" --mode pixels -o dream.png
            """)

    typealias Mode = PolishJob.Mode

    @Argument(help: "A run name, a .genome file or a PNG.") var source: String
    @Option(name: .customLong("class"), help: "Target class (default for a run: the run's own objective).")
    var classes: [String] = []
    @Option(parsing: .unconditional, help: ObjectiveOption.help) var objective: String?
    @Option(help: "constants or pixels.") var mode: Mode = .constants
    @Option(name: .customLong("polish-steps"), parsing: .unconditional, help: "Gradient steps (the same setting as evolve's --polish-steps).")
    var steps = PolishDefaults.standaloneSteps
    @Option(name: .customLong("polish-lr"), parsing: .unconditional, help: "Adam learning rate (default: \(PolishDefaults.constantLearningRate) for constants, \(PolishDefaults.pixelLearningRate) for pixels; evolve's --polish-lr).")
    var lr: Float?
    @Option(parsing: .unconditional, help: "Weight of the total-variation regulariser (default: the run's own, else \(FitnessFunction.defaultTVWeight)).") var tv: Float?
    @Option(parsing: .unconditional, help: "Pixels mode: largest denoise distance allowed (naturalness gate).") var gate: Float?
    @Option(parsing: .unconditional, help: "Constants mode: ascend the mean objective over this many views (shifted, slightly zoomed renders), so the result does not hinge on one framing (evolve's --views).")
    var views = 1
    @Option(help: "Classifier: lite0, lite1 or lite2 (default for a run: the run's model).") var model: String?
    @Option(name: .shortAndLong, help: "Output: .png (render with the genome embedded) or .genome (constants mode).")
    var output: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var threads: ThreadsOption

    func validate() throws {
        let text = try ObjectiveOption.parse(objective, shorthands: classes)
        if let text, text.models.count > 1 || (model != nil && !text.models.isEmpty && text.models != [model!.lowercased()]) {
            throw ValidationError("polish runs on one network, but the objective names \(text.models.joined(separator: " and "))" + (model.map { " and --model is \($0)" } ?? "") + "; polish on one network, or evolve with several")
        }
        guard (1...10_000).contains(steps) else { throw ValidationError("--polish-steps must be 1…10000, got \(steps)") }
        if let lr, !(lr > 0) { throw ValidationError("--polish-lr must be positive, got \(lr)") }
        if let tv, !(tv >= 0 && tv.isFinite) { throw ValidationError("--tv must be 0 or more, got \(tv)") }
        guard (1...16).contains(views) else { throw ValidationError("--views must be 1…16, got \(views)") }
        let lower = output.lowercased()
        guard lower.hasSuffix(".png") || (lower.hasSuffix(".genome") && mode == .constants) else {
            throw ValidationError("-o must end in .png" + (mode == .constants ? " or .genome" : "") + ", got '\(output)'")
        }
    }

    func run() throws {
        let (start, source) = try Self.loadSource(self.source, mode: mode, database: database)
        let names = try ImageNetClasses.bundled()
        let text = try ObjectiveOption.parse(objective, shorthands: classes)
        let network = try model.map(ModelCache.variant) ?? text?.models.first.map(ModelCache.variant) ?? source?.settings.model
            ?? RunSettings.defaultModel
        let cache = threads.cache()
        let scorer = try cache.scorer([network])
        let goal: Objective, targetName: String
        if text != nil || !classes.isEmpty {
            let target = try ObjectiveOption.target(text, classes: classes, networks: [network], cache: cache, names: names)
            (goal, targetName) = (target.objective, target.name)
        } else if let source {
            (goal, targetName) = (source.settings.fitness.objective, source.run.target)
        } else {
            throw SearchError.noTarget
        }
        let tvWeight = tv ?? source?.settings.fitness.tvWeight ?? FitnessFunction.defaultTVWeight
        let (result, polishedGenome) = try PolishJob.run(
            start, mode: mode, objective: goal, scorer: scorer,
            settings: PolishJob.Settings(steps: steps, learningRate: lr, tvWeight: tvWeight, gate: gate, views: views),
            path: self.source)
        try write(result, genome: polishedGenome, target: targetName, objective: goal)
        if let source, let genome = polishedGenome {
            let generation = try PolishedRecords.store(genome, result: result, imagePath: output, run: source.run,
                                                       in: try database.open())
            print("stored as a polished record of run \(source.run.name) (generation \(generation))")
        }
        let saved = try Self.asSaved(start, polished: result, genome: polishedGenome, objective: goal, scorer: scorer)
        let r = scorer.resolution(of: 0)
        // The objective as written: the text, class(…) for --class, else the run's target.
        let shown = text?.description
            ?? (classes.isEmpty ? targetName : "class(\(classes.map(ObjectiveText.argument).joined(separator: " | ")))")
        for line in Self.report(result, saved: saved, objective: goal, name: shown,
                                measured: "\(network) on the \(r)² \(mode == .constants ? "render" : "image") in 8 bits, as classify reads a \(r)² PNG") {
            print(line)
        }
    }

    /// The objective's score of the start and of the result at the network's resolution with
    /// 8-bit samples, as a PNG holds them: what `classify --objective` reads from a render of
    /// either genome at that size (`render --size 224 --aa 1`), or from a pixels-mode result.
    static func asSaved(_ start: Start, polished result: PolishResult, genome: Genome?, objective: Objective,
                        scorer: Scorer) throws -> (before: ObjectiveScore, after: ObjectiveScore) {
        let r = scorer.resolution(of: 0)
        func eightBit(_ image: Image) -> Image {
            Image(width: image.width, height: image.height, interleavedRGB8: image.interleavedRGB8())
        }
        let first: Image
        switch start {
        case .genome(let g): first = try Renderer.render(g, width: r, height: r)
        case .image(let i): first = i.prepareForNetwork(size: r)
        }
        let last = try genome.map { try Renderer.render($0, width: r, height: r) } ?? result.image
        let scores = try scorer.evaluate([eightBit(first), eightBit(last)], objective: objective)
        return (scores[0], scores[1])
    }

    /// What a polish did, one line per measure: the objective it climbed (before → after, in its
    /// own units, as saved, with the figures on the unrounded image it climbed), the confidence
    /// only when the objective seeks or avoids a class (an inner feature's objective has none:
    /// the image's top-1 probability says nothing about it), then naturalness.
    static func report(_ result: PolishResult, saved: (before: ObjectiveScore, after: ObjectiveScore),
                       objective: Objective, name: String, measured: String) -> [String] {
        var lines = [String(format: "objective %@: %.6g → %.6g (%@; %.6g → %.6g unrounded, as polished)",
                            name as NSString, saved.before.value, saved.after.value, measured as NSString,
                            result.before.objective, result.after.objective)]
        switch objective.confidenceKind {
        case .sought:
            lines.append(String(format: "confidence %.2f%% → %.2f%%", saved.before.confidence * 100, saved.after.confidence * 100))
        case .absence:
            lines.append(String(format: "confidence it is not the class (1 − p) %.2f%% → %.2f%%",
                                saved.before.confidence * 100, saved.after.confidence * 100))
        case .topOne:
            break
        }
        lines.append(String(format: "denoise distance %.4f → %.4f, TV %.4f → %.4f (%d steps)", result.before.denoiseDistance,
                            result.after.denoiseDistance, result.before.totalVariation, result.after.totalVariation, result.steps))
        return lines
    }

    typealias Start = PolishJob.Start

    /// The starting point and, for a run, the run and its settings.
    static func loadSource(_ source: String, mode: Mode, database: DatabaseOptions) throws
        -> (Start, (run: Run, settings: RunSettings)?) {
        let lower = source.lowercased()
        if lower.hasSuffix(".genome") { return (.genome(try GenomeFiles.load(source)), nil) }
        if lower.hasSuffix(".png") {
            if mode == .constants { return (.genome(try GenomeFiles.load(source)), nil) }
            return (.image(try PNGFile.read(source).image), nil)
        }
        let best = try PolishedRecords.best(of: source, in: try database.open())
        return (.genome(best.genome), (best.run, best.settings))
    }

    func write(_ result: PolishResult, genome: Genome?, target: String, objective: Objective) throws {
        if output.lowercased().hasSuffix(".genome"), let genome {
            try (genome.description + "\n").write(toFile: output, atomically: true, encoding: .utf8)
            return
        }
        var image = result.image
        if let genome { image = try Renderer.render(genome, width: 512, height: 512, supersample: 2) }
        try PNGFile.write(image, to: output, picture: PictureText(
            genome: genome?.description, target: target, confidence: result.after.confidence,
            naturalness: result.after.denoiseDistance,
            extra: [PNGTextKey.polished: mode.rawValue, PNGTextKey.software: "pareidolia",
                    Self.objectiveValueKey: "\(result.after.objective)",
                    PNGTextKey.confidenceMethod: objective.confidenceKind == .topOne
                        ? "the image's top-1 probability (the objective reads inner features; see \(Self.objectiveValueKey))"
                        : "the objective's class probability on the polished image"]))
    }

    /// The PNG text key of the objective's value after the polish, on the image it polished.
    static let objectiveValueKey = "objective value"
}
extension PolishJob.Mode: ExpressibleByArgument {}
