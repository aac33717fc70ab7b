import ArgumentParser
import Foundation
import Net
import Polish
import Scoring
import Search

/// `pareidolia bench polish`: one gradient step against one forward pass at the same batch; with
/// `--objective`, the cost of the objective's statistics prior term instead.
struct BenchPolish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "polish",
        abstract: "Cost of one gradient step (forward + backward to the pixels) relative to one forward pass.",
        discussion: """
            With --objective (an objective with a stats term, e.g. "class(goldfish) + stats(0.05)"), it measures
            instead what the statistics prior costs: a framed evaluation of --pictures pictures and one framed
            constant-polish step, each with the objective and without its stats terms, timed alternately
            (--runs each, medians), on every --model. Prints one line per measurement:
              pareidolia prior lite0 evaluation framings=8 pictures=8 with_s=… without_s=… ratio=…
            """)

    @Option(help: "Batch size (repeatable).") var batch: [Int] = [1, 16]
    @Option(help: "Classifier: lite0, lite1 or lite2 (repeatable with --objective: an ensemble).") var model: [String] = []
    @Option(parsing: .unconditional, help: "Timed runs per batch size (per measurement with --objective).") var runs = 5
    @Option(parsing: .unconditional, help: "An objective with a stats term whose cost to measure.") var objective: String?
    @Option(help: "With --objective: framings per picture.") var framings = FramingSettings.defaultCount
    @Option(help: "With --objective: pictures per framed evaluation.") var pictures = 8

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard framings >= 1, pictures >= 1 else { throw ValidationError("--framings and --pictures must be at least 1") }
    }

    func run() throws {
        let models = model.isEmpty ? ["lite0"] : model
        guard let objective else {
            let session = try InferenceSession(model: try ModelCache().model(models[0]))
            for b in batch {
                let t = try PolishBenchmark.run(session: session, batch: b, runs: runs)
                print(String(format: "pareidolia %@ polish batch=%d forward_s=%.4f gradient_s=%.4f ratio=%.2f",
                             models[0] as NSString, b, t.forwardSeconds, t.gradientSeconds, t.ratio))
            }
            return
        }
        let text = try ObjectiveText(parsing: objective)
        guard text.terms.contains(where: { if case .stats = $0.atom { return true } else { return false } }),
              text.terms.contains(where: { if case .stats = $0.atom { return false } else { return true } }) else {
            throw ValidationError("--objective \"\(objective)\" must have a stats term and another term to compare with, e.g. \"class(goldfish) + stats(0.05)\"")
        }
        let scorer = try ModelCache().scorer(ModelCache.variants(models))
        let target = try Target(objective: text, names: try ImageNetClasses.bundled(), scorer: scorer)
        let cost = try PriorBenchmark.run(objective: target.objective, scorer: scorer, framings: framings,
                                          pictures: pictures, runs: runs)
        let networks = models.joined(separator: "+")
        for (what, c) in [("evaluation", cost.evaluation), ("polish_step", cost.polishStep)] {
            print(String(format: "pareidolia prior %@ %@ framings=%d pictures=%d with_s=%.4f without_s=%.4f ratio=%.3f",
                         networks as NSString, what as NSString, framings, what == "evaluation" ? pictures : 1,
                         c.withPrior, c.without, c.ratio))
        }
    }
}
