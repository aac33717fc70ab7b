import Genome
import Imaging
import Net
import Render
import Scoring

/// Settings of a constant polish.
public struct ConstantPolishSettings: Sendable, Equatable {
    /// Gradient steps.
    public var steps: Int = 30
    /// Adam step size (constant units; Adam moves each constant by about this much per step).
    public var learningRate: Float = 0.05
    /// Weight λ of the total-variation penalty subtracted from the objective.
    public var tvWeight: Float = 0.5

    public init(steps: Int = 30, learningRate: Float = 0.05, tvWeight: Float = 0.5) {
        self.steps = steps
        self.learningRate = learningRate
        self.tvWeight = tvWeight
    }

    func validate() throws {
        guard steps >= 0 else { throw PolishError.invalidSetting(name: "steps", value: Double(steps), allowed: "≥ 0") }
        guard learningRate > 0, learningRate.isFinite else {
            throw PolishError.invalidSetting(name: "learningRate", value: Double(learningRate), allowed: "> 0")
        }
        guard tvWeight >= 0, tvWeight.isFinite else {
            throw PolishError.invalidSetting(name: "tvWeight", value: Double(tvWeight), allowed: "≥ 0")
        }
    }
}

/// The outcome of a constant polish: the genome with its best constants, and the scores of its
/// render at the network resolution before and after.
public struct ConstantPolishResult: Sendable {
    /// The polished genome (same tree, new constants; never scoring below the input).
    public var genome: Genome
    /// Render, scores and trace (objective − λ·TV at each step).
    public var report: PolishResult
}

/// Gradient ascent on a genome's numeric constants, through the renderer and the classifier.
public enum ConstantPolish {
    /// Polishes the constants of `genome` toward `objective`.
    ///
    /// Each step renders the genome at the network resolution, takes ∂objective/∂pixel from the
    /// classifier, subtracts λ·∇TV, backpropagates through the render to the constants
    /// (`ConstantGradient`) and moves them by Adam (kept admissible). The best genome seen by
    /// objective − λ·TV (the input included) is returned, so a polish never makes it worse.
    public static func run(genome: Genome, objective: Objective, session: InferenceSession,
                           settings: ConstantPolishSettings) throws -> ConstantPolishResult {
        try settings.validate()
        let size = session.model.resolution
        let startImage = try Renderer.render(genome, width: size, height: size)
        let before = try ClassifierGradient.score(startImage, objective: objective, session: session)
        var best = (genome: genome, image: startImage,
                    fitness: before.objective - settings.tvWeight * before.totalVariation)
        var constants = genome.constants
        var adam = Adam(count: constants.count, learningRate: settings.learningRate)
        var current = genome
        var trace: [Float] = []
        for _ in 0..<settings.steps where !constants.isEmpty {
            let image = try Renderer.render(current, width: size, height: size)
            let (values, gradients) = try ClassifierGradient.gradient([image], objective: objective, session: session)
            let fitness = values[0] - settings.tvWeight * anisotropicTotalVariation(image)
            trace.append(fitness)
            if fitness > best.fitness { best = (current, image, fitness) }
            var pixelGradient = gradients[0]
            let tv = totalVariationGradient(image)
            for i in pixelGradient.pixels.indices { pixelGradient.pixels[i] -= settings.tvWeight * tv.pixels[i] }
            var gradient = try ConstantGradient.compute(genome: current, width: size, height: size,
                                                        pixelGradient: pixelGradient)
            for i in gradient.indices where !gradient[i].isFinite { gradient[i] = 0 }
            adam.ascend(&constants, gradient: gradient)
            constants = constants.map(Genome.admissible)
            current.constants = constants
        }
        if !constants.isEmpty, settings.steps > 0 {
            // The last update has not been scored yet.
            let image = try Renderer.render(current, width: size, height: size)
            let score = try ClassifierGradient.score(image, objective: objective, session: session)
            let fitness = score.objective - settings.tvWeight * score.totalVariation
            trace.append(fitness)
            if fitness > best.fitness { best = (current, image, fitness) }
        }
        let after = try ClassifierGradient.score(best.image, objective: objective, session: session)
        return ConstantPolishResult(genome: best.genome,
                                    report: PolishResult(image: best.image, before: before, after: after,
                                                         steps: settings.steps, trace: trace))
    }
}
