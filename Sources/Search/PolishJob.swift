import Genome
import Imaging
import Polish
import Render
import Scoring

/// One stand-alone polish (`pareidolia polish`): a genome's constants, or pixels (of a genome's
/// render or of any picture), toward an objective.
public enum PolishJob {
    /// What is polished.
    public enum Start {
        case genome(Genome)
        case image(Image)
    }

    public enum Mode: String, Sendable, CaseIterable { case constants, pixels }

    /// The polish's settings; nil rates take the mode's default.
    public struct Settings: Sendable {
        public var steps = PolishDefaults.standaloneSteps
        public var learningRate: Float?
        public var tvWeight = FitnessFunction.defaultTVWeight
        public var gate: Float?
        /// Constants mode: views (`ScoringView`) whose mean is ascended.
        public var views = 1

        public init(steps: Int, learningRate: Float?, tvWeight: Float, gate: Float?, views: Int) {
            self.steps = steps
            self.learningRate = learningRate
            self.tvWeight = tvWeight
            self.gate = gate
            self.views = views
        }
    }

    /// The picture a pixels polish starts from: a genome's render at the network's resolution,
    /// or a picture prepared as photos are (`prepareForNetwork`).
    public static func networkImage(_ start: Start, resolution r: Int) throws -> Image {
        switch start {
        case .genome(let g): return try Renderer.render(g, width: r, height: r, supersample: 1)
        case .image(let i): return i.prepareForNetwork(size: r)
        }
    }

    /// Polishes `start` by `mode` on `scorer`'s first network. Returns the result and, in
    /// constants mode, the polished genome. `path` names the source in errors.
    public static func run(_ start: Start, mode: Mode, objective: Objective, scorer: Scorer, settings: Settings,
                           path: String) throws -> (result: PolishResult, genome: Genome?) {
        switch (mode, start) {
        case (.constants, .genome(let genome)):
            let (result, polished) = try polishConstants(genome, objective: objective, scorer: scorer, settings: settings)
            return (result, polished)
        case (.constants, .image):
            throw SearchError.noGenomeInPNG(path: path)
        case (.pixels, _):
            let image = try networkImage(start, resolution: scorer.resolution(of: 0))
            return (try polishPixels(image, objective: objective, scorer: scorer, settings: settings, seed: 1), nil)
        }
    }

    /// A constant polish of `genome` with `settings` (the mode's default rate when none is
    /// given); the constants in `frozen` (indices into `Genome.constants`) are kept.
    public static func polishConstants(_ genome: Genome, objective: Objective, scorer: Scorer, settings: Settings,
                                       frozen: Set<Int> = []) throws -> (result: PolishResult, genome: Genome) {
        var constants = ConstantPolishSettings(steps: settings.steps,
                                               learningRate: settings.learningRate ?? PolishDefaults.constantLearningRate,
                                               tvWeight: settings.tvWeight, views: settings.views)
        constants.frozen = frozen
        let polished = try ConstantPolish.run(genome: genome, objective: objective, scorer: scorer, settings: constants)
        return (polished.report, polished.genome)
    }

    /// A pixel polish of `image` (already at the network's resolution) with `settings`, its
    /// jitter drawn from a generator seeded with `seed`.
    public static func polishPixels(_ image: Image, objective: Objective, scorer: Scorer, settings: Settings,
                                    seed: UInt64) throws -> PolishResult {
        var rng = SeededGenerator(seed: seed)
        return try PixelPolish.run(
            image: image, objective: objective, scorer: scorer,
            settings: PixelPolishSettings(steps: settings.steps,
                                          learningRate: settings.learningRate ?? PolishDefaults.pixelLearningRate,
                                          tvWeight: settings.tvWeight, gate: settings.gate), using: &rng)
    }
}
