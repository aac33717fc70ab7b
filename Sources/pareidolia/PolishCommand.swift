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
            Examples:
              pareidolia polish rock-crab-1 --steps 40 -o crab-polished.png
              pareidolia polish genomes/library/marble.genome --class "coral reef" -o reef.genome
              pareidolia polish photo.png --class goldfish --mode pixels --gate 0.05 -o fish.png
            """)

    typealias Mode = PolishJob.Mode

    @Argument(help: "A run name, a .genome file or a PNG.") var source: String
    @Option(name: .customLong("class"), help: "Target class (default for a run: the run's own objective).")
    var classes: [String] = []
    @Option(help: "constants or pixels.") var mode: Mode = .constants
    @Option(parsing: .unconditional, help: "Gradient steps.") var steps = PolishDefaults.standaloneSteps
    @Option(parsing: .unconditional, help: "Adam learning rate (default: \(PolishDefaults.constantLearningRate) for constants, \(PolishDefaults.pixelLearningRate) for pixels).") var lr: Float?
    @Option(parsing: .unconditional, help: "Weight of the total-variation regulariser (default: the run's own, else \(FitnessFunction.defaultTVWeight)).") var tv: Float?
    @Option(parsing: .unconditional, help: "Pixels mode: largest denoise distance allowed (naturalness gate).") var gate: Float?
    @Option(parsing: .unconditional, help: "Constants mode: ascend the mean objective over this many views (shifted, slightly zoomed renders), so the result does not hinge on one framing.")
    var robust = 1
    @Option(help: "Classifier: lite0, lite1 or lite2 (default for a run: the run's model).") var model: String?
    @Option(name: .shortAndLong, help: "Output: .png (render with the genome embedded) or .genome (constants mode).")
    var output: String
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...10_000).contains(steps) else { throw ValidationError("--steps must be 1…10000, got \(steps)") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive, got \(lr)") }
        if let tv, !(tv >= 0 && tv.isFinite) { throw ValidationError("--tv must be 0 or more, got \(tv)") }
        guard (1...16).contains(robust) else { throw ValidationError("--robust must be 1…16, got \(robust)") }
        let lower = output.lowercased()
        guard lower.hasSuffix(".png") || (lower.hasSuffix(".genome") && mode == .constants) else {
            throw ValidationError("-o must end in .png" + (mode == .constants ? " or .genome" : "") + ", got '\(output)'")
        }
    }

    func run() throws {
        let (start, source) = try loadSource()
        let objective: Objective
        if !classes.isEmpty {
            objective = try Target(classes: classes, names: try ImageNetClasses.bundled()).objective
        } else if let source {
            objective = source.settings.fitness.objective
        } else {
            throw SearchError.noTarget
        }
        let tvWeight = tv ?? source?.settings.fitness.tvWeight ?? FitnessFunction.defaultTVWeight
        let scorer = try ModelCache().scorer([model ?? source?.settings.model ?? RunSettings.defaultModel])
        let (result, polishedGenome) = try PolishJob.run(
            start, mode: mode, objective: objective, scorer: scorer,
            settings: PolishJob.Settings(steps: steps, learningRate: lr, tvWeight: tvWeight, gate: gate, views: robust),
            path: self.source)
        let targetName = try source?.run.target ?? Target(classes: classes, names: try ImageNetClasses.bundled()).name
        try write(result, genome: polishedGenome, target: targetName)
        if let source, let genome = polishedGenome {
            let generation = try PolishedRecords.store(genome, result: result, imagePath: output, run: source.run,
                                                       in: try database.open())
            print("stored as a polished record of run \(source.run.name) (generation \(generation))")
        }
        print(String(format: "confidence %.2f%% → %.2f%%, denoise distance %.4f → %.4f, TV %.4f → %.4f (%d steps)",
                     result.before.confidence * 100, result.after.confidence * 100, result.before.denoiseDistance,
                     result.after.denoiseDistance, result.before.totalVariation, result.after.totalVariation, result.steps))
    }

    typealias Start = PolishJob.Start

    /// The starting point and, for a run, the run and its settings.
    func loadSource() throws -> (Start, (run: Run, settings: RunSettings)?) {
        let lower = source.lowercased()
        if lower.hasSuffix(".genome") { return (.genome(try GenomeFiles.load(source)), nil) }
        if lower.hasSuffix(".png") {
            if mode == .constants { return (.genome(try GenomeFiles.load(source)), nil) }
            return (.image(try PNGFile.read(source).image), nil)
        }
        let best = try PolishedRecords.best(of: source, in: try database.open())
        return (.genome(best.genome), (best.run, best.settings))
    }

    func write(_ result: PolishResult, genome: Genome?, target: String) throws {
        if output.lowercased().hasSuffix(".genome"), let genome {
            try (genome.description + "\n").write(toFile: output, atomically: true, encoding: .utf8)
            return
        }
        var image = result.image
        if let genome { image = try Renderer.render(genome, width: 512, height: 512, supersample: 2) }
        try PNGFile.write(image, to: output, picture: PictureText(
            genome: genome?.description, target: target, confidence: result.after.confidence,
            naturalness: result.after.denoiseDistance,
            extra: [PNGTextKey.polished: mode.rawValue, PNGTextKey.software: "pareidolia"]))
    }
}
extension PolishJob.Mode: ExpressibleByArgument {}
