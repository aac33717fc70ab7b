import Foundation

/// The three EfficientNet-Lite checkpoints Pareidolia knows, with their input resolutions.
public enum ModelVariant: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case lite0, lite1, lite2

    /// Input side in pixels: the network sees `resolution × resolution` RGB images.
    public var resolution: Int {
        switch self {
        case .lite0: return 224
        case .lite1: return 240
        case .lite2: return 260
        }
    }

    /// Weight files are named `<prefix><first 8 hex digits of their SHA-256>.pth`.
    public var fileNamePrefix: String { "efficientnet-\(rawValue)-" }

    /// MBConv block count and output channels of the last block: how the weights reveal the variant.
    var signature: (blocks: Int, lastChannels: Int) {
        switch self {
        case .lite0: return (16, 320)
        case .lite1: return (21, 320)
        case .lite2: return (21, 352)
        }
    }

    public var description: String { rawValue }
}

/// Finds weight files on disk.
///
/// Search order: `$PAREIDOLIA_MODELS`, then `./models`, then `models/` beside every ancestor
/// directory of the running executable (so `swift run` and `swift test` find the repository's
/// `models/` from `.build/...`).
public enum ModelLocator {
    /// The environment variable naming a directory of weight files.
    public static let environmentVariable = "PAREIDOLIA_MODELS"

    /// The directories searched, in order, for the given environment, working directory and executable.
    public static func searchDirectories(environment: [String: String] = ProcessInfo.processInfo.environment,
                                         currentDirectory: String = FileManager.default.currentDirectoryPath,
                                         executablePath: String? = executablePath()) -> [String] {
        var dirs: [String] = []
        if let env = environment[environmentVariable], !env.isEmpty { dirs.append(env) }
        dirs.append((currentDirectory as NSString).appendingPathComponent("models"))
        if let exe = executablePath {
            var dir = ((exe as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
            while !dir.isEmpty {
                dirs.append((dir as NSString).appendingPathComponent("models"))
                let parent = (dir as NSString).deletingLastPathComponent
                if parent == dir { break }
                dir = parent
            }
        }
        var seen = Set<String>()
        return dirs.map { ($0 as NSString).standardizingPath }.filter { seen.insert($0).inserted }
    }

    /// The path of the weights file for `variant`, or `NetError.weightsNotFound`.
    public static func locate(_ variant: ModelVariant,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath,
                              executablePath: String? = executablePath()) throws -> String {
        let dirs = searchDirectories(environment: environment, currentDirectory: currentDirectory,
                                     executablePath: executablePath)
        for dir in dirs {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            let hits = names.filter { $0.hasPrefix(variant.fileNamePrefix) && $0.hasSuffix(".pth") }.sorted()
            if let name = hits.first { return (dir as NSString).appendingPathComponent(name) }
        }
        throw NetError.weightsNotFound(variant: variant.rawValue, searched: dirs)
    }

    /// The running executable's path (`/proc/self/exe` on Linux), if known.
    public static func executablePath() -> String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return Bundle.main.executablePath ?? CommandLine.arguments.first
    }
}
