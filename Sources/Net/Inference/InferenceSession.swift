import Dispatch

/// Runs an `EfficientNetLite` on batches of images, reusing its scratch memory across calls.
///
/// Input contract: `batch` images, each planar RGB (`3 × R × R` floats: all red, then green,
/// then blue, rows top to bottom), `R = model.resolution`, every value already preprocessed as
/// `(u8 − 127) / 128` (so in [−0.99, 1.0]). Output: `batch × model.classCount` logits, image-major.
///
/// Parallelism: a batch is split into contiguous image ranges, one per thread, each run start
/// to end with single-threaded OpenBLAS in its own workspace (no barriers, caches stay warm).
/// A batch smaller than the thread count runs on one thread with multi-threaded OpenBLAS GEMMs.
/// OpenBLAS's thread count is process-wide, so the session sets it at each call.
///
/// A session is not thread-safe (it owns mutable scratch); give each concurrent caller its own.
/// The model it wraps is immutable and can be shared.
public final class InferenceSession {
    public let model: EfficientNetLite
    /// Threads used per call.
    public let threads: Int
    /// Scheduling parameters (group size, strip budgets, parallelism).
    public let tuning: ExecutionTuning
    let plan: ForwardPlan
    /// The plan of `activations`: groups of one, so every layer's output is one dense image.
    let tracePlan: ForwardPlan
    private var workspaces: [Workspace] = []
    var gradientWorkspaces: [GradientWorkspace] = []
    lazy var gradientPlan = GradientPlan(model.architecture, resolution: model.resolution, group: tuning.gradientGroup)

    /// - Parameters:
    ///   - threads: worker threads per call (≥ 1).
    ///   - tuning: scheduling parameters; the defaults suit any Lite variant.
    public init(model: EfficientNetLite, threads: Int = 2, tuning: ExecutionTuning = ExecutionTuning()) throws {
        guard threads >= 1, threads <= 256 else { throw NetError.invalidArgument(name: "threads", value: threads, reason: "must be in 1...256") }
        guard tuning.group >= 1, tuning.group <= 256 else { throw NetError.invalidArgument(name: "group", value: tuning.group, reason: "must be in 1...256") }
        guard tuning.gradientGroup >= 1, tuning.gradientGroup <= 256 else {
            throw NetError.invalidArgument(name: "gradientGroup", value: tuning.gradientGroup, reason: "must be in 1...256")
        }
        guard tuning.windowBudget >= 1, tuning.lateWindowBudget >= 1 else {
            throw NetError.invalidArgument(name: "windowBudget", value: min(tuning.windowBudget, tuning.lateWindowBudget), reason: "must be positive")
        }
        self.model = model
        self.threads = threads
        self.tuning = tuning
        plan = ForwardPlan(model.architecture, resolution: model.resolution, tuning: tuning)
        tracePlan = ForwardPlan(model.architecture, resolution: model.resolution,
                                tuning: ExecutionTuning(group: 1, lateSide: tuning.lateSide, windowBudget: tuning.windowBudget,
                                                        lateWindowBudget: tuning.lateWindowBudget))
    }

    /// Logits of `batch` preprocessed images: `batch × classCount` floats.
    public func logits(_ input: [Float], batch: Int) throws -> [Float] {
        try checkInput(input.count, batch: batch)
        var out = [Float](repeating: 0, count: batch * model.classCount)
        try input.withUnsafeBufferPointer { i in
            try out.withUnsafeMutableBufferPointer { o in try logits(i, batch: batch, into: o) }
        }
        return out
    }

    /// Writes the logits of `batch` preprocessed images into `output` (`batch × classCount` floats).
    package func logits(_ input: UnsafeBufferPointer<Float>, batch: Int, into output: UnsafeMutableBufferPointer<Float>) throws {
        try checkInput(input.count, batch: batch)
        guard output.count >= batch * model.classCount, let src = input.baseAddress, let dst = output.baseAddress else {
            throw NetError.invalidArgument(name: "output.count", value: output.count, reason: "must hold batch × \(model.classCount) logits")
        }
        let workers = tuning.parallelism == .splitBatch ? min(threads, batch) : 1
        prepareWorkspaces(workers)
        setBLASThreads(workers: workers)
        if workers == 1 {
            model.forward(input: src, count: batch, plan: plan, workspace: workspaces[0], logits: dst)
            return
        }
        let job = ParallelForward(model: model, plan: plan, workspaces: workspaces, input: src, output: dst,
                                  batch: batch, workers: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { job.run(worker: $0) }
    }

    /// Every layer's output for one preprocessed image (`3 × R × R` floats), for localising a
    /// numerical mismatch against reference activations.
    public func activations(_ image: [Float]) throws -> [LayerActivation] {
        try checkInput(image.count, batch: 1)
        if BLAS.threads != threads { BLAS.threads = threads }
        var layers: [LayerActivation] = []
        var logits = [Float](repeating: 0, count: model.classCount)
        try image.withUnsafeBufferPointer { i in
            try logits.withUnsafeMutableBufferPointer { o in
                guard let src = i.baseAddress, let dst = o.baseAddress else {
                    throw NetError.inputSizeMismatch(expected: model.inputSize, found: i.count)
                }
                let workspace = Workspace(plan: tracePlan, headChannels: model.architecture.headChannels)
                model.forward(input: src, count: 1, plan: tracePlan, workspace: workspace, logits: dst) { name, shape, values in
                    layers.append(LayerActivation(name: name, shape: shape, values: Array(values)))
                }
            }
        }
        layers.append(LayerActivation(name: "logits", shape: [model.classCount], values: logits))
        return layers
    }

    func checkInput(_ count: Int, batch: Int) throws {
        guard batch >= 1 else { throw NetError.invalidArgument(name: "batch", value: batch, reason: "must be at least 1") }
        guard count == batch * model.inputSize else { throw NetError.inputSizeMismatch(expected: batch * model.inputSize, found: count) }
    }

    /// One worker gets all the threads for OpenBLAS; several workers run it single-threaded.
    func setBLASThreads(workers: Int) {
        let blasThreads = workers == 1 ? threads : 1
        if BLAS.threads != blasThreads { BLAS.threads = blasThreads }
    }

    private func prepareWorkspaces(_ count: Int) {
        while workspaces.count < count {
            workspaces.append(Workspace(plan: plan, headChannels: model.architecture.headChannels))
        }
    }
}

/// The shared description of one parallel forward call; each worker touches only its own
/// workspace and its own disjoint image range of `input` and `output`, which is why sharing
/// it across the worker threads is safe.
private struct ParallelForward: @unchecked Sendable {
    let model: EfficientNetLite
    let plan: ForwardPlan
    let workspaces: [Workspace]
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let batch: Int
    let workers: Int

    func run(worker: Int) {
        let start = batch * worker / workers, end = batch * (worker + 1) / workers
        guard end > start else { return }
        model.forward(input: input + start * model.inputSize, count: end - start, plan: plan, workspace: workspaces[worker],
                      logits: output + start * model.classCount)
    }
}
