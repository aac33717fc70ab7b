import Foundation

/// Graphviz's `sfdp` run as a separate process: the layout of the atlas's similarity graph.
///
/// `sfdp` (force-directed, multilevel) lays out 1000 nodes in about two seconds; with `pack`
/// each connected component is laid out alone and the components are packed side by side.
public enum Graphviz {
    /// The layout program.
    public static let engine = "sfdp"

    /// One line for people: what is missing and how to get it.
    public static let missingAdvice = "Graphviz is not installed (no `\(engine)` on PATH), so atlas pages "
        + "have no similarity graph: install it with `apt-get install graphviz` (or `scripts/setup`) "
        + "and export again"

    /// The full path of `name` in the directories of `path` (`$PATH` by default), or nil.
    public static func executable(named name: String,
                                  path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for directory in directories where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Lays out the DOT text `dot` as SVG text with `engine`; nil when Graphviz is not on PATH.
    ///
    /// Input, output and diagnostics go through temporary files (no pipe can fill up and stall
    /// the process), removed afterwards.
    /// - Throws: `GalleryError.graphvizFailed` with Graphviz's own message when it fails.
    @Sendable
    public static func layout(_ dot: String) throws -> String? {
        guard let tool = executable(named: engine) else { return nil }
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("pareidolia-graph-\(UUID().uuidString)").path
        let input = base + ".dot", output = base + ".svg", diagnostics = base + ".log"
        defer { for file in [input, output, diagnostics] { try? FileManager.default.removeItem(atPath: file) } }
        do {
            try Data(dot.utf8).write(to: URL(fileURLWithPath: input))
            guard FileManager.default.createFile(atPath: diagnostics, contents: nil),
                  let log = FileHandle(forWritingAtPath: diagnostics) else {
                throw GalleryError.graphvizFailed(tool: tool, reason: "cannot create the temporary file '\(diagnostics)'")
            }
            defer { try? log.close() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["-Tsvg", input, "-o", output]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = log
            try process.run()
            process.waitUntilExit()
            let message = (try? String(contentsOfFile: diagnostics, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard process.terminationReason == .exit, process.terminationStatus == 0 else {
                throw GalleryError.graphvizFailed(
                    tool: tool, reason: "exit status \(process.terminationStatus)" + (message.isEmpty ? "" : ": \(message)"))
            }
            return try String(contentsOfFile: output, encoding: .utf8)
        } catch let error as GalleryError {
            throw error
        } catch {
            throw GalleryError.graphvizFailed(tool: tool, reason: error.localizedDescription)
        }
    }
}
