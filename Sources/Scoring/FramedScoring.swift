import Foundation
import Imaging
import Net

/// What a framed scoring says of one picture.
public struct FramedScore: Sendable, Equatable {
    /// The objective, averaged over framings, then over networks.
    public var value: Float
    /// The confidence, averaged the same way.
    public var confidence: Float
    /// Each network's confidence (mean over framings), in network order.
    public var confidences: [Float]
}

/// Scores pictures as the mean over a set of framings and over an ensemble of networks
/// (expectation over transformations; `worst(…)` terms take the minimum over the networks
/// instead, see `FramedScoring+Worst.swift`): each picture is rendered once at `sourceSize`², every
/// framing resamples it to each network's own resolution, and each network classifies all its
/// images in batches. The gradient runs the same way backwards: through each network, then
/// each framing's adjoint, into the source picture.
///
/// A statistics prior term (`.stats`, net weight `w_k` on network `k`) is computed over each
/// picture's `f` framings on network `k` as one batch, never over several pictures (that would
/// couple them), and averaged over the networks like the rest of the objective:
///
///     V(x) = (1/K) Σ_k [ (1/f) Σ_j o_k(A_kj x) − w_k · P_k({A_kj x}_j) ]
///
/// with `A_kj` framing `j` resampled for network `k` and `o_k` the rest of the objective. Its
/// gradient is `(1/(f·K)) Σ_k Σ_j A_kjᵀ ∂/∂y_kj [Σ_j o_k(y_kj) − (w_k · f) · P_k(y_k·)]`: each
/// network's pass runs with prior weight `λ_k = w_k · f` (`Scorer.gradient` with
/// `priorBatch: f`) and is scaled by `1/(f·K)` like the objective's.
public struct FramedScoring {
    public let scorer: Scorer
    public let framings: [Framing]
    public let sourceSize: Int
    /// `samplers[k][f]`: framing `f` for network `k`.
    let samplers: [[FramingSampler]]

    public init(scorer: Scorer, framings: [Framing], sourceSize: Int) {
        precondition(!framings.isEmpty, "framed scoring needs at least one framing")
        self.scorer = scorer
        self.framings = framings
        self.sourceSize = sourceSize
        samplers = scorer.sessions.indices.map { k in
            framings.map { FramingSampler($0, sourceSize: sourceSize, outputSize: scorer.resolution(of: k)) }
        }
    }

    /// The side a source picture needs so that every framing of it is sampled at no less than
    /// about `detail` × each network's resolution over the crop (1.0: crops of 70 % of a 1.43×
    /// source keep a source pixel per network pixel).
    public static func sourceSize(for scorer: Scorer, smallestCrop: Float, detail: Float = 1) -> Int {
        let largest = scorer.sessions.indices.map { scorer.resolution(of: $0) }.max() ?? 224
        return Int((Float(largest) * detail / smallestCrop).rounded(.up))
    }

    /// The framed images of `source` for network `k`, framing by framing.
    public func images(_ source: Image, network k: Int) -> [Image] {
        samplers[k].map { $0.apply(source) }
    }

    /// The framed score of each source picture (each `sourceSize`²).
    public func evaluate(_ sources: [Image], objective: Objective) throws -> [FramedScore] {
        if scorer.sessions.count > 1, objective.readsWorstNetwork { return try evaluateWorst(sources, objective: objective) }
        let f = framings.count, n = sources.count
        var values = [Float](repeating: 0, count: n), confidences = [[Float]](repeating: [], count: n)
        for k in scorer.sessions.indices {
            let framed = sources.flatMap { self.images($0, network: k) }
            let scores = try scorer.evaluate(framed, objective: objective, network: k, priorBatch: f)
            for i in 0..<n {
                let mine = scores[(i * f)..<((i + 1) * f)]
                values[i] += mine.reduce(0) { $0 + $1.value } / Float(f)
                confidences[i].append(mine.reduce(0) { $0 + $1.confidence } / Float(f))
            }
        }
        let networks = Float(scorer.sessions.count)
        return (0..<n).map { i in
            FramedScore(value: values[i] / networks, confidence: confidences[i].reduce(0, +) / networks,
                        confidences: confidences[i])
        }
    }

    /// Every class's mean log-probability and mean probability over the framings, then over the
    /// networks, for each source picture: what an atlas offers to all its cells at once.
    public func classScores(_ sources: [Image]) throws -> [ClassScores] {
        let f = framings.count, n = sources.count
        let classes = scorer.sessions[0].model.classCount
        var result = [ClassScores](repeating: ClassScores(logProbabilities: [Float](repeating: 0, count: classes),
                                                          probabilities: [Float](repeating: 0, count: classes)),
                                   count: n)
        let weight = 1 / Float(f * scorer.sessions.count)
        for k in scorer.sessions.indices {
            let rows = try scorer.logProbabilities(sources.flatMap { self.images($0, network: k) }, network: k)
            for i in 0..<n {
                for row in rows[(i * f)..<((i + 1) * f)] {
                    for c in 0..<classes {
                        result[i].logProbabilities[c] += row[c] * weight
                        result[i].probabilities[c] += Foundation.exp(row[c]) * weight
                    }
                }
            }
        }
        return result
    }

    /// The framed objective of `source` and its gradient with respect to the source's pixels
    /// (with a `.stats` term, see the type's formula).
    public func gradient(_ source: Image, objective: Objective) throws -> (value: Float, gradient: Image) {
        if scorer.sessions.count > 1, objective.readsWorstNetwork { return try gradientWorst(source, objective: objective) }
        let weight = 1 / Float(framings.count * scorer.sessions.count)
        var gradient = [Float](repeating: 0, count: source.pixels.count)
        var value: Float = 0
        for k in scorer.sessions.indices {
            let (values, gradients) = try scorer.gradient(images(source, network: k), objective: objective, network: k,
                                                          priorBatch: framings.count)
            value += values.reduce(0, +) * weight
            accumulateAdjoints(gradients, network: k, weight: weight, into: &gradient)
        }
        return (value, Image(width: source.width, height: source.height, pixels: gradient))
    }

    /// Adds `weight` times the adjoint of each of network `k`'s framings, applied to that
    /// framing's image gradient (`gradients`, in framing order), into the source's `gradient`.
    func accumulateAdjoints(_ gradients: [Image], network k: Int, weight: Float, into gradient: inout [Float]) {
        for (sampler, g) in zip(samplers[k], gradients) {
            var scaled = g
            for i in scaled.pixels.indices { scaled.pixels[i] *= weight }
            sampler.accumulateAdjoint(scaled, into: &gradient)
        }
    }
}

/// Every class's score of one picture: mean log-probability and mean probability.
public struct ClassScores: Sendable, Equatable {
    public var logProbabilities: [Float]
    public var probabilities: [Float]
}
