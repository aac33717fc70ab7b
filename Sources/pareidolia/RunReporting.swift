import Foundation
import Search

/// How the CLI shows a run: its live progress line and how a session ended.
enum RunReporting {
    /// One generation's progress line.
    static func line(_ p: SearchRun.Progress) -> String {
        let r = p.report, b = r.best.evaluation
        var line = String(format: "gen %4d  best %6.2f%%  mean %6.2f%%  naturalness %.4f  fitness %7.3f  %5.1f nodes  %5.0f eval/s",
                          r.generation, b.confidence * 100, r.meanConfidence * 100, b.naturalness, b.fitness,
                          r.meanNodes, p.evaluationsPerSecond)
        if let left = p.secondsLeft { line += "  ETA " + formatDuration(left) }
        if r.isNewRecord { line += "  ★ record" }
        if r.restarted { line += "  (restart)" }
        return line
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
        let summary = String(format: "best confidence %.2f%%, naturalness %.4f after %d generations (%d evaluations)",
                             best.confidence * 100, best.naturalness, search.state.generation, search.state.evaluations)
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
