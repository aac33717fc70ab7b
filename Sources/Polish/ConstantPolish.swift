import Genome
import Imaging
import Net
import Render
import Scoring

/// Settings of a constant polish.
public struct ConstantPolishSettings: Sendable, Equatable {
    /// Gradient steps.
    public var steps: Int
    /// Adam step size (constant units; Adam moves each constant by about this much per step).
    public var learningRate: Float
    /// Weight λ of the total-variation penalty subtracted from the objective.
    public var tvWeight: Float
    /// Views (`ScoringView` 0..<views) whose mean objective is ascended, so the result does
    /// not hinge on one framing; 1 is the plain render only.
    public var views: Int
    /// The basis Adam steps in (identity by default).
    public var preconditioning: Preconditioning
    /// Framed polish only: draw a fresh set of framings (as many as the scoring has) for each
    /// gradient step, as gradient feature visualisation jitters every step, instead of
    /// ascending the scoring's own framings. nil: the scoring's framings.
    public var freshFramings: FreshFramings?
    /// Constants (indices into `Genome.constants`) the polish leaves as they are: their
    /// gradient is zeroed before Adam's step (exactly kept with `.none` preconditioning; a
    /// dream zoom keeps its zoom this way).
    public var frozen: Set<Int> = []

    public init(steps: Int = PolishDefaults.constantSteps, learningRate: Float = PolishDefaults.constantLearningRate,
                tvWeight: Float = FitnessFunction.defaultTVWeight, views: Int = 1,
                preconditioning: Preconditioning = .none) {
        self.steps = steps
        self.learningRate = learningRate
        self.tvWeight = tvWeight
        self.views = views
        self.preconditioning = preconditioning
    }

    func validate() throws {
        guard steps >= 0 else { throw PolishError.invalidSetting(name: "steps", value: Double(steps), allowed: "≥ 0") }
        guard learningRate > 0, learningRate.isFinite else {
            throw PolishError.invalidSetting(name: "learningRate", value: Double(learningRate), allowed: "> 0")
        }
        guard tvWeight >= 0, tvWeight.isFinite else {
            throw PolishError.invalidSetting(name: "tvWeight", value: Double(tvWeight), allowed: "≥ 0")
        }
        guard views >= 1 else { throw PolishError.invalidSetting(name: "views", value: Double(views), allowed: "≥ 1") }
    }
}

/// Where a framed polish's per-step framings come from: `ranges`, drawn from `seed` and the
/// step number, so a polish is repeatable.
public struct FreshFramings: Sendable, Equatable {
    public var ranges: Framing.Ranges
    public var seed: UInt64

    public init(ranges: Framing.Ranges, seed: UInt64) {
        self.ranges = ranges
        self.seed = seed
    }

    /// The `count` framings of step `step`.
    public func framings(step: Int, count: Int) -> [Framing] {
        var rng = SplitMix64(state: SeedStream.polishSteps.seed(seed, item: step + 1))
        return (0..<count).map { _ in Framing.random(ranges, using: &rng) }
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
    /// Each step renders the genome's views at the network resolution, takes ∂objective/∂pixel
    /// of each from the classifier (one batch), subtracts λ·∇TV on the plain view, backpropagates
    /// through each view's render to the constants (`ScoringView.constantGradient`) and moves
    /// them by Adam (kept admissible). The best genome seen by mean objective − λ·TV (the input
    /// included) is returned, so a polish never makes it worse.
    public static func run(genome: Genome, objective: Objective, scorer: Scorer,
                           settings: ConstantPolishSettings) throws -> ConstantPolishResult {
        try settings.validate()
        let size = scorer.resolution(of: 0)
        let views = (0..<settings.views).map { ScoringView(index: $0, resolution: size) }
        let startImage = try Renderer.render(genome, width: size, height: size)
        let before = try scorer.polishScore(startImage, objective: objective)
        var best: (genome: Genome, image: Image, fitness: Float)?
        let basis = Preconditioner(genome: genome, preconditioning: settings.preconditioning)
        var latent = basis.start
        var adam = Adam(count: latent.count, learningRate: settings.learningRate)
        var current = genome
        var trace: [Float] = []
        let weight = 1 / Float(views.count)
        for step in 0...settings.steps {
            let images = try views.map { try $0.render(current) }
            let (values, gradients) = try scorer.gradient(images, objective: objective)
            let fitness = values.reduce(0, +) * weight - settings.tvWeight * anisotropicTotalVariation(images[0])
            trace.append(fitness)
            if fitness > best?.fitness ?? -.infinity { best = (current, images[0], fitness) }
            // The last pass only scores the last update.
            if step == settings.steps || latent.isEmpty { break }
            var gradient = [Float](repeating: 0, count: latent.count)
            let tv = totalVariationGradient(images[0])
            for (k, view) in views.enumerated() {
                var pixelGradient = gradients[k]
                for i in pixelGradient.pixels.indices {
                    pixelGradient.pixels[i] *= weight
                    if k == 0 { pixelGradient.pixels[i] -= settings.tvWeight * tv.pixels[i] }
                }
                let g = try view.constantGradient(current, pixelGradient: pixelGradient)
                for i in gradient.indices where g[i].isFinite { gradient[i] += g[i] }
            }
            for i in settings.frozen where gradient.indices.contains(i) { gradient[i] = 0 }
            adam.ascend(&latent, gradient: basis.latentGradient(gradient))
            latent = basis.admissible(latent)
            current.constants = basis.constants(latent)
        }
        let chosen = best ?? (genome, startImage, 0)
        let after = try scorer.polishScore(chosen.image, objective: objective)
        return ConstantPolishResult(genome: chosen.genome,
                                    report: PolishResult(image: chosen.image, before: before, after: after,
                                                         steps: settings.steps, trace: trace))
    }
}
