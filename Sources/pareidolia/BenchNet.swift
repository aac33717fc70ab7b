import ArgumentParser
import Foundation
import Net
import Search

/// `pareidolia bench net`: classifier throughput in images per second.
struct BenchNet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "net",
        abstract: "Classifier throughput (images/s) on random input; prints one machine-readable line per batch size.",
        discussion: """
            Line format (as ../shared/bench/ort_lite0.py prints for ONNX Runtime):
              pareidolia lite0 batch=16 threads=2 images_per_s=…
            Example:
              swift run -c release pareidolia bench net --batch 16 --batch 64
            """)

    @Option(help: "Batch size (repeatable).") var batch: [Int] = [16]
    @Option(help: "Classifier: lite0, lite1 or lite2.") var model = "lite0"
    @Option(parsing: .unconditional, help: "Threads.") var threads = 2
    @Option(parsing: .unconditional, help: "Timed runs per batch size (the median is reported).") var runs = 7

    func validate() throws {
        guard batch.allSatisfy({ (1...512).contains($0) }) else { throw ValidationError("--batch must be 1…512") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1…64") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let net = try ModelCache().model(model)
        for b in batch {
            let result = try NetBenchmark.run(model: net, batch: b, threads: threads, runs: runs)
            print(result)
        }
    }
}
