import Dispatch

/// Times the classifier the way the ONNX Runtime baseline (`ort_lite0.py`) does: a random input
/// in [−1, 1] prepared once, `warmup` untimed runs, then `runs` timed runs; images/s is
/// `batch / median run time`.
public enum NetBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public let variant: String
        public let batch: Int
        public let threads: Int
        /// `batch / median seconds per run`.
        public let imagesPerSecond: Double
        public let medianSeconds: Double
        public let minSeconds: Double
        public let maxSeconds: Double
        public let runs: Int
        /// Useful multiply-adds × 2 per second at the median.
        public let gigaflops: Double
        /// The OpenBLAS kernel family in use (e.g. "SkylakeX").
        public let blasCore: String

        /// One machine-readable line: `pareidolia lite0 batch=16 threads=2 images_per_s=…`.
        public var description: String {
            "pareidolia \(variant) batch=\(batch) threads=\(threads) images_per_s=" + String(format2: imagesPerSecond)
        }
    }

    /// Runs `model` on a fixed random batch and reports throughput.
    public static func run(model: EfficientNetLite, batch: Int, threads: Int, runs: Int = 7, warmup: Int = 2,
                           tuning: ExecutionTuning = ExecutionTuning()) throws -> Result {
        guard runs >= 1 else { throw NetError.invalidArgument(name: "runs", value: runs, reason: "must be at least 1") }
        let session = try InferenceSession(model: model, threads: threads, tuning: tuning)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let input = (0..<(batch * model.inputSize)).map { _ -> Float in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int(state >> 40)) / Float(1 << 23) - 1
        }
        var output = [Float](repeating: 0, count: batch * model.classCount)
        var times: [Double] = []
        try input.withUnsafeBufferPointer { i in
            try output.withUnsafeMutableBufferPointer { o in
                for run in 0..<(warmup + runs) {
                    let start = DispatchTime.now().uptimeNanoseconds
                    try session.logits(i, batch: batch, into: o)
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    if run >= warmup { times.append(seconds) }
                }
            }
        }
        times.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        return Result(variant: model.variant?.rawValue ?? "custom", batch: batch, threads: threads,
                      imagesPerSecond: Double(batch) / median, medianSeconds: median,
                      minSeconds: times.first ?? median, maxSeconds: times.last ?? median, runs: runs,
                      gigaflops: 2 * Double(model.multiplyAdds) * Double(batch) / median / 1e9, blasCore: BLAS.coreName)
    }
}

extension NetBenchmark {
    /// Median seconds of a forward pass and of a gradient pass (forward keeping activations +
    /// backward to the input) on the same random batch: the cost of one polish step.
    public static func gradientCost(model: EfficientNetLite, batch: Int, threads: Int, runs: Int = 5,
                                    tuning: ExecutionTuning = ExecutionTuning()) throws -> (forwardSeconds: Double, gradientSeconds: Double) {
        guard runs >= 1, batch >= 1 else { throw NetError.invalidArgument(name: "runs", value: runs, reason: "runs and batch must be at least 1") }
        let session = try InferenceSession(model: model, threads: threads, tuning: tuning)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let input = (0..<(batch * model.inputSize)).map { _ -> Float in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int(state >> 40)) / Float(1 << 23) - 1
        }
        var weights = [Float](repeating: 0, count: batch * model.classCount)
        for n in 0..<batch { weights[n * model.classCount + n % model.classCount] = 1 }
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for run in 0..<(runs + 1) {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                if run > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
            }
            return times.sorted()[times.count / 2]
        }
        let forward = try median { _ = try session.logits(input, batch: batch) }
        let gradient = try median { _ = try session.inputGradient(input, batch: batch, logSoftmaxWeights: weights) }
        return (forward, gradient)
    }

    /// GFLOP/s of one `size³` single-precision GEMM through OpenBLAS with `threads` threads (best
    /// of `runs`): the machine's ceiling for the convolutions, to put images/s in context.
    public static func gemmGigaflops(size: Int = 1024, threads: Int, runs: Int = 5) -> Double {
        let a = [Float](repeating: 0.5, count: size * size), b = [Float](repeating: 0.25, count: size * size)
        var c = [Float](repeating: 0, count: size * size)
        let saved = BLAS.threads
        BLAS.threads = threads
        defer { BLAS.threads = saved }
        var best = Double.infinity
        a.withBase { pa in
            b.withBase { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let out = pc.baseAddress else { return }
                    for _ in 0..<max(runs, 1) {
                        let start = DispatchTime.now().uptimeNanoseconds
                        BLAS.gemm(m: size, n: size, k: size, a: pa, lda: size, b: pb, ldb: size, transposeB: false,
                                  c: out, ldc: size, beta: 0)
                        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    }
                }
            }
        }
        return 2 * Double(size * size * size) / best / 1e9
    }
}

extension String {
    /// A non-negative number with two decimals, e.g. `255.30`.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
    }
}
