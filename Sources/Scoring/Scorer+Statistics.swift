import Foundation
import Imaging
import Net

/// Scoring an objective with a statistics prior term (`.stats`): the prior is a quantity of a
/// batch, so these paths run the engine once per *prior batch* (`priorBatch` consecutive images,
/// one picture's views) instead of `batchSize` images at a time, with the prior computed in the
/// same pass. Objectives without the term never come here (`Scorer.evaluate`, `.gradient`).
extension Scorer {
    /// The prior batches of `count` images: consecutive ranges of `priorBatch`.
    func priorBatches(_ count: Int, priorBatch: Int) throws -> [Range<Int>] {
        guard priorBatch >= 1, count % priorBatch == 0 else {
            throw ScoringError.priorBatch(images: count, priorBatch: priorBatch)
        }
        return stride(from: 0, to: count, by: priorBatch).map { $0..<($0 + priorBatch) }
    }

    /// `evaluate` for an objective with a `.stats` term: value `rest(image) − w · P(batch)`,
    /// where `rest` is the objective without the term and `w` its net weight on network `k`.
    func evaluateWithPrior(_ images: [Image], objective: Objective, network k: Int,
                           priorBatch: Int) throws -> [ObjectiveScore] {
        let session = sessions[k], name = networkName(k)
        let batches = try priorBatches(images.count, priorBatch: priorBatch)
        let rest = objective.withoutStatistics
        guard let prior = try objective.statisticsPrior(network: name, architecture: session.model.architecture) else {
            // No prior on this network (`lite1:stats` scored on Lite0): the rest alone.
            if let rest { return try evaluate(images, objective: rest, network: k) }
            return try features(images, taps: .output, network: k).map { f in
                ObjectiveScore(value: 0, confidence: objective.confidence(probabilities: f.logSoftmax.map { exp($0) }, network: name))
            }
        }
        let taps = rest?.taps(network: name, output: true) ?? .output
        var scores: [ObjectiveScore] = []
        scores.reserveCapacity(images.count)
        for batch in batches {
            let input = try Preprocess.batch(Array(images[batch]), resolution: session.model.resolution)
            let (features, value) = try timed(batch.count) {
                try session.features(input, batch: batch.count, taps: taps, prior: prior)
            }
            let penalty = Double(prior.weight) * value.value
            for f in features {
                let own = rest.map { Double($0.value(features: f, taps: taps, network: name)) } ?? 0
                scores.append(ObjectiveScore(value: Float(own - penalty),
                                             confidence: objective.confidence(probabilities: f.logSoftmax.map { exp($0) }, network: name)))
            }
        }
        return scores
    }

    /// `gradient` for an objective with a `.stats` term.
    ///
    /// For a prior batch B of `b` images with values `v_n = rest_n − w · P(B)`, the gradient of
    /// `Σ_{n∈B} v_n = Σ_{n∈B} rest_n − (w · b) · P(B)` is what the engine's pass returns with a
    /// prior of weight `λ = w · b` (it returns ∂(Σ objective − λ · P)/∂input), so each batch is
    /// one pass with that weight. The values are `rest_n − w · P(B)` as in `evaluate`.
    func gradientWithPrior(_ images: [Image], objective: Objective, network k: Int,
                           priorBatch: Int) throws -> (values: [Float], gradients: [Image]) {
        let session = sessions[k], name = networkName(k)
        let batches = try priorBatches(images.count, priorBatch: priorBatch)
        let rest = objective.withoutStatistics
        guard let prior = try objective.statisticsPrior(network: name, architecture: session.model.architecture) else {
            if let rest { return try gradient(images, objective: rest, network: k) }
            return (images.map { _ in 0 }, images.map { Image(width: $0.width, height: $0.height) })
        }
        var values: [Float] = [], gradients: [Image] = []
        values.reserveCapacity(images.count)
        gradients.reserveCapacity(images.count)
        for batch in batches {
            var enginePrior = prior
            enginePrior.weight = prior.weight * Float(batch.count)
            let pass = try gradientPass(Array(images[batch]), objective: rest, network: k, prior: enginePrior)
            let penalty = Double(prior.weight) * (pass.prior?.value ?? 0)
            values += pass.values.map { Float(Double($0) - penalty) }
            gradients += pass.gradients
        }
        return (values, gradients)
    }
}
