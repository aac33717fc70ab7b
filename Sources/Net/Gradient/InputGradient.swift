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
        var badCount: Int?
        input.withUnsafeBufferPointer { i in
            logits.withUnsafeMutableBufferPointer { l in
                values.withUnsafeMutableBufferPointer { v in
                    gradient.withUnsafeMutableBufferPointer { g in
                        guard let src = i.baseAddress, let lp = l.baseAddress, let vp = v.baseAddress, let gp = g.baseAddress else { return }
                        let job = ParallelGradient(model: model, plan: plan, workspaces: gradientWorkspaces, input: src, logits: lp,
                                                   values: vp, gradient: gp, batch: batch, workers: workers, objective: objective,
                                                   failures: FailureFlags(count: workers))
                        if workers == 1 { job.run(worker: 0) } else { DispatchQueue.concurrentPerform(iterations: workers) { job.run(worker: $0) } }
                        badCount = job.failures.first
                    }
                }
            }
        }
        if let badCount { throw NetError.objectiveDerivativeCount(expected: classes, found: badCount) }
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

/// Per-worker failures (the bad derivative length), each slot written only by its own worker.
private final class FailureFlags: @unchecked Sendable {
    private var found: [Int?]
    init(count: Int) { found = Array(repeating: nil, count: count) }
    func set(_ worker: Int, found count: Int) { found[worker] = count }
    var first: Int? { found.compactMap { $0 }.first }
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
    let failures: FailureFlags

    func run(worker: Int) {
        var start = batch * worker / workers
        let end = batch * (worker + 1) / workers
        while start < end {
            let n = min(plan.group, end - start)
            let bad = model.gradientGroup(input: input + start * model.inputSize, images: n, first: start, objective: objective,
                                         plan: plan, workspace: workspaces[worker], logits: logits + start * model.classCount,
                                         values: values + start, gradient: gradient + start * model.inputSize)
            if let bad { failures.set(worker, found: bad); return }
            start += n
        }
    }
}
