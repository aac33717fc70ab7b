import Foundation
import Genome
import ImageIO
import Store

/// Loading genomes from `.genome` files, from PNGs that carry one, from the library, and from
/// another run.
public enum GenomeFiles {
    /// The genome in a `.genome` file or in the `genome` text chunk of a PNG; `pictures` are
    /// those its `photo` nodes may sample.
    public static func load(_ path: String, pictures: Pictures = .none) throws -> Genome {
        let lower = path.lowercased()
        if lower.hasSuffix(".png") {
            // Only the text chunks: a PNG is never decoded just to read its genome.
            guard let text = try PNGFile.readText(path)[PNGTextKey.genome] else { throw SearchError.noGenomeInPNG(path: path) }
            do { return try Genome(parsing: text, pictures: pictures) } catch {
                throw SearchError.badGenomeFile(path: path, reason: "its '\(PNGTextKey.genome)' text chunk: \(error)")
            }
        }
        guard lower.hasSuffix(".genome") || lower.hasSuffix(".txt") else {
            throw SearchError.notAGenomeSource(path: path)
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SearchError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path)
                                         ? "not UTF-8 text" : "no such file")
        }
        do { return try Genome(parsing: text, pictures: pictures) } catch {
            throw SearchError.badGenomeFile(path: path, reason: "\(error)")
        }
    }

    /// The library directory: `explicit`, else `genomes/library` under the current directory or
    /// under an ancestor of the executable (so `swift run` from anywhere in the repo finds it).
    public static func libraryDirectory(_ explicit: String? = nil) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            candidates.append(dir)
            dir.deleteLastPathComponent()
        }
        let found = candidates.map { $0.appendingPathComponent("genomes/library") }
        if let hit = found.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return hit }
        throw SearchError.libraryNotFound(searched: found.prefix(2).map(\.path))
    }

    /// Every `.genome` in the library, sorted by file name, with its name (without extension).
    public static func library(_ explicit: String? = nil) throws -> [(name: String, genome: Genome)] {
        let dir = try libraryDirectory(explicit)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".genome") }.sorted()
        guard !files.isEmpty else { throw SearchError.emptyLibrary(path: dir.path) }
        return try files.map { (String($0.dropLast(7)), try load(dir.appendingPathComponent($0).path)) }
    }

    /// Seed genomes per `--seed-from`: `random` (none: the population is all random genomes),
    /// `library` (genomes/library), or `run:NAME` (that run's last population in `store`).
    public static func seeds(_ seedFrom: String, store: RunStore?) throws -> [Genome] {
        switch seedFrom {
        case "library": return try library().map(\.genome)
        case "random", "none": return []
        case let s where s.hasPrefix("run:"):
            guard let store else {
                throw SearchError.invalidSeedSource(seedFrom, reason: "a benchmark has no database to take a run from; use random or library")
            }
            let other = try store.run(named: String(s.dropFirst(4)))
            guard let snapshot = try store.lastGeneration(run: other.id) else {
                throw SearchError.noGenerations(run: other.name)
            }
            let pictures = try RunPictures.load(run: other, from: store)
            return try snapshot.population.map { row in
                do { return try Genome(parsing: row.genome, pictures: pictures) } catch {
                    throw SearchError.unreadableGenome(run: other.name, generation: snapshot.stats.index, reason: "\(error)")
                }
            }
        default:
            throw SearchError.invalidSeedSource(seedFrom, reason: "expected random, library or run:NAME")
        }
    }

    /// Creates `path` (and parents) if missing; `option` names the option that chose it.
    public static func makeDirectory(_ path: String, option: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw SearchError.cannotCreateDirectory(path: path, reason: error.localizedDescription, option: option)
        }
    }
}
