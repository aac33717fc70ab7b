import ArgumentParser
import Foundation
import Net
import Polish
import Search

/// `pareidolia bench polish`: one gradient step against one forward pass at the same batch.
struct BenchPolish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "polish",
        abstract: "Cost of one gradient step (forward + backward to the pixels) relative to one forward pass.")

    @Option(help: "Batch size (repeatable).") var batch: [Int] = [1, 16]
    @Option(help: "Classifier: lite0, lite1 or lite2.") var model = "lite0"
    @Option(parsing: .unconditional, help: "Timed runs per batch size.") var runs = 5

    func run() throws {
        let session = try InferenceSession(model: try ModelCache().model(model))
        for b in batch {
            let t = try PolishBenchmark.run(session: session, batch: b, runs: runs)
            print(String(format: "pareidolia %@ polish batch=%d forward_s=%.4f gradient_s=%.4f ratio=%.2f",
                         model as NSString, b, t.forwardSeconds, t.gradientSeconds, t.ratio))
        }
    }
}
