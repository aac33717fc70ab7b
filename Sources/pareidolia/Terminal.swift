import Foundation

/// Progress and status output: a live, rewritten line on a terminal, plain log lines otherwise.
/// Everything goes to standard error so standard output stays machine-readable.
struct Terminal {
    let isInteractive = isatty(STDERR_FILENO) != 0
    private var liveLineShown = false

    /// Shows `text` as the live progress line (rewritten in place on a terminal, else logged).
    mutating func progress(_ text: String) {
        if isInteractive {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(Terminal.escapingControls(text))".utf8))
            liveLineShown = true
        } else {
            log(text)
        }
    }

    /// Writes a permanent line (ending any live line first).
    mutating func log(_ text: String) {
        endLiveLine()
        FileHandle.standardError.write(Data((Terminal.escapingControls(text) + "\n").utf8))
    }

    /// `text` with every control character but newline and tab written as a Swift escape
    /// (`\u{1B}`), so text from the user or a file (a run name, a path, a class query) can never
    /// move the cursor, clear the screen or retitle the terminal.
    static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isEscaped) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isEscaped(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\n" && scalar != "\t"
            && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                // Bidirectional overrides and isolates, which reorder what follows them.
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value))
    }

    /// Says where a new run moved the files it found in its records folder, if it did.
    mutating func logSetAside(_ aside: String?, records: String) {
        guard let aside else { return }
        log("note: \(records)/ held files from an earlier run of that name; moved them to \(aside)/")
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
