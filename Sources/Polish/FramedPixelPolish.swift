import Foundation
import Imaging
import Scoring

/// Settings of a framed pixel polish (`FramedPixelPolish`).
public struct FramedPixelPolishSettings: Sendable, Equatable {
    /// Adam steps.
    public var steps: Int
    /// Adam step size on the logits `z` of the pixels (`x = σ(z)`).
    public var learningRate: Float
    /// Weight of the mean absolute neighbour difference (`anisotropicTotalVariation`) subtracted
    /// from the objective.
    public var tvWeight: Float
    /// Fresh random framings per step, scored on every network of the ensemble.
    public var framings: Int
    /// What a framing may do (crops, turns, mirror, and the input-diversity transforms).
    public var ranges: Framing.Ranges
    /// Side of the square picture optimised.
    public var size: Int

    /// The calibration of issue 23 (`../shared/bench/prior_pixels.py`): 50 steps of Adam at 0.05
    /// on a 288² picture, 4 framings a step, TV 0.3.
    public init(steps: Int = 50, learningRate: Float = 0.05, tvWeight: Float = 0.3, framings: Int = 4,
                ranges: Framing.Ranges = .standard, size: Int = 288) {
        self.steps = steps
        self.learningRate = learningRate
        self.tvWeight = tvWeight
        self.framings = framings
        self.ranges = ranges
        self.size = size
    }

    func validate() throws {
        let check = PolishError.require
        try check(steps >= 1, "steps", Double(steps), "≥ 1")
        try check(learningRate > 0 && learningRate.isFinite, "learningRate", Double(learningRate), "> 0")
        try check(tvWeight >= 0 && tvWeight.isFinite, "tvWeight", Double(tvWeight), "≥ 0")
        try check(framings >= 1, "framings", Double(framings), "≥ 1")
        try check(size >= 32, "size", Double(size), "≥ 32")
    }
}

/// Gradient ascent on a picture's own pixels over an ensemble and fresh framings: the ceiling
/// of what scoring alone reaches, with no formula in the way (issue 23's calibration).
///
/// The pixels are `x = σ(z)` (always in (0, 1), no clipping), `z` starting as `0.1 · N(0, 1)`
/// noise from `seed`, so the picture starts grey. Each step draws `framings` framings (from
/// `SeedStream.polishSteps`, so a seed gives the same picture), takes the framed objective's
/// gradient over every network of `scorer` (`FramedScoring.gradient`: mean over framings and
/// networks, `worst(…)` terms over the worst network, `stats` terms per network), subtracts
/// `tvWeight · ∇TV`, maps it through σ′ and moves `z` by Adam.
public enum FramedPixelPolish {
    public struct Result: Sendable {
        /// The final picture (`size`², planar RGB in (0, 1)).
        public var image: Image
        /// The framed objective at each step, as the step measured it (its own framings).
        public var trace: [Float]
    }

    public static func run(objective: Objective, scorer: Scorer, settings: FramedPixelPolishSettings, seed: UInt64,
                           progress: (Int, Float) -> Void = { _, _ in }) throws -> Result {
        try settings.validate()
        let n = settings.size, count = 3 * n * n
        var noise = SplitMix64(state: seed)
        var z = (0..<count).map { _ in 0.1 * gaussian(using: &noise) }
        var adam = Adam(count: count, learningRate: settings.learningRate)
        var trace: [Float] = []
        func picture() -> Image { Image(width: n, height: n, pixels: z.map { 1 / (1 + exp(-$0)) }) }
        for step in 0..<settings.steps {
            var rng = SplitMix64(state: SeedStream.polishSteps.seed(seed, item: step + 1))
            let framings = (0..<settings.framings).map { _ in Framing.random(settings.ranges, using: &rng) }
            let scoring = FramedScoring(scorer: scorer, framings: framings, sourceSize: n)
            let x = picture()
            var (value, gradient) = try scoring.gradient(x, objective: objective)
            if settings.tvWeight > 0 {
                value -= settings.tvWeight * anisotropicTotalVariation(x)
                let tv = totalVariationGradient(x)
                for i in 0..<count { gradient.pixels[i] -= settings.tvWeight * tv.pixels[i] }
            }
            // dx/dz = σ(z)(1 − σ(z)).
            var dz = gradient.pixels
            for i in 0..<count { dz[i] *= x.pixels[i] * (1 - x.pixels[i]) }
            adam.ascend(&z, gradient: dz)
            trace.append(value)
            progress(step + 1, value)
        }
        return Result(image: picture(), trace: trace)
    }

    /// A standard normal sample (Box–Muller).
    package static func gaussian(using rng: inout SplitMix64) -> Float {
        let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-300), u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}
