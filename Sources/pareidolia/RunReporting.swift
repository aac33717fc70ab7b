import Foundation
import Genome
import Scoring
import Search
import Store

/// How the CLI shows a run: its live progress line and how a session ended.
enum RunReporting {
    /// One generation's progress line.
    /// An objective of inner features (`confidenceKind == .topOne`) has no confidence of its own:
    /// its line leads with the fitness (objective − penalties), and the probability shown is
    /// labelled as the image's top-1.
    static func line(_ p: SearchRun.Progress) -> String {
        let r = p.report, b = r.best.evaluation
        var line: String
        switch p.confidenceKind {
        case .sought, .absence:
            let label = p.confidenceKind == .sought ? "training" : "training 1−p"
            line = String(format: "gen %4d  %@ %6.2f%%  mean %6.2f%%", r.generation, label as NSString, b.confidence * 100,
                          r.meanConfidence * 100)
        case .topOne:
            line = String(format: "gen %4d  fitness (objective − penalties) %8.4g  image top-1 p %6.2f%%", r.generation,
                          b.fitness, b.confidence * 100)
        }
        if let j = p.judgement { line += "  " + verdict(j, kind: p.confidenceKind) }
        line += String(format: "  naturalness %.4f", b.naturalness)
        if p.confidenceKind != .topOne { line += String(format: "  fitness %7.3f", b.fitness) }
        line += String(format: "  %5.1f nodes  %5.0f eval/s", r.meanNodes, p.evaluationsPerSecond)
        if let left = p.secondsLeft { line += "  ETA " + formatDuration(left) }
        if r.isNewRecord { line += "  ★ record" }
        if r.restarted { line += "  (restart)" }
        if let m = p.migration { line += "  ⇄ \(m.received) immigrant(s), \(m.kept) kept" }
        return line
    }

    /// "robust 41.2% · held-out lite2 3.1% (top-1 2/16)": how the best holds up. For an
    /// objective of inner features the judge's numbers are the image's top-1 probability, and
    /// say so ("robust top-1 p 41.2%  held-out lite2 top-1 p 3.1%").
    static func verdict(_ j: Judgement, kind: Objective.ConfidenceKind = .sought) -> String {
        if kind == .topOne {
            return String(format: "robust top-1 p %.2f%%  held-out %@ top-1 p %.2f%%", j.confidence * 100,
                          j.heldOut.model as NSString, j.heldOut.confidence * 100)
        }
        return String(format: "robust %.2f%%  held-out %@ %.2f%% (top-1 %d/%d)", j.confidence * 100, j.heldOut.model as NSString,
                      j.heldOut.confidence * 100, Int((j.heldOut.top1 * Float(j.framings)).rounded()), j.framings)
    }

    /// The run's objective on `genome` before penalties, as its search measures it: the mean
    /// over its framings and networks when it has framings, else on the exact render (shifted
    /// `--robust` views left out); with the words saying which.
    static func objectiveValue(of genome: Genome, evaluator: RunEvaluator) throws -> (value: Float, method: String) {
        let image = try evaluator.image(of: genome), objective = evaluator.fitness.objective
        if let framed = evaluator.framed {
            return (try framed.evaluate([image], objective: objective)[0].value,
                    "mean over the run's \(framed.framings.count) framings")
        }
        return (try evaluator.scorer.evaluate([image], objective: objective)[0].value, "on the exact render")
    }

    /// "objective channel(block12, 57) 3.08 (mean over the run's 8 framings)" for an objective
    /// of inner features, else "training confidence 41.20%".
    static func headline(_ search: SearchRun) throws -> String {
        let best = search.state.best
        switch search.evaluator.fitness.objective.confidenceKind {
        case .sought: return String(format: "training confidence %.2f%%", best.evaluation.confidence * 100)
        case .absence: return String(format: "training confidence it is not the class (1 − p) %.2f%%", best.evaluation.confidence * 100)
        case .topOne:
            let (value, method) = try objectiveValue(of: best.genome, evaluator: search.evaluator)
            return String(format: "objective %@ %.6g (%@)", search.run.target as NSString, value, method as NSString)
        }
    }

    /// `show`'s line for a run's best record: its confidence for a class objective; for an
    /// objective of inner features, which has none, its fitness (the objective minus the
    /// penalties, as the search scored it) and the stored confidence labelled as the image's top-1.
    static func bestLine(_ best: RecordRow, objective: Objective, target: String) -> String {
        switch objective.confidenceKind {
        case .sought:
            return String(format: "best        %.2f%% confidence, naturalness %.4f, generation %d",
                          best.confidence * 100, best.naturalness, best.generation)
        case .absence:
            return String(format: "best        %.2f%% confidence it is not the class (1 − p), naturalness %.4f, generation %d",
                          best.confidence * 100, best.naturalness, best.generation)
        case .topOne:
            return String(format: "best        fitness %.6g (objective %@ − penalties), image top-1 p %.2f%%, naturalness %.4f, generation %d",
                          best.fitness, target as NSString, best.confidence * 100, best.naturalness, best.generation)
        }
    }

    /// The heading of a confidence column: "confidence", or "top-1 p" when the objective reads
    /// inner features (its confidences are only the image's top-1 probability).
    static func confidenceHeader(_ objective: Objective) -> String {
        objective.confidenceKind == .topOne ? "top-1 p" : "confidence"
    }

    /// Runs `search` with the live progress line, then records and tells how it ended.
    static func drive(_ search: inout SearchRun, terminal: inout Terminal) throws {
        let ending = try search.run(shouldStop: { Interrupt.requested }) { progress in
            terminal.progress(line(progress))
            if progress.report.isNewRecord { terminal.endLiveLine() }
        }
        try search.finish(ending)
        terminal.endLiveLine()
        let best = search.state.best.evaluation
        var summary = "best: " + (try headline(search))
        if let j = search.judgement { summary += ", " + verdict(j, kind: search.evaluator.fitness.objective.confidenceKind) }
        summary += String(format: ", naturalness %.4f after %d generations (%d evaluations)",
                          best.naturalness, search.state.generation, search.state.evaluations)
        switch ending {
        case .interrupted:
            terminal.log("stopped: \(summary). Resume with: pareidolia resume \(search.run.name)")
        case .reachedConfidence:
            terminal.log("target reached: \(summary)")
        case .reachedGenerations, .outOfTime:
            terminal.log("\(summary). Continue with: pareidolia resume \(search.run.name) --minutes N")
        }
    }
}
