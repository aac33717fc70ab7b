import ArgumentParser
import Foundation
import Genome
import ImageIO
import Imaging
import Net
import Polish
import Render
import Scoring
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

    enum Mode: String, ExpressibleByArgument, CaseIterable { case constants, pixels }

    @Argument(help: "A run name, a .genome file or a PNG.") var source: String
    @Option(name: .customLong("class"), help: "Target class (default for a run: the run's own objective).")
    var classes: [String] = []
    @Option(help: "constants or pixels.") var mode: Mode = .constants
    @Option(help: "Gradient steps.") var steps = 40
    @Option(help: "Adam learning rate (default: 0.05 for constants, 0.01 for pixels).") var lr: Float?
    @Option(help: "Weight of the total-variation regulariser.") var tv: Float = 0.5
    @Option(help: "Pixels mode: largest denoise distance allowed (naturalness gate).") var gate: Float?
    @Option(help: "Constants mode: ascend the mean objective over this many views (shifted, slightly zoomed renders), so the result does not hinge on one framing.")
    var robust = 1
    @Option(help: "Classifier: lite0, lite1 or lite2 (default for a run: the run's model).") var model: String?
    @Option(name: .shortAndLong, help: "Output: .png (render with the genome embedded) or .genome (constants mode).")
    var output: String
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...10_000).contains(steps) else { throw ValidationError("--steps must be 1…10000, got \(steps)") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive, got \(lr)") }
        guard tv >= 0 else { throw ValidationError("--tv must be 0 or more, got \(tv)") }
        guard (1...16).contains(robust) else { throw ValidationError("--robust must be 1…16, got \(robust)") }
        let lower = output.lowercased()
        guard lower.hasSuffix(".png") || (lower.hasSuffix(".genome") && mode == .constants) else {
            throw ValidationError("-o must end in .png" + (mode == .constants ? " or .genome" : "") + ", got '\(output)'")
        }
    }

    func run() throws {
        let (start, run) = try loadSource()
        let objective: Objective
        if !classes.isEmpty {
            objective = .classes(try classes.map(ClassResolver().index))
        } else if let run {
            objective = try EvolveSettings.decode(run.config, run: run.name).fitness.objective
        } else {
            throw RunError.noTarget
        }
        let net = try loadModel(model ?? run?.model ?? "lite0")
        let session = try InferenceSession(model: net)
        let r = net.resolution
        let result: PolishResult
        var polishedGenome: Genome?
        switch (mode, start) {
        case (.constants, .genome(let genome)):
            let polished = try ConstantPolish.run(genome: genome, objective: objective, session: session,
                                                  settings: ConstantPolishSettings(steps: steps, learningRate: lr ?? 0.05,
                                                                                   tvWeight: tv, views: robust))
            result = polished.report
            polishedGenome = polished.genome
        case (.constants, .image):
            throw CLIError.noGenomeInPNG(path: source)
        case (.pixels, _):
            let image: Image
            switch start {
            case .genome(let g): image = try Renderer.render(g, width: r, height: r, supersample: 1)
            case .image(let i): image = i.prepareForNetwork(size: r)
            }
            var rng = SeededGenerator(seed: 1)
            result = try PixelPolish.run(image: image, objective: objective, session: session,
                                         settings: PixelPolishSettings(steps: steps, learningRate: lr ?? 0.01,
                                                                       tvWeight: tv, gate: gate), using: &rng)
        }
        try write(result, genome: polishedGenome, target: run?.target ?? classes.joined(separator: " + "))
        if let run, let genome = polishedGenome {
            let store = try database.open()
            let generation = max(0, run.generations - 1)
            try store.addRecord(NewRecord(genome: genome.description, fitness: result.after.objective,
                                          confidence: result.after.confidence,
                                          naturalness: result.after.denoiseDistance, evaluations: 0,
                                          elapsedSeconds: 0, polished: true, imagePath: output), run: run.id,
                                generation: generation)
            print("stored as a polished record of run \(run.name) (generation \(generation))")
        }
        print(String(format: "confidence %.2f%% → %.2f%%, denoise distance %.4f → %.4f, TV %.4f → %.4f (%d steps)",
                     result.before.confidence * 100, result.after.confidence * 100, result.before.denoiseDistance,
                     result.after.denoiseDistance, result.before.totalVariation, result.after.totalVariation, result.steps))
    }

    enum Start { case genome(Genome), image(Image) }

    /// The starting point and, for a run, the run.
    func loadSource() throws -> (Start, Run?) {
        let lower = source.lowercased()
        if lower.hasSuffix(".genome") { return (.genome(try GenomeFiles.load(source)), nil) }
        if lower.hasSuffix(".png") {
            let png = try PNGFile.read(source)
            if let text = png.text["genome"], mode == .constants { return (.genome(try Genome(parsing: text)), nil) }
            return (.image(png.image), nil)
        }
        let store = try database.open()
        let run = try store.run(named: source)
        guard let best = try store.records(run: run.id).max(by: { $0.fitness < $1.fitness }) else {
            throw RunError.noGenerations(run: run.name)
        }
        return (.genome(try Genome(parsing: best.genome)), run)
    }

    func write(_ result: PolishResult, genome: Genome?, target: String) throws {
        if output.lowercased().hasSuffix(".genome"), let genome {
            try (genome.description + "\n").write(toFile: output, atomically: true, encoding: .utf8)
            return
        }
        var text = ["class": target, "confidence": String(result.after.confidence),
                    "naturalness": String(result.after.denoiseDistance), "polished": mode.rawValue,
                    "Software": "pareidolia"]
        var image = result.image
        if let genome {
            text["genome"] = genome.description
            image = try Renderer.render(genome, width: 512, height: 512, supersample: 2)
        }
        try PNGFile.write(image, to: output, text: text)
    }
}

/// `pareidolia bench polish`: one gradient step against one forward pass at the same batch.
struct BenchPolish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "polish",
        abstract: "Cost of one gradient step (forward + backward to the pixels) relative to one forward pass.")

    @Option(help: "Batch size (repeatable).") var batch: [Int] = [1, 16]
    @Option(help: "Classifier: lite0, lite1 or lite2.") var model = "lite0"
    @Option(help: "Timed runs per batch size.") var runs = 5

    func run() throws {
        let session = try InferenceSession(model: try loadModel(model))
        for b in batch {
            let t = try PolishBenchmark.run(session: session, batch: b, runs: runs)
            print(String(format: "pareidolia %@ polish batch=%d forward_s=%.4f gradient_s=%.4f ratio=%.2f",
                         model as NSString, b, t.forwardSeconds, t.gradientSeconds, t.ratio))
        }
    }
}
