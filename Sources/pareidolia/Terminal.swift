import Foundation

/// Progress and status output: a live, rewritten line on a terminal, plain log lines otherwise.
/// Everything goes to standard error so standard output stays machine-readable.
struct Terminal {
    let isInteractive = isatty(STDERR_FILENO) != 0
    private var liveLineShown = false

    /// Shows `text` as the live progress line (rewritten in place on a terminal, else logged).
    mutating func progress(_ text: String) {
        if isInteractive {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
            liveLineShown = true
        } else {
            log(text)
        }
    }

    /// Writes a permanent line (ending any live line first).
    mutating func log(_ text: String) {
        endLiveLine()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Moves past the live line so the next output starts on a fresh line.
    mutating func endLiveLine() {
        if liveLineShown {
            FileHandle.standardError.write(Data("\n".utf8))
            liveLineShown = false
        }
    }
}

/// Formats a duration in seconds as `1h02m`, `3m05s` or `12.3s`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    let s = Int(seconds.rounded())
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}
