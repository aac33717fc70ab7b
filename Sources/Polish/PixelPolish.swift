import Imaging
import Net
import Scoring

/// Settings of a pixel polish.
public struct PixelPolishSettings: Sendable, Equatable {
    /// Gradient steps.
    public var steps: Int
    /// Adam step size (pixel units, [0, 1] scale).
    public var learningRate: Float
    /// Weight λ of the total-variation penalty subtracted from the objective.
    public var tvWeight: Float
    /// Jittered copies per step (one batch through the network).
    public var copies: Int = 2
    /// Largest random shift per copy, in pixels.
    public var shift: Float = 4
    /// Largest relative scale change per copy (0.05 = ±5%).
    public var scaleRange: Float = 0.05
    /// Largest rotation per copy, in degrees.
    public var rotationDegrees: Float = 5
    /// Soften (blur by half a [1 2 1]² kernel) every this many steps; 0 never.
    public var blurEvery: Int = 8
    /// Largest denoise distance (weight 0.2) the result may have; nil for no gate.
    public var gate: Float?
    /// Check the gate every this many steps.
    public var gateCheckEvery: Int = 5

    public init(steps: Int = PolishDefaults.standaloneSteps, learningRate: Float = PolishDefaults.pixelLearningRate,
                tvWeight: Float = FitnessFunction.defaultTVWeight, gate: Float? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.tvWeight = tvWeight
        self.gate = gate
    }

    func validate() throws {
        let check = PolishError.require
        try check(steps >= 0, "steps", Double(steps), "≥ 0")
        try check(learningRate > 0 && learningRate.isFinite, "learningRate", Double(learningRate), "> 0")
        try check(tvWeight >= 0 && tvWeight.isFinite, "tvWeight", Double(tvWeight), "≥ 0")
        try check(copies >= 1, "copies", Double(copies), "≥ 1")
        try check(shift >= 0 && scaleRange >= 0 && scaleRange < 0.5 && rotationDegrees >= 0,
                  "shift/scaleRange/rotationDegrees", Double(scaleRange), "shift ≥ 0, 0 ≤ scaleRange < 0.5, degrees ≥ 0")
        try check(blurEvery >= 0, "blurEvery", Double(blurEvery), "≥ 0")
        try check(gateCheckEvery >= 1, "gateCheckEvery", Double(gateCheckEvery), "≥ 1")
        if let gate { try check(gate > 0 && gate.isFinite, "gate", Double(gate), "> 0") }
    }
}

/// Gradient ascent on an image's pixels toward an objective (feature-visualisation style).
public enum PixelPolish {
    /// Polishes `image` (at the network's resolution, planar RGB in [0, 1]).
    ///
    /// Each step renders `copies` randomly jittered versions (shift, scale, rotation by bilinear
    /// resampling), takes the classifier's input gradient of the objective for the batch, maps it
    /// back through each jitter's adjoint, subtracts λ·∇TV and moves the pixels by Adam, clipped
    /// to [0, 1]; every `blurEvery` steps the image is softened. With a gate, every
    /// `gateCheckEvery` steps the denoise distance is measured: over the gate, the image is
    /// pulled back toward its last in-gate state and λ doubles. The result is the best in-gate
    /// checkpoint by objective − λ·TV (the input counts), so it always satisfies the gate when
    /// the input does (`PolishError.gateUnreachable` otherwise).
    public static func run(image: Image, objective: Objective, scorer: Scorer,
                           settings: PixelPolishSettings,
                           using rng: inout some RandomNumberGenerator) throws -> PolishResult {
        try settings.validate()
        try scorer.checkSize(image)
        let before = try scorer.polishScore(image, objective: objective)
        if let gate = settings.gate, before.denoiseDistance > gate {
            throw PolishError.gateUnreachable(gate: gate, distance: before.denoiseDistance)
        }
        var tvWeight = settings.tvWeight
        var current = image
        var adam = Adam(count: image.pixels.count, learningRate: settings.learningRate)
        var trace: [Float] = []
        // The best checkpoint (in the gate, if any) by objective − λ·TV, and the last in-gate state.
        var best = (image: image, fitness: before.objective - settings.tvWeight * before.totalVariation)
        var lastGood = image
        for step in 0..<settings.steps {
            let jitters = (0..<settings.copies).map { _ in
                Jitter.random(width: image.width, height: image.height, shift: settings.shift,
                              scaleRange: settings.scaleRange, degrees: settings.rotationDegrees, using: &rng)
            }
            let (values, gradients) = try scorer.gradient(jitters.map { $0.apply(current) }, objective: objective)
            trace.append(values.reduce(0, +) / Float(values.count))
            var gradient = [Float](repeating: 0, count: current.pixels.count)
            for (jitter, g) in zip(jitters, gradients) { jitter.accumulateAdjoint(g, into: &gradient) }
            let tv = totalVariationGradient(current)
            let k = 1 / Float(settings.copies)
            for i in gradient.indices { gradient[i] = gradient[i] * k - tvWeight * tv.pixels[i] }
            adam.ascend(&current.pixels, gradient: gradient)
            for i in current.pixels.indices { current.pixels[i] = min(max(current.pixels[i], 0), 1) }
            if settings.blurEvery > 0, (step + 1) % settings.blurEvery == 0 { current = softened(current, amount: 0.5) }
            if (step + 1) % settings.gateCheckEvery == 0 || step + 1 == settings.steps {
                if let gate = settings.gate, denoiseDistance(current, weight: FitnessFunction.denoiseWeight) > gate {
                    tvWeight = max(2 * tvWeight, 0.05)
                    for i in current.pixels.indices { current.pixels[i] = 0.5 * (current.pixels[i] + lastGood.pixels[i]) }
                    continue
                }
                lastGood = current
                let score = try scorer.polishScore(current, objective: objective)
                let fitness = score.objective - settings.tvWeight * score.totalVariation
                if fitness > best.fitness { best = (current, fitness) }
            }
        }
        let after = try scorer.polishScore(best.image, objective: objective)
        return PolishResult(image: best.image, before: before, after: after, steps: settings.steps, trace: trace)
    }
}
