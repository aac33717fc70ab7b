import Foundation
import Net

/// What an image should look like to the classifier, as a value that composes.
///
/// Most objectives are read off one image's log-softmax (1000 values) and are maximised:
/// `.classes([119])` is log p(rock crab); `.classes([118, 119, 120, 121])` is the log of the
/// summed probability of the four crabs (a merged target); `.opposite(285)` is log(1 − p), which
/// rises as the image stops looking like an Egyptian cat. Others read the raw logits, an inner
/// block's activations (`.layer`), the pooled features (`.match`) or Gram matrices (`.style`);
/// `.on` restricts an objective to one network of an ensemble. `.stats` is the network's
/// feature-statistics prior, a quantity of a batch rather than of one image (see the case).
/// They combine linearly: `.classes([119]) + 0.5 * .opposite(285) + 0.05 * .stats(.all)`.
/// `ObjectiveText` is the written form.
public indirect enum Objective: Sendable, Equatable {
    /// log Σ p(c) over the listed classes.
    case classes([Int])
    /// log (1 − p(c)): high when the class is absent.
    case opposite(Int)
    /// The sum of two objectives.
    case sum(Objective, Objective)
    /// An objective scaled by a constant.
    case scaled(Float, Objective)
    /// The raw logit of a class (its opposite is `-1 * .logit(c)`).
    case logit(Int)
    /// A channel, a neuron or the mean squared activation of an inner block's output.
    case layer(LayerFeature)
    /// Cosine similarity of the pooled features with a picture's.
    case match(FeatureReference)
    /// Closeness of Gram matrices of a few blocks to a picture's.
    case style(StyleReference)
    /// Closeness of one block's activations to a picture's, position by position:
    /// −mean((F − R)²), feature inversion at a layer and the content term of style transfer.
    case content(ContentReference)
    /// An objective measured on one network only (by variant name, `lite1`); zero on the others.
    case on(network: String, Objective)
    /// −P, the network's feature-statistics prior (DeepInversion; `StatisticsPrior` gives P) over
    /// the layers of the range, so that a positive weight penalises statistics unlike the
    /// training images': `0.05 * .stats(.all)` is worth `−0.05 · P`.
    ///
    /// P couples the images of a batch, so it is not read off one image's features: the
    /// `Scorer` computes it over each *prior batch* (one picture's framings in `FramedScoring`,
    /// a single image by default) and adds the same `−w · P` to the value of every image of that
    /// batch. `value(features:…)` and `value(logProbabilities:)` never see it; the scorer strips
    /// the term first (`withoutStatistics`). Net weights must be finite and ≥ 0.
    case stats(PriorLayers)
    /// The margin of a class: its logit minus the largest other logit (Zhao et al.'s logit
    /// loss with the runner-up subtracted; C&W's margin without a cap). Positive exactly when
    /// the class is the network's top-1 answer, and, unlike log p, it keeps rewarding a lead
    /// after p saturates. It reads the log-softmax alone: logits differ from log-probabilities
    /// by one constant per image, which the difference cancels.
    case margin(Int)
    /// The inner objective on the ensemble's worst network: on a `FramedScoring` of several
    /// networks the minimum over the networks of the inner objective's framing mean (the rest
    /// of an objective is averaged over the networks); on one network, the inner objective
    /// itself. The gradient flows through the network that is worst (a subgradient at ties).
    /// The inner objective has no `.stats`, `.on` or `.worst` terms (`ObjectiveText` refuses them).
    case worst(Objective)

    public static func + (a: Objective, b: Objective) -> Objective { .sum(a, b) }
    public static func * (k: Float, a: Objective) -> Objective { .scaled(k, a) }

    /// Whether the objective is a function of the log-softmax alone (the fast path).
    public var readsLogSoftmaxOnly: Bool {
        switch self {
        case .classes, .opposite, .margin: return true
        case .sum(let a, let b): return a.readsLogSoftmaxOnly && b.readsLogSoftmaxOnly
        case .scaled(_, let a), .worst(let a): return a.readsLogSoftmaxOnly
        case .logit, .layer, .match, .style, .content, .on, .stats: return false
        }
    }

    /// The objective's value given one image's log-softmax `logProbabilities` (1000 values);
    /// only for objectives that read nothing else (`readsLogSoftmaxOnly`).
    public func value(logProbabilities lp: [Float]) -> Float {
        switch self {
        case .classes(let indices):
            return logSumExp(indices.map { lp[$0] })
        case .opposite(let c):
            // log(1 − p) computed stably: log1p(−exp(lp)) with p clamped below 1.
            let p = min(Double(exp(lp[c])), 1 - 1e-7)
            return Float(log1p(-p))
        case .margin(let c):
            return lp[c] - lp[Self.runnerUp(lp, excluding: c)]
        case .sum(let a, let b):
            return a.value(logProbabilities: lp) + b.value(logProbabilities: lp)
        case .scaled(let k, let a):
            return k * a.value(logProbabilities: lp)
        case .worst(let a):
            return a.value(logProbabilities: lp)
        case .logit, .layer, .match, .style, .content, .on, .stats:
            preconditionFailure("\(self) reads more than the log-softmax; use value(features:network:)")
        }
    }

    /// ∂value/∂logProbabilities (one value per class): where gradient polish starts
    /// backpropagation. Only for objectives that read nothing else.
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
        case .margin(let c):
            gradient[c] += scale
            gradient[Self.runnerUp(lp, excluding: c)] -= scale
        case .worst(let a):
            a.accumulateGradient(logProbabilities: lp, scale: scale, into: &gradient)
        case .sum(let a, let b):
            a.accumulateGradient(logProbabilities: lp, scale: scale, into: &gradient)
            b.accumulateGradient(logProbabilities: lp, scale: scale, into: &gradient)
        case .scaled(let k, let a):
            a.accumulateGradient(logProbabilities: lp, scale: scale * k, into: &gradient)
        case .logit, .layer, .match, .style, .content, .on, .stats:
            preconditionFailure("\(self) reads more than the log-softmax; use derivative(features:network:)")
        }
    }

    /// The confidence reported to users, in [0, 1]: for class terms the summed probability of
    /// the classes (1 − p for `.opposite` and for negatively weighted terms), for `.match` the
    /// probability of the picture's own top-1 class; the first term that has one decides. An
    /// objective of inner features only (`.layer`, `.style`) reports the image's top-1
    /// probability. `network` is the variant name the probabilities come from.
    public func confidence(probabilities p: [Float], network: String? = nil) -> Float {
        classConfidence(probabilities: p, network: network, negated: false) ?? (p.max() ?? 0)
    }

    func classConfidence(probabilities p: [Float], network: String?, negated: Bool) -> Float? {
        func signed(_ q: Float) -> Float { negated ? 1 - q : q }
        switch self {
        case .classes(let indices): return signed(min(1, indices.reduce(0) { $0 + p[$1] }))
        case .opposite(let c): return signed(1 - p[c])
        case .logit(let c), .margin(let c): return signed(p[c])
        case .worst(let a): return a.classConfidence(probabilities: p, network: network, negated: negated)
        case .match(let reference):
            return reference.topClass(network: network).map { signed(p[$0]) }
        case .layer, .style, .content, .stats: return nil
        case .sum(let a, let b):
            return a.classConfidence(probabilities: p, network: network, negated: negated)
                ?? b.classConfidence(probabilities: p, network: network, negated: negated)
        case .scaled(let k, let a):
            return a.classConfidence(probabilities: p, network: network, negated: k < 0 ? !negated : negated)
        case .on(let name, let a):
            guard network == nil || network == name else { return nil }
            return a.classConfidence(probabilities: p, network: network, negated: negated)
        }
    }

    /// Whether the confidence shown is the probability of something the objective wants the
    /// network to see (a class, logit or match term leads, with a positive weight). Only then
    /// does a confidence target (`--until`) make sense: `not(tench)` and `-logit(tench)` report
    /// 1 − p, which is near 1 from the start, and inner-feature objectives report the top-1
    /// probability of whatever the image shows.
    public var raisesConfidence: Bool { confidenceKind == .sought }

    /// What the confidence of this objective is.
    public enum ConfidenceKind: Sendable, Equatable {
        /// The probability of what it seeks (a class, logit or match term leads).
        case sought
        /// 1 − p of a class it wants absent (`not()`, a negative weight).
        case absence
        /// The image's top-1 probability (inner features only).
        case topOne
    }

    public var confidenceKind: ConfidenceKind {
        switch leadsWithClass(negated: false) {
        case true?: return .sought
        case false?: return .absence
        case nil: return .topOne
        }
    }

    private func leadsWithClass(negated: Bool) -> Bool? {
        switch self {
        case .classes, .logit, .match, .margin: return !negated
        case .worst(let a): return a.leadsWithClass(negated: negated)
        case .opposite: return false
        case .layer, .style, .content, .stats: return nil
        case .sum(let a, let b): return a.leadsWithClass(negated: negated) ?? b.leadsWithClass(negated: negated)
        case .scaled(let k, let a): return a.leadsWithClass(negated: k < 0 ? !negated : negated)
        case .on(_, let a): return a.leadsWithClass(negated: negated)
        }
    }

    /// The positive classes this objective pursues (for display and records).
    public var targetClasses: [Int] {
        switch self {
        case .classes(let i): return i
        case .opposite, .layer, .style, .content, .stats: return []
        case .logit(let c), .margin(let c): return [c]
        case .worst(let a): return a.targetClasses
        case .match(let reference): return reference.topClass(network: nil).map { [$0] } ?? []
        case .sum(let a, let b): return a.targetClasses + b.targetClasses
        case .scaled(let k, let a): return k > 0 ? a.targetClasses : []
        case .on(_, let a): return a.targetClasses
        }
    }

    /// The networks named by `.on` terms, in order of appearance.
    public var networks: [String] {
        switch self {
        case .classes, .opposite, .logit, .layer, .match, .style, .content, .stats, .margin: return []
        case .sum(let a, let b):
            let first = a.networks
            return first + b.networks.filter { !first.contains($0) }
        case .scaled(_, let a), .worst(let a): return a.networks
        case .on(let name, let a): return [name] + a.networks.filter { $0 != name }
        }
    }
}

extension Objective {
    /// The class with the largest log-probability other than `c`.
    static func runnerUp(_ lp: [Float], excluding c: Int) -> Int {
        var best = c == 0 ? 1 : 0
        for j in lp.indices where j != c && lp[j] > lp[best] { best = j }
        return best
    }
}

/// log Σ exp(values), stable for large or very negative inputs.
func logSumExp(_ values: [Float]) -> Float {
    guard let m = values.max(), m > -.infinity else { return -.infinity }
    var s: Float = 0
    for v in values { s += exp(v - m) }
    return m + log(s)
}
