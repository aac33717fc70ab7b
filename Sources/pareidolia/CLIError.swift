/// Errors the command line itself detects (the modules throw their own typed errors).
enum CLIError: Error, CustomStringConvertible {
    case notAGenomeSource(path: String)
    case noGenomeInPNG(path: String)
    case unreadable(path: String, reason: String)
    case cannotCreateDirectory(path: String, reason: String)
    case libraryNotFound(searched: [String])
    case emptyLibrary(path: String)
    case invalidValue(option: String, value: String, expected: String)

    var description: String {
        switch self {
        case let .notAGenomeSource(path):
            return "'\(path)' is neither a .genome file nor a .png: give a formula file (see genomes/library/) or a PNG written by pareidolia"
        case let .noGenomeInPNG(path):
            return "'\(path)' carries no genome (no 'genome' text chunk): only PNGs written by pareidolia render, evolve or gallery can be re-rendered"
        case let .unreadable(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .cannotCreateDirectory(path, reason):
            return "cannot create directory '\(path)': \(reason); choose another -o/--out"
        case let .libraryNotFound(searched):
            return "genome library not found (looked in \(searched.joined(separator: ", "))); run pareidolia from the repository, or pass --library DIR"
        case let .emptyLibrary(path):
            return "no .genome files in '\(path)': add some, or pass --library DIR"
        case let .invalidValue(option, value, expected):
            return "invalid \(option) '\(value)': expected \(expected)"
        }
    }
}
