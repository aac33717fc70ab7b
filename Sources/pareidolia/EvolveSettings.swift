import Evolution
import Foundation
import Imaging
import Net
import Scoring

/// Everything that defines a run besides its seed; stored as JSON in the run's row so that
/// `resume` continues with exactly the same search.
struct EvolveSettings: Codable, Equatable {
    var evolution: EvolutionConfig
    var fitness: FitnessFunction
    /// Model variant name (`lite0`, `lite1`, `lite2`).
    var model: String
    /// Views averaged per image (robustness; 1 = the plain render only).
    var views: Int
    /// Every this many generations, polish the best genome's constants by gradient ascent and
    /// feed the result back into the population (nil: no polish).
    var polishEvery: Int?
    /// Gradient steps per constant polish.
    var polishSteps = 20
    /// Adam learning rate of the constant polish.
    var polishLearningRate: Float = 0.05

    init(evolution: EvolutionConfig, fitness: FitnessFunction, model: String, views: Int = 1,
         polishEvery: Int? = nil, seededFrom: String) {
        self.evolution = evolution
        self.fitness = fitness
        self.model = model
        self.views = views
        self.polishEvery = polishEvery
        self.seededFrom = seededFrom
    }
    /// Where the initial population came from (`library`, `none`, or `run:NAME`), for display.
    var seededFrom: String

    enum CodingKeys: String, CodingKey {
        case evolution, fitness, model, views, polishEvery, polishSteps, polishLearningRate, seededFrom
    }

    /// Decodes stored settings; fields added after a run was created take their defaults.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evolution = try c.decode(EvolutionConfig.self, forKey: .evolution)
        fitness = try c.decode(FitnessFunction.self, forKey: .fitness)
        model = try c.decode(String.self, forKey: .model)
        views = try c.decodeIfPresent(Int.self, forKey: .views) ?? 1
        polishEvery = try c.decodeIfPresent(Int.self, forKey: .polishEvery)
        polishSteps = try c.decodeIfPresent(Int.self, forKey: .polishSteps) ?? 20
        polishLearningRate = try c.decodeIfPresent(Float.self, forKey: .polishLearningRate) ?? 0.05
        seededFrom = try c.decodeIfPresent(String.self, forKey: .seededFrom) ?? "library"
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    static func decode(_ json: String, run: String) throws -> EvolveSettings {
        do { return try JSONDecoder().decode(EvolveSettings.self, from: Data(json.utf8)) } catch {
            throw RunError.unreadableConfig(run: run, reason: "\(error)")
        }
    }
}

/// Errors about runs that the command line detects.
enum RunError: Error, CustomStringConvertible {
    case unreadableConfig(run: String, reason: String)
    case noGenerations(run: String)
    case noTarget
    case unknownModel(String)

    var description: String {
        switch self {
        case let .unreadableConfig(run, reason):
            return "run '\(run)' has a configuration this version cannot read (\(reason)); start a new run with pareidolia evolve"
        case let .noGenerations(run):
            return "run '\(run)' has no committed generation to resume from; start it again with pareidolia evolve --run \(run)-2"
        case .noTarget:
            return "no target: give --class NAME (e.g. --class \"rock crab\") or --opposite NAME; pareidolia classes QUERY lists names"
        case let .unknownModel(name):
            return "unknown model '\(name)': use lite0, lite1 or lite2"
        }
    }
}

/// Resolves class arguments (a name, a synonym or an index) with helpful errors.
struct ClassResolver {
    let classes: ImageNetClasses

    init() throws { classes = try ImageNetClasses.bundled() }

    func index(_ argument: String) throws -> Int {
        if let i = Int(argument) {
            _ = try classes.name(of: i)
            return i
        }
        return try classes.index(of: argument)
    }

    func shortName(_ index: Int) -> String { (try? classes.shortName(of: index)) ?? "class \(index)" }
}

/// The classifier's softmax probabilities for one image of any size (prepared for the network:
/// kept as is at the network's size, else centre-cropped and resized).
func classProbabilities(_ image: Image, net: EfficientNetLite) throws -> [Float] {
    let r = net.resolution
    let prepared = image.prepareForNetwork(size: r)
    var input = [Float](repeating: 0, count: 3 * r * r)
    input.withUnsafeMutableBufferPointer { Preprocess.write(prepared, into: $0, index: 0) }
    return Probabilities.softmax(try InferenceSession(model: net, threads: 2).logits(input, batch: 1))
}

/// Loads a model variant by name.
func loadModel(_ name: String) throws -> EfficientNetLite {
    guard let variant = ModelVariant(rawValue: name.lowercased()) else { throw RunError.unknownModel(name) }
    return try EfficientNetLite.load(variant)
}
