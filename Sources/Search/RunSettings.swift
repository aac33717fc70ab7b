import Evolution
import Foundation
import Polish
import Scoring

/// Everything that defines a run besides its seed: the search, the fitness, the classifier, the
/// polish schedule and when to stop. Stored as JSON in the run's row, so that `resume`, `show`,
/// `polish` and the gallery all read the one schema, and a resumed run continues the same search.
public struct RunSettings: Codable, Equatable, Sendable {
    public var evolution: EvolutionConfig
    public var fitness: FitnessFunction
    /// Model variant name (`lite0`, `lite1`, `lite2`).
    public var model: String
    /// Views averaged per image (robustness; 1 = the plain render only).
    public var views: Int
    /// When to polish the best genome's constants during evolution (nil: never).
    public var polish: PolishSchedule?
    /// What the run was asked to do (nil only in runs stored before it was recorded).
    public var stop: StopCondition?
    /// Where the initial population came from (`random`, `library`, or `run:NAME`), for display.
    public var seededFrom: String

    public init(evolution: EvolutionConfig, fitness: FitnessFunction, model: String = RunSettings.defaultModel,
                views: Int = 1, polish: PolishSchedule? = PolishSchedule(), stop: StopCondition? = .default,
                seededFrom: String = "random") {
        self.evolution = evolution
        self.fitness = fitness
        self.model = model
        self.views = views
        self.polish = polish
        self.stop = stop
        self.seededFrom = seededFrom
    }

    /// The classifier a run uses unless told otherwise.
    public static let defaultModel = "lite0"

    enum CodingKeys: String, CodingKey {
        case evolution, fitness, model, views, polishEvery, polishSteps, polishLearningRate, stop, seededFrom
    }

    /// Decodes stored settings; fields added after a run was created take their defaults.
    /// (The polish schedule is stored flat, as it always was.)
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evolution = try c.decode(EvolutionConfig.self, forKey: .evolution)
        fitness = try c.decode(FitnessFunction.self, forKey: .fitness)
        model = try c.decode(String.self, forKey: .model)
        views = try c.decodeIfPresent(Int.self, forKey: .views) ?? 1
        polish = try c.decodeIfPresent(Int.self, forKey: .polishEvery).map { every in
            PolishSchedule(every: every,
                           steps: try c.decodeIfPresent(Int.self, forKey: .polishSteps) ?? PolishDefaults.constantSteps,
                           learningRate: try c.decodeIfPresent(Float.self, forKey: .polishLearningRate)
                               ?? PolishDefaults.constantLearningRate)
        }
        stop = try c.decodeIfPresent(StopCondition.self, forKey: .stop)
        seededFrom = try c.decodeIfPresent(String.self, forKey: .seededFrom) ?? "library"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(evolution, forKey: .evolution)
        try c.encode(fitness, forKey: .fitness)
        try c.encode(model, forKey: .model)
        try c.encode(views, forKey: .views)
        try c.encodeIfPresent(polish?.every, forKey: .polishEvery)
        try c.encode(polish?.steps ?? PolishDefaults.constantSteps, forKey: .polishSteps)
        try c.encode(polish?.learningRate ?? PolishDefaults.constantLearningRate, forKey: .polishLearningRate)
        try c.encodeIfPresent(stop, forKey: .stop)
        try c.encode(seededFrom, forKey: .seededFrom)
    }

    /// The settings as sorted-key JSON (byte-stable).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The settings stored for run `run`.
    public static func decode(_ json: String, run: String) throws -> RunSettings {
        do { return try JSONDecoder().decode(RunSettings.self, from: Data(json.utf8)) } catch {
            throw SearchError.unreadableConfig(run: run, reason: "\(error)")
        }
    }
}

/// The memetic schedule: every `every` generations the best genome's constants are polished by
/// gradient ascent (`steps` Adam steps at `learningRate`) and the result goes back into the
/// population. After each polish interval without progress (up to three) the rate halves and
/// the steps double; a gain resets both.
public struct PolishSchedule: Codable, Equatable, Sendable {
    public var every: Int
    public var steps: Int
    public var learningRate: Float

    /// Every 2 generations (measured on rock crab against every 5: README, search).
    public static let defaultEvery = 2

    public init(every: Int = PolishSchedule.defaultEvery, steps: Int = PolishDefaults.constantSteps,
                learningRate: Float = PolishDefaults.constantLearningRate) {
        self.every = every
        self.steps = steps
        self.learningRate = learningRate
    }

    /// Steps and rate of a polish after `stagnantGenerations` generations without progress.
    public func budget(stagnantGenerations: Int) -> (steps: Int, learningRate: Float) {
        let idleIntervals = min(stagnantGenerations / max(every, 1), 3)
        return (steps << idleIntervals, learningRate / Float(1 << idleIntervals))
    }
}
