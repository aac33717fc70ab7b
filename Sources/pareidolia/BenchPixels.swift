import ArgumentParser
import Foundation
import ImageIO
import Imaging
import Net
import Polish
import Scoring
import Search

/// `pareidolia bench pixels`: the ceiling of scoring alone. Pixels polished from noise for each
/// objective on the training ensemble, judged by the held-out network on framings no step saw.
struct BenchPixels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pixels",
        abstract: "Scoring alone, without formulas: pixels polished from noise per objective, class and seed, judged by a held-out network.",
        discussion: """
            For each class, each --objective (a template: {} stands for the class) and each seed, a --size² picture (288²) starts as grey noise and takes --polish-steps Adam steps on its own pixels (through a sigmoid) toward the objective's mean over --framings fresh random framings per step on every --model, minus --tv times its total variation. The result is judged the way run records are: the training networks (robust) and the network none of them is (held-out, Lite2 for Lite0 + Lite1) on the judge's 16 framings, which no step saw. One line per picture, then one per objective: mean robust confidence, mean held-out confidence, mean share of framings on which the held-out network's top-1 is the class, and the runs on which that share is over half. Pictures are written to --output, named class-objective-seed.
            Examples:
              swift run -c release pareidolia bench pixels --class goldfish --seeds 1
              swift run -c release pareidolia bench pixels --class "rock crab" --objective "class({})" --objective "worst(margin({})) + stats(0.03)" --seeds 2 -o docs/pixels
            """)

    @Option(name: .customLong("class"), help: "Target class (repeatable; default rock crab, goldfish and tabby cat).")
    var classes: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "An objective template, {} standing for the class (repeatable; default: class, margin, worst margin, each without and with stats(0.01)).")
    var objective: [String] = []
    @Option(help: "Classifier: lite0, lite1 or lite2; repeat for an ensemble (default lite0 and lite1).") var model: [String] = []
    @Option(parsing: .unconditional, help: "Number of seeds per class and objective.") var seeds = 2
    @Option(parsing: .unconditional, help: "The first seed.") var firstSeed: UInt64 = 1
    @Option(name: .customLong("polish-steps"), parsing: .unconditional, help: "Adam steps per picture.") var steps = 50
    @Option(name: .customLong("polish-lr"), parsing: .unconditional, help: "Adam learning rate on the pixels' logits.") var lr: Float = 0.05
    @Option(parsing: .unconditional, help: "Weight of the total-variation penalty.") var tv: Float = 0.3
    @Option(parsing: .unconditional, help: "Random framings per step and network.") var framings = 4
    @Option(help: "Input diversity of the framings: none or mild.") var framingDiversity: ScoringOptions.DiversityLevel = .none
    @Option(parsing: .unconditional, help: "Side of the square picture polished.") var size = 288
    @Option(name: [.customShort("o"), .customLong("output")], help: "Directory for the pictures.") var out = "bench-pixels"
    @OptionGroup var threads: ThreadsOption

    static let defaultObjectives = ["class({})", "margin({})", "worst(margin({}))",
                                    "class({}) + stats(0.01)", "margin({}) + stats(0.01)", "worst(margin({})) + stats(0.01)"]

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        guard (1...10_000).contains(steps) else { throw ValidationError("--polish-steps must be 1…10000, got \(steps)") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--polish-lr must be positive, got \(lr)") }
        guard tv >= 0, tv.isFinite else { throw ValidationError("--tv must be 0 or more, got \(tv)") }
        guard (1...64).contains(framings) else { throw ValidationError("--framings must be 1…64, got \(framings)") }
        guard (64...1024).contains(size) else { throw ValidationError("--size must be 64…1024, got \(size)") }
        for template in objective where !template.contains("{}") {
            throw ValidationError("--objective \"\(template)\" has no {} for the class; write e.g. \"margin({})\"")
        }
    }

    func run() throws {
        let cache = threads.cache(), names = try ImageNetClasses.bundled()
        let networks = try ModelCache.variants(model.isEmpty ? ["lite0", "lite1"] : model)
        let scorer = try cache.scorer(networks)
        let judge = try RunJudge.judge(networks: networks, models: cache)
        var ranges = Framing.Ranges.standard
        ranges.diversity = framingDiversity.ranges
        let settings = FramedPixelPolishSettings(steps: steps, learningRate: lr, tvWeight: tv, framings: framings,
                                                 ranges: ranges, size: size)
        let templates = objective.isEmpty ? Self.defaultObjectives : objective
        let classNames = classes.isEmpty ? ["rock crab", "goldfish", "tabby cat"] : classes
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var terminal = Terminal()
        var totals = [(robust: Float, heldOut: Float, top1: Float, majority: Int, runs: Int)](
            repeating: (0, 0, 0, 0, 0), count: templates.count)
        let clock = ContinuousClock()
        for name in classNames {
            let written = ObjectiveText.argument(name)
            for (t, template) in templates.enumerated() {
                let text = try ObjectiveText(parsing: template.replacingOccurrences(of: "{}", with: written))
                let target = try Target(objective: text, names: names, scorer: scorer)
                for seed in firstSeed..<(firstSeed + UInt64(seeds)) {
                    let start = clock.now
                    let result = try FramedPixelPolish.run(objective: target.objective, scorer: scorer, settings: settings,
                                                           seed: seed) { step, value in
                        terminal.progress(String(format: "%@ · %@ · seed %llu: step %d/%d, objective %.3f",
                                                 name as NSString, text.description as NSString, seed, step, steps, value))
                    }
                    let verdict = try judge.judge(result.image, objective: target.objective)
                    let seconds = (clock.now - start).seconds
                    let file = "\(out)/\(Self.slug(name))-\(Self.slug(template))-seed\(seed).png"
                    try PNGFile.write(result.image, to: file, text: [
                        PNGTextKey.target: name, "objective": text.description, PNGTextKey.software: "pareidolia bench pixels",
                        PNGTextKey.confidence: String(format: "%.4f", verdict.confidence),
                        PNGTextKey.confidenceMethod: "robust: \(networks.map(\.rawValue).joined(separator: " + ")), " + verdict.method,
                        PNGTextKey.heldOutConfidence: String(format: "%.4f", verdict.heldOut.confidence),
                        PNGTextKey.heldOutMethod: "\(verdict.heldOut.model), the same framings; top-1 on \(Int((verdict.heldOut.top1 * 16).rounded()))/16",
                    ])
                    terminal.log(String(format: "pareidolia pixels class=%@ objective=\"%@\" seed=%llu final=%.3f robust=%.4f heldout=%@ heldout_conf=%.4f heldout_top1=%.3f heldout_top=%d seconds=%.1f image=%@",
                                        name as NSString, text.description as NSString, seed, result.trace.last ?? 0,
                                        verdict.confidence, verdict.heldOut.model as NSString, verdict.heldOut.confidence,
                                        verdict.heldOut.top1, verdict.heldOut.topClass, seconds, file as NSString))
                    totals[t].robust += verdict.confidence
                    totals[t].heldOut += verdict.heldOut.confidence
                    totals[t].top1 += verdict.heldOut.top1
                    totals[t].majority += verdict.heldOut.top1 > 0.5 ? 1 : 0
                    totals[t].runs += 1
                }
            }
        }
        for (t, template) in templates.enumerated() {
            let n = Float(max(totals[t].runs, 1))
            print(String(format: "pareidolia pixels summary objective=\"%@\" runs=%d robust=%.3f heldout_conf=%.3f heldout_top1=%.3f heldout_majority=%d/%d",
                         template as NSString, totals[t].runs, totals[t].robust / n, totals[t].heldOut / n, totals[t].top1 / n,
                         totals[t].majority, totals[t].runs))
        }
    }

    /// A file-name part: letters and digits, other runs of characters as one '-'.
    static func slug(_ text: String) -> String {
        let mapped = text.replacingOccurrences(of: "{}", with: "").map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return mapped.split(separator: "-").joined(separator: "-")
    }
}
