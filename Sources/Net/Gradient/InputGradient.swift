import Dispatch

/// The result of a gradient pass over a batch.
public struct InputGradient: Sendable {
    /// `batch × classCount` logits.
    public let logits: [Float]
    /// The objective's value for each image.
    public let objective: [Float]
    /// `batch × 3 × R × R`: ∂objective/∂input of each image, in the input's layout (planar,
    /// preprocessed units: multiply by 1/128 per u8 step).
    public let gradient: [Float]
}

extension InferenceSession {
    /// The gradient of a per-image scalar objective of the log-softmax with respect to the
    /// input pixels, with the logits and objective values: one forward pass that keeps its
    /// activations, then the backward pass of every layer (log-softmax, FC, pooling, ReLU6,
    /// 1×1 convs as GEMMs, depthwise, residual adds, stem).
    ///
    /// - Parameters:
    ///   - input: `batch × 3 × R × R`, preprocessed as for `logits`.
    ///   - objective: called once per image, possibly from worker threads.
    public func inputGradient(_ input: [Float], batch: Int, objective: @escaping LogSoftmaxObjective) throws -> InputGradient {
        var logits = [Float](repeating: 0, count: batch * model.classCount)
        let result = try logits.withUnsafeMutableBufferPointer { l in
            try pass(input, batch: batch, taps: .output, backward: true, logits: l.baseAddress) { n, features in
                let (value, derivative) = objective(n, features.logSoftmax)
                return FeatureDerivative(value: value, logSoftmax: derivative)
            }
        }
        return InputGradient(logits: logits, objective: result.values, gradient: result.gradient)
    }

    /// The gradient of `Σ_c weights[n, c] · logSoftmax(logits[n])[c]` for each image `n`.
    ///
    /// - Parameter logSoftmaxWeights: `batch × classCount` weights (e.g. 1 on a target class).
    public func inputGradient(_ input: [Float], batch: Int, logSoftmaxWeights weights: [Float]) throws -> InputGradient {
        let classes = model.classCount
        guard weights.count == batch * classes else {
            throw NetError.invalidArgument(name: "logSoftmaxWeights.count", value: weights.count, reason: "must be batch × \(classes)")
        }
        return try inputGradient(input, batch: batch) { n, logSoftmax in
            let w = Array(weights[(n * classes)..<((n + 1) * classes)])
            return (zip(w, logSoftmax).reduce(0) { $0 + $1.0 * $1.1 }, w)
        }
    }

    /// The gradient of a per-image objective of any of the network's features (inner blocks'
    /// outputs, pooled features, log-softmax) with respect to the input pixels. A pass whose taps
    /// do not read the output runs only up to the deepest tapped block.
    public func featureGradient(_ input: [Float], batch: Int, taps: FeatureTaps,
                                objective: @escaping FeatureObjective) throws -> FeatureGradient {
        try pass(input, batch: batch, taps: taps, backward: true, logits: nil, objective: objective)
    }

    /// The tapped features of each image (forward only, through the same stored-activation pass).
    public func features(_ input: [Float], batch: Int, taps: FeatureTaps) throws -> [NetworkFeatures] {
        let collected = FeatureCollector(count: batch)
        _ = try pass(input, batch: batch, taps: taps, backward: false, logits: nil) { n, features in
            collected.store(features, at: n)
            return FeatureDerivative(value: 0)
        }
        return collected.all()
    }

    private func pass(_ input: [Float], batch: Int, taps: FeatureTaps, backward: Bool, logits: UnsafeMutablePointer<Float>?,
                      objective: @escaping FeatureObjective) throws -> FeatureGradient {
        try checkInput(input.count, batch: batch)
        if let bad = taps.blocks.first(where: { $0 < 0 || $0 >= model.architecture.blocks.count }) {
            throw NetError.invalidArgument(name: "tapped block", value: bad, reason: "must be in 0..<\(model.architecture.blocks.count)")
        }
        var values = [Float](repeating: 0, count: batch)
        var gradient = [Float](repeating: 0, count: backward ? input.count : 0)
        let workers = tuning.parallelism == .splitBatch ? min(threads, batch) : 1
        let plan = gradientPlan
        while gradientWorkspaces.count < workers {
            gradientWorkspaces.append(GradientWorkspace(plan: plan, architecture: model.architecture))
        }
        setBLASThreads(workers: workers)
        // Per worker: the expected and found length of a bad objective derivative, or (−1, −1).
        // One allocated buffer, each slot written only by its own worker.
        var failures = [(Int, Int)](repeating: (-1, -1), count: workers)
        input.withUnsafeBufferPointer { i in
            values.withUnsafeMutableBufferPointer { v in
                gradient.withUnsafeMutableBufferPointer { g in
                    failures.withUnsafeMutableBufferPointer { f in
                        guard let src = i.baseAddress, let vp = v.baseAddress, let fp = f.baseAddress else { return }
                        let job = ParallelGradient(model: model, plan: plan, workspaces: gradientWorkspaces, input: src, logits: logits,
                                                   values: vp, gradient: backward ? g.baseAddress : nil, batch: batch, workers: workers, taps: taps,
                                                   objective: objective, failures: fp)
                        if workers == 1 { job.run(worker: 0) } else { DispatchQueue.concurrentPerform(iterations: workers) { job.run(worker: $0) } }
                    }
                }
            }
        }
        if let bad = failures.first(where: { $0.0 >= 0 }) {
            throw NetError.objectiveDerivativeCount(expected: bad.0, found: bad.1)
        }
        return FeatureGradient(values: values, gradient: gradient)
    }
}

/// Per-image feature slots filled by the workers of one forward pass, each slot by one worker.
private final class FeatureCollector: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<NetworkFeatures?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ features: NetworkFeatures, at index: Int) { slots[index] = features }

    func all() -> [NetworkFeatures] { slots.map { $0! } }
}

/// One parallel gradient call: each worker owns one workspace and a disjoint image range of
/// the input and outputs, which is why sharing it across worker threads is safe.
private struct ParallelGradient: @unchecked Sendable {
    let model: EfficientNetLite
    let plan: GradientPlan
    let workspaces: [GradientWorkspace]
    let input: UnsafePointer<Float>
    /// `batch × classCount` logits to fill, or nil.
    let logits: UnsafeMutablePointer<Float>?
    let values: UnsafeMutablePointer<Float>
    /// `batch × 3 × R × R`, or nil for a forward-only pass.
    let gradient: UnsafeMutablePointer<Float>?
    let batch: Int
    let workers: Int
    let taps: FeatureTaps
    let objective: FeatureObjective
    /// One slot per worker: the expected and found length of a bad derivative ((−1, −1): none).
    let failures: UnsafeMutablePointer<(Int, Int)>

    func run(worker: Int) {
        var start = batch * worker / workers
        let end = batch * (worker + 1) / workers
        let ws = workspaces[worker], classes = model.classCount
        while start < end {
            let n = min(plan.group, end - start)
            let images = input + start * model.inputSize
            if let gradient {
                if let bad = model.gradientGroup(input: images, images: n, first: start, taps: taps, objective: objective,
                                                 plan: plan, workspace: ws, values: values + start,
                                                 gradient: gradient + start * model.inputSize) {
                    failures[worker] = bad
                    return
                }
            } else {
                model.storedForward(input: images, images: n, taps: taps, plan: plan, workspace: ws)
                for j in 0..<n {
                    values[start + j] = objective(start + j, model.storedFeatures(image: j, taps: taps, plan: plan, workspace: ws)).value
                }
            }
            if let logits, taps.output {
                (logits + start * classes).update(from: ws.logits.pointer, count: n * classes)
            }
            start += n
        }
    }
}
