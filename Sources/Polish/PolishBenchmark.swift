import Net

/// Benchmark 4 of the architecture: the cost of one polish (gradient) step relative to one
/// forward pass at the same batch size.
public enum PolishBenchmark {
    /// Median seconds of a forward pass and of a gradient pass (`NetBenchmark.gradientCost`)
    /// for `batch` images on `session`'s model and threads, and gradient / forward.
    public static func run(session: InferenceSession, batch: Int,
                           runs: Int = 5) throws -> (forwardSeconds: Double, gradientSeconds: Double, ratio: Double) {
        let cost = try NetBenchmark.gradientCost(model: session.model, batch: batch, threads: session.threads,
                                                 runs: runs, tuning: session.tuning)
        return (cost.forwardSeconds, cost.gradientSeconds, cost.gradientSeconds / cost.forwardSeconds)
    }
}
