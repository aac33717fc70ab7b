import Foundation
import Genome
import ImageIO

/// Loading genomes from `.genome` files, from PNGs that carry one, and from the library.
enum GenomeFiles {
    /// The genome in a `.genome` file or in the `genome` text chunk of a PNG.
    static func load(_ path: String) throws -> Genome {
        let lower = path.lowercased()
        if lower.hasSuffix(".png") {
            let png = try PNGFile.read(path)
            guard let text = png.text["genome"] else { throw CLIError.noGenomeInPNG(path: path) }
            return try Genome(parsing: text)
        }
        guard lower.hasSuffix(".genome") || lower.hasSuffix(".txt") else {
            throw CLIError.notAGenomeSource(path: path)
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path)
                                      ? "not UTF-8 text" : "no such file")
        }
        do { return try Genome(parsing: text) } catch { throw GenomeFileError(path: path, underlying: error) }
    }

    /// The library directory: `--library`, else `genomes/library` under the current directory or
    /// under an ancestor of the executable (so `swift run` from anywhere in the repo finds it).
    static func libraryDirectory(_ explicit: String? = nil) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            candidates.append(dir)
            dir.deleteLastPathComponent()
        }
        let found = candidates.map { $0.appendingPathComponent("genomes/library") }
        if let hit = found.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return hit }
        throw CLIError.libraryNotFound(searched: found.prefix(2).map(\.path))
    }

    /// Every `.genome` in the library, sorted by file name, with its name (without extension).
    static func library(_ explicit: String? = nil) throws -> [(name: String, genome: Genome)] {
        let dir = try libraryDirectory(explicit)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".genome") }.sorted()
        guard !files.isEmpty else { throw CLIError.emptyLibrary(path: dir.path) }
        return try files.map { (String($0.dropLast(7)), try load(dir.appendingPathComponent($0).path)) }
    }

    /// Creates `path` (and parents) if missing.
    static func makeDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw CLIError.cannotCreateDirectory(path: path, reason: error.localizedDescription)
        }
    }
}

/// A parse error in a named file.
struct GenomeFileError: Error, CustomStringConvertible {
    let path: String
    let underlying: any Error
    var description: String { "\(path): \(underlying)" }
}
