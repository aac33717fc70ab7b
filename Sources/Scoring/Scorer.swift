import Foundation
import Imaging
import Net

/// What an objective says of one image: its value (maximised) and the confidence shown to users.
public struct ObjectiveScore: Sendable, Equatable {
    public var value: Float
    public var confidence: Float

    public init(value: Float, confidence: Float) {
        self.value = value
        self.confidence = confidence
    }
}

/// Batched scoring by one or more classifiers: preprocessing, logits, log-softmax, objective and
/// confidence for many images at once, and the objective's gradient with respect to the pixels.
///
/// The one pipeline every caller uses (evolution, polish, `classify`, the gallery). Networks are
/// indexed in the order given; each sees images at its own resolution (`resolution(of:)`).
/// A scorer owns mutable classifier scratch: give each concurrent caller its own.
public final class Scorer {
    /// One inference session per network.
    public let sessions: [InferenceSession]
    /// Images per classifier call.
    public static let batchSize = 32
    /// Images classified (forward or gradient) and seconds spent in the classifier so far, to
    /// tell how busy a run keeps it.
    public private(set) var imagesClassified = 0
    public private(set) var classifierSeconds = 0.0

    public init(sessions: [InferenceSession]) {
        precondition(!sessions.isEmpty, "a scorer needs at least one network")
        self.sessions = sessions
    }

    /// A scorer over `models`, each run on `threads` threads.
    public convenience init(models: [EfficientNetLite], threads: Int = 2) throws {
        self.init(sessions: try models.map { try InferenceSession(model: $0, threads: threads) })
    }

    public var models: [EfficientNetLite] { sessions.map(\.model) }

    /// Worker threads of each classifier call (the first network's; a scorer's share one count).
    public var threads: Int { sessions[0].threads }

    /// Input side of network `k`.
    public func resolution(of k: Int = 0) -> Int { sessions[k].model.resolution }

    /// Log-softmax rows (`classCount` values each) of `images`, each already at network `k`'s
    /// resolution, classified `batchSize` at a time.
    public func logProbabilities(_ images: [Image], network k: Int = 0) throws -> [[Float]] {
        let session = sessions[k], classes = session.model.classCount
        var rows: [[Float]] = []
        rows.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let chunk = Array(images[start..<min(start + Scorer.batchSize, images.count)])
            let input = try Preprocess.batch(chunk, resolution: session.model.resolution)
            let logits = try timed(chunk.count) { try session.logits(input, batch: chunk.count) }
            for i in 0..<chunk.count {
                rows.append(Probabilities.logSoftmax(logits[(i * classes)..<((i + 1) * classes)]))
            }
            start += chunk.count
        }
        return rows
    }

    /// The variant name of network `k` (`lite1`), as objectives' `.on` terms name it.
    public func networkName(_ k: Int) -> String {
        sessions[k].model.variant?.rawValue ?? "network\(k)"
    }

    /// The objective's value and confidence for each of `images` (at network `k`'s resolution).
    ///
    /// A statistics prior term (`.stats`) is computed over each *prior batch*: consecutive runs
    /// of `priorBatch` images (`images.count` must be a multiple), by default each image alone.
    /// Every image of a prior batch gets the same `−w · P` added to the rest of its objective,
    /// so the batch's mean value is its mean objective − w · P. Batch together only views of
    /// one picture (its framings): pictures in one prior batch would share, and couple through,
    /// one P. Without a `.stats` term `priorBatch` plays no part.
    public func evaluate(_ images: [Image], objective: Objective, network k: Int = 0,
                         priorBatch: Int = 1) throws -> [ObjectiveScore] {
        if objective.readsStatistics {
            return try evaluateWithPrior(images, objective: objective, network: k, priorBatch: priorBatch)
        }
        if objective.readsLogSoftmaxOnly {
            return try logProbabilities(images, network: k).map { objective.score(logProbabilities: $0) }
        }
        let name = networkName(k)
        let taps = objective.taps(network: name, output: true)
        return try features(images, taps: taps, network: k).map { f in
            ObjectiveScore(value: objective.value(features: f, taps: taps, network: name),
                           confidence: objective.confidence(probabilities: f.logSoftmax.map { exp($0) }, network: name))
        }
    }

    /// The features `taps` reads of each of `images` (at network `k`'s resolution), `batchSize`
    /// at a time.
    public func features(_ images: [Image], taps: FeatureTaps, network k: Int = 0) throws -> [NetworkFeatures] {
        let session = sessions[k]
        var out: [NetworkFeatures] = []
        out.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let chunk = Array(images[start..<min(start + Scorer.batchSize, images.count)])
            let input = try Preprocess.batch(chunk, resolution: session.model.resolution)
            out += try timed(chunk.count) { try session.features(input, batch: chunk.count, taps: taps) }
            start += chunk.count
        }
        return out
    }

    /// The objective's value for each image and its gradient with respect to each image's
    /// pixels (planar, in [0, 1] pixel units), in one forward and backward batch on network `k`.
    ///
    /// `gradients[n]` is ∂(Σ_m values[m])/∂images[n]. Without a `.stats` term each value
    /// depends on its own image only; with one, the values of a prior batch (`priorBatch`
    /// consecutive images, as in `evaluate`) share `−w · P` of the whole batch, so the engine
    /// runs each prior batch with prior weight `w · priorBatch` (see `gradientWithPrior`).
    public func gradient(_ images: [Image], objective: Objective, network k: Int = 0,
                         priorBatch: Int = 1) throws -> (values: [Float], gradients: [Image]) {
        if objective.readsStatistics {
            return try gradientWithPrior(images, objective: objective, network: k, priorBatch: priorBatch)
        }
        let pass = try gradientPass(images, objective: objective, network: k, prior: nil)
        return (pass.values, pass.gradients)
    }

    /// One forward and backward batch on network `k`: each image's value of `objective` (0 when
    /// nil: the prior alone), the gradient of their sum plus, with `prior`, of `−prior.weight · P`
    /// of the whole batch with respect to each image's pixels, and P's value.
    func gradientPass(_ images: [Image], objective: Objective?, network k: Int,
                      prior: StatisticsPrior?) throws -> (values: [Float], gradients: [Image], prior: PriorValue?) {
        let session = sessions[k]
        let input = try Preprocess.batch(images, resolution: session.model.resolution)
        let values: [Float], gradient: [Float], priorValue: PriorValue?
        if let objective, objective.readsLogSoftmaxOnly {
            let result = try timed(images.count) {
                try session.inputGradient(input, batch: images.count, prior: prior) { _, logSoftmax in
                    (objective.value(logProbabilities: logSoftmax), objective.gradient(logProbabilities: logSoftmax))
                }
            }
            (values, gradient, priorValue) = (result.objective, result.gradient, result.prior)
        } else {
            let name = networkName(k)
            let taps = objective?.taps(network: name) ?? .output
            let result = try timed(images.count) {
                try session.featureGradient(input, batch: images.count, taps: taps, prior: prior) { _, features in
                    objective?.derivative(features: features, taps: taps, network: name) ?? FeatureDerivative(value: 0)
                }
            }
            (values, gradient, priorValue) = (result.values, result.gradient, result.prior)
        }
        let size = input.count / max(images.count, 1)
        let gradients = images.indices.map { n in
            Image(width: images[n].width, height: images[n].height,
                  pixels: gradient[(n * size)..<((n + 1) * size)].map { $0 * Preprocess.pixelGradientScale })
        }
        return (values, gradients, priorValue)
    }

    /// Runs one classifier call on `count` images and counts it.
    func timed<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock(), start = clock.now
        defer {
            classifierSeconds += (clock.now - start).seconds
            imagesClassified += count
        }
        return try body()
    }

    /// Logits of one image of any size, prepared the way photos are (kept as is at the
    /// network's size, else centre-cropped to 87.5 % and resized; see `Image.prepareForNetwork`).
    public func logits(of image: Image, network k: Int = 0) throws -> [Float] {
        let session = sessions[k], r = session.model.resolution
        return try session.logits(try Preprocess.batch([image.prepareForNetwork(size: r)], resolution: r), batch: 1)
    }

    /// Softmax probabilities of one image of any size, prepared as in `logits(of:)`.
    public func probabilities(of image: Image, network k: Int = 0) throws -> [Float] {
        Probabilities.softmax(try logits(of: image, network: k))
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
