import Dispatch

/// The result of a gradient pass over a batch.
public struct InputGradient: Sendable {
    /// `batch × classCount` logits.
    public let logits: [Float]
    /// The objective's value for each image (without the prior).
    public let objective: [Float]
    /// `batch × 3 × R × R`: ∂(Σ objective − weight · prior)/∂input of each image, in the input's
    /// layout (planar, preprocessed units: multiply by 1/128 per u8 step).
    public let gradient: [Float]
    /// The statistics prior's value over the batch and its terms, when the pass had a prior.
    public let prior: PriorValue?
}

extension InferenceSession {
    /// The gradient of a per-image scalar objective of the log-softmax with respect to the
    /// input pixels, with the logits and objective values: one forward pass that keeps its
    /// activations, then the backward pass of every layer (log-softmax, FC, pooling, ReLU6,
    /// 1×1 convs as GEMMs, depthwise, residual adds, stem).
    ///
    /// - Parameters:
    ///   - input: `batch × 3 × R × R`, preprocessed as for `logits`.
    ///   - prior: a feature-statistics penalty over the whole batch (see `StatisticsPrior`),
    ///     whose `−weight ·` gradient is added in the same backward pass; nil: none.
    ///   - objective: called once per image, possibly from worker threads.
    public func inputGradient(_ input: [Float], batch: Int, prior: StatisticsPrior? = nil,
                              objective: @escaping LogSoftmaxObjective) throws -> InputGradient {
        var logits = [Float](repeating: 0, count: batch * model.classCount)
        let result = try logits.withUnsafeMutableBufferPointer { l in
            try pass(input, batch: batch, taps: .output, prior: prior, backward: true, logits: l.baseAddress) { n, features in
                let (value, derivative) = objective(n, features.logSoftmax)
                return FeatureDerivative(value: value, logSoftmax: derivative)
            }
        }
        return InputGradient(logits: logits, objective: result.values, gradient: result.gradient, prior: result.prior)
    }

    /// The gradient of `Σ_c weights[n, c] · logSoftmax(logits[n])[c]` for each image `n` (less
    /// `prior.weight ×` the statistics prior over the batch, when given).
    ///
    /// - Parameter logSoftmaxWeights: `batch × classCount` weights (e.g. 1 on a target class).
    public func inputGradient(_ input: [Float], batch: Int, logSoftmaxWeights weights: [Float],
                              prior: StatisticsPrior? = nil) throws -> InputGradient {
        let classes = model.classCount
        guard weights.count == batch * classes else {
            throw NetError.invalidArgument(name: "logSoftmaxWeights.count", value: weights.count, reason: "must be batch × \(classes)")
        }
        return try inputGradient(input, batch: batch, prior: prior) { n, logSoftmax in
            let w = Array(weights[(n * classes)..<((n + 1) * classes)])
            return (zip(w, logSoftmax).reduce(0) { $0 + $1.0 * $1.1 }, w)
        }
    }

    /// The gradient of a per-image objective of any of the network's features (inner blocks'
    /// outputs, pooled features, log-softmax) with respect to the input pixels, less
    /// `prior.weight ×` the statistics prior's when given. A pass runs only up to the deepest
    /// layer its taps read or its prior counts.
    public func featureGradient(_ input: [Float], batch: Int, taps: FeatureTaps, prior: StatisticsPrior? = nil,
                                objective: @escaping FeatureObjective) throws -> FeatureGradient {
        try pass(input, batch: batch, taps: taps, prior: prior, backward: true, logits: nil, objective: objective)
    }

    /// The tapped features of each image (forward only, through the same stored-activation pass).
    public func features(_ input: [Float], batch: Int, taps: FeatureTaps) throws -> [NetworkFeatures] {
        try collectFeatures(input, batch: batch, taps: taps, prior: nil).features
    }

    /// The tapped features of each image and the statistics prior's value over the whole batch,
    /// from one forward pass (the prior's weight plays no part): what scoring an objective with
    /// a prior term needs, without a second pass for the prior.
    public func features(_ input: [Float], batch: Int, taps: FeatureTaps,
                         prior: StatisticsPrior) throws -> (features: [NetworkFeatures], prior: PriorValue) {
        let collected = try collectFeatures(input, batch: batch, taps: taps, prior: prior)
        return (collected.features, collected.prior ?? PriorValue(terms: []))
    }

    /// One forward pass keeping every image's tapped features, and the prior's value if asked.
    private func collectFeatures(_ input: [Float], batch: Int, taps: FeatureTaps,
                                 prior: StatisticsPrior?) throws -> (features: [NetworkFeatures], prior: PriorValue?) {
        let collected = FeatureCollector(count: batch)
        let result = try pass(input, batch: batch, taps: taps, prior: prior, backward: false, logits: nil) { n, features in
            collected.store(features, at: n)
            return FeatureDerivative(value: 0)
        }
        return (collected.all(), result.prior)
    }

    /// The statistics prior's value over `batch` preprocessed images and its per-layer terms,
    /// from one forward pass (the prior's weight plays no part).
    public func statisticsPrior(_ input: [Float], batch: Int, prior: StatisticsPrior = StatisticsPrior()) throws -> PriorValue {
        let result = try pass(input, batch: batch, taps: .output, prior: prior, backward: false, logits: nil) { _, _ in
            FeatureDerivative(value: 0)
        }
        return result.prior ?? PriorValue(terms: [])
    }

    /// One pass over the batch. Without a prior each worker runs its groups forward and backward
    /// in turn. With one, the statistics couple all images, so it takes two rounds: every worker
    /// runs its groups forward, summing each counted layer's statistics; the sums of all workers
    /// give the prior and its gradient coefficients; then each worker runs the backward of its
    /// last group (still in its arena) and forward and backward of its other groups again.
    private func pass(_ input: [Float], batch: Int, taps: FeatureTaps, prior: StatisticsPrior?, backward: Bool,
                      logits: UnsafeMutablePointer<Float>?, objective: @escaping FeatureObjective) throws -> FeatureGradient {
        try checkInput(input.count, batch: batch)
        if let bad = taps.blocks.first(where: { $0 < 0 || $0 >= model.architecture.blocks.count }) {
            throw NetError.invalidArgument(name: "tapped block", value: bad, reason: "must be in 0..<\(model.architecture.blocks.count)")
        }
        let plan = gradientPlan
        let priorPlan = try prior.map { try PriorPlan(model: model, plan: plan, prior: $0) }
        var values = [Float](repeating: 0, count: batch)
        var gradient = [Float](repeating: 0, count: backward ? input.count : 0)
        let workers = tuning.parallelism == .splitBatch ? min(threads, batch) : 1
        while gradientWorkspaces.count < workers {
            gradientWorkspaces.append(GradientWorkspace(plan: plan, architecture: model.architecture))
        }
        let workspaces = Array(gradientWorkspaces.prefix(workers))
        if let priorPlan {
            for ws in workspaces { ws.prepare(for: priorPlan, arenaFloats: plan.arenaFloats) }
        }
        setBLASThreads(workers: workers)
        // Per worker: the expected and found length of a bad objective derivative, or (−1, −1).
        // One allocated buffer, each slot written only by its own worker.
        var failures = [(Int, Int)](repeating: (-1, -1), count: workers)
        var priorValue: PriorValue?
        input.withUnsafeBufferPointer { i in
            values.withUnsafeMutableBufferPointer { v in
                gradient.withUnsafeMutableBufferPointer { g in
                    failures.withUnsafeMutableBufferPointer { f in
                        guard let src = i.baseAddress, let vp = v.baseAddress, let fp = f.baseAddress else { return }
                        let extent = PassExtent(taps: taps, prior: priorPlan, architecture: model.architecture)
                        func run(_ round: ParallelGradient.Round) {
                            let job = ParallelGradient(model: model, plan: plan, workspaces: workspaces, input: src, logits: logits,
                                                       values: vp, gradient: backward ? g.baseAddress : nil, batch: batch,
                                                       workers: workers, taps: taps, extent: extent, objective: objective,
                                                       failures: fp, round: round)
                            if workers == 1 { job.run(worker: 0) } else { DispatchQueue.concurrentPerform(iterations: workers) { job.run(worker: $0) } }
                        }
                        guard let priorPlan else { return run(.whole) }
                        run(.gather(priorPlan))
                        var sums = [Double](repeating: 0, count: 2 * priorPlan.channels)
                        for ws in workspaces {
                            for k in sums.indices { sums[k] += ws.statistics[k] }
                        }
                        let (value, priorGradient) = priorPlan.evaluate(statistics: sums, batch: batch)
                        priorValue = value
                        if backward { run(.backward(priorGradient)) }
                    }
                }
            }
        }
        if let bad = failures.first(where: { $0.0 >= 0 }) {
            throw NetError.objectiveDerivativeCount(expected: bad.0, found: bad.1)
        }
        return FeatureGradient(values: values, gradient: gradient, prior: priorValue)
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
    /// What a call of `run` does with a worker's groups of images.
    enum Round {
        /// Without a prior: forward (and backward) of each group in turn.
        case whole
        /// A prior's first round: each group forward, summing the prior's statistics; a
        /// forward-only pass also reads the objective here.
        case gather(PriorPlan)
        /// A prior's second round: backward of the last group (still in the arena), then forward
        /// and backward of the others; the prior's gradient coefficients (nil for weight 0).
        case backward(PriorGradient?)
    }

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
    let extent: PassExtent
    let objective: FeatureObjective
    /// One slot per worker: the expected and found length of a bad derivative ((−1, −1): none).
    let failures: UnsafeMutablePointer<(Int, Int)>
    let round: Round

    func run(worker: Int) {
        let first = batch * worker / workers, end = batch * (worker + 1) / workers
        let ws = workspaces[worker]
        // the worker's groups: image ranges of at most `plan.group`
        var groups = Array(stride(from: first, to: end, by: plan.group).map { $0..<min($0 + plan.group, end) })
        switch round {
        case .whole:
            for group in groups {
                guard runGroup(group, worker: worker, forward: true, prior: nil, step: nil) else { return }
            }
        case let .gather(prior):
            for group in groups {
                // a gradient pass keeps the pre-activations of the group whose backward comes first
                let step = PriorStep(plan: prior, gather: true, keep: gradient != nil && group == groups.last)
                if gradient == nil {
                    _ = runGroup(group, worker: worker, forward: true, prior: nil, step: step)
                } else {
                    model.storedForward(input: input + group.lowerBound * model.inputSize, images: group.count, extent: extent,
                                        prior: step, plan: plan, workspace: ws)
                }
            }
        case let .backward(prior):
            guard let last = groups.popLast() else { return }
            guard runGroup(last, worker: worker, forward: false, prior: prior, step: nil) else { return }
            for group in groups {
                guard runGroup(group, worker: worker, forward: true, prior: prior, step: nil) else { return }
            }
        }
    }

    /// Forward (with `step` for the prior, when `forward`) and, in a gradient pass, backward of
    /// one group; the objective's values and the logits. False after a bad objective derivative.
    private func runGroup(_ group: Range<Int>, worker: Int, forward: Bool, prior: PriorGradient?, step: PriorStep?) -> Bool {
        let start = group.lowerBound, n = group.count, classes = model.classCount, ws = workspaces[worker]
        let images = input + start * model.inputSize
        if let gradient {
            if let bad = model.gradientGroup(input: images, images: n, first: start, taps: taps, extent: extent, forward: forward,
                                             prior: prior, objective: objective, plan: plan, workspace: ws, values: values + start,
                                             gradient: gradient + start * model.inputSize) {
                failures[worker] = bad
                return false
            }
        } else {
            if forward { model.storedForward(input: images, images: n, extent: extent, prior: step, plan: plan, workspace: ws) }
            for j in 0..<n {
                values[start + j] = objective(start + j, model.storedFeatures(image: j, taps: taps, plan: plan, workspace: ws)).value
            }
        }
        if let logits, taps.output {
            (logits + start * classes).update(from: ws.logits.pointer, count: n * classes)
        }
        return true
    }
}
