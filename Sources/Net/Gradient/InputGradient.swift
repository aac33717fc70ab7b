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
        try checkInput(input.count, batch: batch)
        let classes = model.classCount
        var logits = [Float](repeating: 0, count: batch * classes)
        var values = [Float](repeating: 0, count: batch)
        var gradient = [Float](repeating: 0, count: input.count)
        let workers = tuning.parallelism == .splitBatch ? min(threads, batch) : 1
        let plan = gradientPlan
        while gradientWorkspaces.count < workers {
            gradientWorkspaces.append(GradientWorkspace(plan: plan, architecture: model.architecture))
        }
        setBLASThreads(workers: workers)
        // Per worker: the length of a bad objective derivative, or −1. One allocated buffer,
        // each slot written only by its own worker.
        var failures = [Int](repeating: -1, count: workers)
        input.withUnsafeBufferPointer { i in
            logits.withUnsafeMutableBufferPointer { l in
                values.withUnsafeMutableBufferPointer { v in
                    gradient.withUnsafeMutableBufferPointer { g in
                        failures.withUnsafeMutableBufferPointer { f in
                            guard let src = i.baseAddress, let lp = l.baseAddress, let vp = v.baseAddress, let gp = g.baseAddress,
                                  let fp = f.baseAddress else { return }
                            let job = ParallelGradient(model: model, plan: plan, workspaces: gradientWorkspaces, input: src, logits: lp,
                                                       values: vp, gradient: gp, batch: batch, workers: workers, objective: objective,
                                                       failures: fp)
                            if workers == 1 { job.run(worker: 0) } else { DispatchQueue.concurrentPerform(iterations: workers) { job.run(worker: $0) } }
                        }
                    }
                }
            }
        }
        if let badCount = failures.first(where: { $0 >= 0 }) {
            throw NetError.objectiveDerivativeCount(expected: classes, found: badCount)
        }
        return InputGradient(logits: logits, objective: values, gradient: gradient)
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
}

/// One parallel gradient call: each worker owns one workspace and a disjoint image range of
/// the input and outputs, which is why sharing it across worker threads is safe.
private struct ParallelGradient: @unchecked Sendable {
    let model: EfficientNetLite
    let plan: GradientPlan
    let workspaces: [GradientWorkspace]
    let input: UnsafePointer<Float>
    let logits: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    let gradient: UnsafeMutablePointer<Float>
    let batch: Int
    let workers: Int
    let objective: LogSoftmaxObjective
    /// One slot per worker: the bad derivative length it met (−1: none).
    let failures: UnsafeMutablePointer<Int>

    func run(worker: Int) {
        var start = batch * worker / workers
        let end = batch * (worker + 1) / workers
        while start < end {
            let n = min(plan.group, end - start)
            let bad = model.gradientGroup(input: input + start * model.inputSize, images: n, first: start, objective: objective,
                                         plan: plan, workspace: workspaces[worker], logits: logits + start * model.classCount,
                                         values: values + start, gradient: gradient + start * model.inputSize)
            if let bad { failures[worker] = bad; return }
            start += n
        }
    }
}
