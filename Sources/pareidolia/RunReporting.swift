import Foundation
import Scoring
import Search

/// How the CLI shows a run: its live progress line and how a session ended.
enum RunReporting {
    /// One generation's progress line.
    static func line(_ p: SearchRun.Progress) -> String {
        let r = p.report, b = r.best.evaluation
        let label = switch p.confidenceKind {
        case .sought: "training"
        case .absence: "training 1−p"
        case .topOne: "top-1 p"
        }
        var line = String(format: "gen %4d  %@ %6.2f%%  mean %6.2f%%", r.generation, label as NSString, b.confidence * 100,
                          r.meanConfidence * 100)
        if let j = p.judgement { line += "  " + verdict(j) }
        line += String(format: "  naturalness %.4f  fitness %7.3f  %5.1f nodes  %5.0f eval/s",
                       b.naturalness, b.fitness, r.meanNodes, p.evaluationsPerSecond)
        if let left = p.secondsLeft { line += "  ETA " + formatDuration(left) }
        if r.isNewRecord { line += "  ★ record" }
        if r.restarted { line += "  (restart)" }
        if let m = p.migration { line += "  ⇄ \(m.received) immigrant(s), \(m.kept) kept" }
        return line
    }

    /// "robust 41.2% · held-out lite2 3.1% (top-1 2/16)": how the best holds up.
    static func verdict(_ j: Judgement) -> String {
        String(format: "robust %.2f%%  held-out %@ %.2f%% (top-1 %d/%d)", j.confidence * 100, j.heldOut.model as NSString,
               j.heldOut.confidence * 100, Int((j.heldOut.top1 * Float(j.framings)).rounded()), j.framings)
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
        var summary = String(format: "best: training confidence %.2f%%", best.confidence * 100)
        if let j = search.judgement { summary += ", " + verdict(j) }
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
