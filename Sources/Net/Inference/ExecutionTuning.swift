/// How a worker schedules the network; the defaults were the fastest measured (CPU time per
/// image) on the 2-vCPU AMD EPYC development machine.
public struct ExecutionTuning: Sendable, Equatable {
    /// Images pushed together through the late blocks (those whose input side is at most
    /// `lateSide`), so their GEMMs span several images and reuse each packed weight panel.
    public var group: Int
    /// Blocks whose input is at most this many pixels wide run on groups of images; earlier
    /// blocks (large activations, small weights) run one image at a time.
    public var lateSide: Int
    /// Floats of expanded activations one strip of one image may hold (about half an L2 cache).
    public var windowBudget: Int
    /// The same for a strip of a whole group in the late blocks.
    public var lateWindowBudget: Int
    /// How a call uses its threads.
    public var parallelism: Parallelism
    /// Images a gradient pass pushes through the layers together (their activations are kept).
    public var gradientGroup: Int

    /// How a call uses several threads.
    public enum Parallelism: Sendable, Equatable {
        /// Split the batch into one contiguous range of images per thread, each run start to end
        /// with single-threaded OpenBLAS (no synchronisation; every kernel runs in parallel).
        case splitBatch
        /// One worker; only the GEMMs use the threads (OpenBLAS's own); depthwise and
        /// epilogues run on one thread. Kept for comparison and for batches of one.
        case blasThreads
    }

    public init(group: Int = 8, lateSide: Int = 14, windowBudget: Int = 1 << 17, lateWindowBudget: Int = 1 << 17,
                parallelism: Parallelism = .splitBatch, gradientGroup: Int = 2) {
        self.group = group
        self.lateSide = lateSide
        self.windowBudget = windowBudget
        self.lateWindowBudget = lateWindowBudget
        self.parallelism = parallelism
        self.gradientGroup = gradientGroup
    }
}
