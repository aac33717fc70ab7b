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
        let r = scorer.resolution(of: 0)
        switch (mode, start) {
        case (.constants, .genome(let genome)):
            let polished = try ConstantPolish.run(
                genome: genome, objective: objective, scorer: scorer,
                settings: ConstantPolishSettings(steps: settings.steps,
                                                 learningRate: settings.learningRate ?? PolishDefaults.constantLearningRate,
                                                 tvWeight: settings.tvWeight, views: settings.views))
            return (polished.report, polished.genome)
        case (.constants, .image):
            throw SearchError.noGenomeInPNG(path: path)
        case (.pixels, _):
            let image = try networkImage(start, resolution: r)
            var rng = SeededGenerator(seed: 1)
            let result = try PixelPolish.run(
                image: image, objective: objective, scorer: scorer,
                settings: PixelPolishSettings(steps: settings.steps,
                                              learningRate: settings.learningRate ?? PolishDefaults.pixelLearningRate,
                                              tvWeight: settings.tvWeight, gate: settings.gate), using: &rng)
            return (result, nil)
        }
    }
}
