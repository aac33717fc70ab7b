import Foundation
import Imaging

extension Objective {
    /// The objective split for an ensemble: `rest`, averaged over the networks, and the
    /// `worst(…)` terms with their net weights, each the minimum over the networks. A `.worst`
    /// under an `.on` counts as its inner objective (one network has no worst but itself).
    public var ensembleParts: (rest: Objective?, worst: [(weight: Float, inner: Objective)]) {
        var rest: Objective?, worst: [(weight: Float, inner: Objective)] = []
        func collect(_ o: Objective, _ weight: Float) {
            switch o {
            case .sum(let a, let b): collect(a, weight); collect(b, weight)
            case .scaled(let k, let a): collect(a, weight * k)
            case .worst(let inner): worst.append((weight, inner))
            default:
                let term = weight == 1 ? o : .scaled(weight, o)
                rest = rest.map { $0 + term } ?? term
            }
        }
        collect(self, 1)
        return (rest, worst)
    }

    /// Whether the objective has a `worst(…)` term outside any `.on`.
    public var readsWorstNetwork: Bool { !ensembleParts.worst.isEmpty }
}

/// The worst-network combination (`worst(…)` terms) on an ensemble of two or more networks:
///
///     V(x) = (1/K) Σ_k r_k(x) + Σ_i w_i · min_k q_ik(x)
///
/// with `r_k` the rest of the objective and `q_ik` worst term `i`'s inner objective on network
/// `k`, each a mean over the framings. Its gradient runs on each network `k` with the objective
/// `r + Σ_{i : k = argmin} K · w_i · q_i` (so that the shared `1/(f·K)` weight leaves `w_i` on
/// the worst network), after a forward pass that finds the argmins.
extension FramedScoring {
    /// The parts of an objective on an ensemble (`Objective.ensembleParts`).
    typealias EnsembleParts = (rest: Objective?, worst: [(weight: Float, inner: Objective)])

    /// Each picture's framing-mean values on network `k`: the rest, each inner objective, and
    /// (when `confidence`) the objective's confidence. Objectives of the log-softmax alone take
    /// one classifier pass; others one pass per part (the rest, each inner, the confidence).
    func partValues(_ sources: [Image], objective: Objective, parts: EnsembleParts, network k: Int,
                    confidence: Bool) throws -> (rest: [Float], inner: [[Float]], confidence: [Float]) {
        let f = framings.count, n = sources.count
        let framed = sources.flatMap { images($0, network: k) }
        func means(_ values: [Float]) -> [Float] {
            (0..<n).map { i in values[(i * f)..<((i + 1) * f)].reduce(0, +) / Float(f) }
        }
        if objective.readsLogSoftmaxOnly {
            let rows = try scorer.logProbabilities(framed, network: k), name = scorer.networkName(k)
            return (means(rows.map { parts.rest?.value(logProbabilities: $0) ?? 0 }),
                    parts.worst.map { part in means(rows.map { part.inner.value(logProbabilities: $0) }) },
                    confidence ? means(rows.map { objective.confidence(probabilities: $0.map { exp($0) }, network: name) }) : [])
        }
        let confidences = confidence
            ? means(try scorer.evaluate(framed, objective: objective, network: k, priorBatch: f).map(\.confidence)) : []
        let restValues = try parts.rest.map { try scorer.evaluate(framed, objective: $0, network: k, priorBatch: f).map(\.value) }
            ?? [Float](repeating: 0, count: framed.count)
        let inner = try parts.worst.map { part in
            means(try scorer.evaluate(framed, objective: part.inner, network: k, priorBatch: f).map(\.value))
        }
        return (means(restValues), inner, confidences)
    }

    /// `evaluate` for an objective with `worst(…)` terms on two or more networks.
    func evaluateWorst(_ sources: [Image], objective: Objective) throws -> [FramedScore] {
        let ensemble = objective.ensembleParts
        let parts = try scorer.sessions.indices.map {
            try partValues(sources, objective: objective, parts: ensemble, network: $0, confidence: true)
        }
        let networks = Float(parts.count)
        return sources.indices.map { i in
            var value = parts.reduce(0) { $0 + $1.rest[i] } / networks
            for (t, part) in ensemble.worst.enumerated() { value += part.weight * (parts.map { $0.inner[t][i] }.min() ?? 0) }
            let confidences = parts.map { $0.confidence[i] }
            return FramedScore(value: value, confidence: confidences.reduce(0, +) / networks, confidences: confidences)
        }
    }

    /// `gradient` for an objective with `worst(…)` terms on two or more networks.
    func gradientWorst(_ source: Image, objective: Objective) throws -> (value: Float, gradient: Image) {
        let ensemble = objective.ensembleParts
        let parts = try scorer.sessions.indices.map {
            try partValues([source], objective: objective, parts: ensemble, network: $0, confidence: false)
        }
        let networks = Float(parts.count)
        var value = parts.reduce(0) { $0 + $1.rest[0] } / networks
        var chosen = [Objective?](repeating: ensemble.rest, count: parts.count)
        for (t, part) in ensemble.worst.enumerated() {
            let values = parts.map { $0.inner[t][0] }
            let k = values.indices.min { values[$0] < values[$1] } ?? 0
            value += part.weight * values[k]
            let term = (networks * part.weight) * part.inner
            chosen[k] = chosen[k].map { $0 + term } ?? term
        }
        let weight = 1 / Float(framings.count * scorer.sessions.count)
        var gradient = [Float](repeating: 0, count: source.pixels.count)
        for k in scorer.sessions.indices {
            guard let objective = chosen[k] else { continue }
            let (_, gradients) = try scorer.gradient(images(source, network: k), objective: objective, network: k,
                                                     priorBatch: framings.count)
            accumulateAdjoints(gradients, network: k, weight: weight, into: &gradient)
        }
        return (value, Image(width: source.width, height: source.height, pixels: gradient))
    }
}
