import Foundation

/// What an image should look like to the classifier, as a value that composes.
///
/// Objectives are read off one image's log-softmax (1000 values) and are maximised:
/// `.classes([119])` is log p(rock crab); `.classes([118, 119, 120, 121])` is the log of the
/// summed probability of the four crabs (a merged target); `.opposite(285)` is log(1 − p), which
/// rises as the image stops looking like an Egyptian cat. They combine linearly:
/// `.classes([119]) + 0.5 * .opposite(285)`.
public indirect enum Objective: Sendable, Equatable, Codable {
    /// log Σ p(c) over the listed classes.
    case classes([Int])
    /// log (1 − p(c)): high when the class is absent.
    case opposite(Int)
    /// The sum of two objectives.
    case sum(Objective, Objective)
    /// An objective scaled by a constant.
    case scaled(Float, Objective)

    /// The objective's value given one image's log-softmax `logProbabilities` (1000 values).
    public func value(logProbabilities lp: [Float]) -> Float {
        switch self {
        case .classes(let indices):
            return logSumExp(indices.map { lp[$0] })
        case .opposite(let c):
            // log(1 − p) computed stably: log1p(−exp(lp)) with p clamped below 1.
            let p = min(Double(exp(lp[c])), 1 - 1e-7)
            return Float(log1p(-p))
        case .sum(let a, let b):
            return a.value(logProbabilities: lp) + b.value(logProbabilities: lp)
        case .scaled(let k, let a):
            return k * a.value(logProbabilities: lp)
        }
    }

    /// ∂value/∂logProbabilities (one value per class): where gradient polish starts
    /// backpropagation.
    public func gradient(logProbabilities lp: [Float]) -> [Float] {
        var gradient = [Float](repeating: 0, count: lp.count)
        accumulateGradient(logProbabilities: lp, scale: 1, into: &gradient)
        return gradient
    }

    /// The value and the confidence for one log-softmax.
    public func score(logProbabilities lp: [Float]) -> ObjectiveScore {
        ObjectiveScore(value: value(logProbabilities: lp), confidence: confidence(probabilities: lp.map { exp($0) }))
    }

    /// ∂value/∂logProbabilities times `scale`, added into `gradient`.
    func accumulateGradient(logProbabilities lp: [Float], scale: Float, into gradient: inout [Float]) {
        switch self {
        case .classes(let indices):
            // d/d lp_i log Σ_j exp(lp_j) = softmax over the chosen set.
            let total = logSumExp(indices.map { lp[$0] })
            for i in indices { gradient[i] += scale * exp(lp[i] - total) }
        case .opposite(let c):
            let p = min(exp(lp[c]), 1 - 1e-7)
            gradient[c] += scale * (-p / (1 - p))
        case .sum(let a, let b):
            a.accumulateGradient(logProbabilities: lp, scale: scale, into: &gradient)
            b.accumulateGradient(logProbabilities: lp, scale: scale, into: &gradient)
        case .scaled(let k, let a):
            a.accumulateGradient(logProbabilities: lp, scale: scale * k, into: &gradient)
        }
    }

    /// The confidence reported to users: the summed softmax probability of the positive classes
    /// (for `.opposite`, 1 − p). For sums, the confidence of the first positive term.
    public func confidence(probabilities p: [Float]) -> Float {
        switch self {
        case .classes(let indices): return min(1, indices.reduce(0) { $0 + p[$1] })
        case .opposite(let c): return 1 - p[c]
        case .sum(let a, _): return a.confidence(probabilities: p)
        case .scaled(_, let a): return a.confidence(probabilities: p)
        }
    }

    /// The positive classes this objective pursues (for display and records).
    public var targetClasses: [Int] {
        switch self {
        case .classes(let i): return i
        case .opposite: return []
        case .sum(let a, let b): return a.targetClasses + b.targetClasses
        case .scaled(_, let a): return a.targetClasses
        }
    }

    public static func + (a: Objective, b: Objective) -> Objective { .sum(a, b) }
    public static func * (k: Float, a: Objective) -> Objective { .scaled(k, a) }
}

/// log Σ exp(values), stable for large or very negative inputs.
func logSumExp(_ values: [Float]) -> Float {
    guard let m = values.max(), m > -.infinity else { return -.infinity }
    var s: Float = 0
    for v in values { s += exp(v - m) }
    return m + log(s)
}
