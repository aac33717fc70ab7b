import Evolution
import Foundation
import Net
import Imaging
import Polish
import Scoring

/// Everything that defines a population run besides its seed: the search, the fitness, the
/// classifier, the polish schedule and when to stop: the engine's view of a population's
/// `RunPlan`, which is what a run stores (`json()`, `decode`). Its `Decodable` conformance reads
/// the settings releases stored before the plan (version 1).
public struct RunSettings: Decodable, Equatable, Sendable {
    public var evolution: EvolutionConfig
    public var fitness: FitnessFunction
    /// The networks that score the images (`lite0`, `lite1`, `lite2`): the objective is their
    /// mean. Never empty.
    public var models: [ModelVariant]
    /// Views averaged per image in runs without random framings (`ScoringView`; 1 = the plain
    /// render only). Kept for runs made before framings.
    public var views: Int
    /// Random framings each image is scored over (nil: the plain render, or `views`).
    public var framings: FramingSettings?
    /// When to polish the best genome's constants during evolution (nil: never).
    public var polish: PolishSchedule?
    /// What the run was asked to do (nil only in runs stored before it was recorded).
    public var stop: StopCondition?
    /// Where the initial population came from (`random`, `library`, or `run:NAME`), for display.
    public var seededFrom: String
    /// A morph's moving objective (nil: the fitness objective throughout).
    public var morph: MorphSchedule?
    /// The archipelago this run is an island of (nil: a run on its own).
    public var island: IslandSettings?
    /// Worker threads of renders and classifiers (`RunPlan.threads`; releases before it used 2).
    public var threads = RunPlan.storedBeforeThreads

    public init(evolution: EvolutionConfig, fitness: FitnessFunction, models: [ModelVariant] = [RunSettings.defaultModel],
                views: Int = 1, framings: FramingSettings? = nil, polish: PolishSchedule? = PolishSchedule(),
                stop: StopCondition? = .default, seededFrom: String = "random", morph: MorphSchedule? = nil,
                threads: Int = RunPlan.storedBeforeThreads) {
        precondition(!models.isEmpty, "a run needs a network")
        self.threads = threads
        self.evolution = evolution
        self.fitness = fitness
        self.models = models
        self.views = views
        self.framings = framings
        self.polish = polish
        self.stop = stop
        self.seededFrom = seededFrom
        self.morph = morph
    }

    /// The objective in force at generation `generation` (a morph's frame, else the fitness's).
    public func objective(generation: Int) -> Objective {
        morph?.objective(generation: generation) ?? fitness.objective
    }

    /// The classifier a run uses unless told otherwise.
    public static let defaultModel = ModelVariant.lite0

    /// The first network (the one old runs had), where one is needed.
    public var model: ModelVariant { models[0] }

    /// The models joined for display and the run's `model` column: `lite0+lite1`.
    public var modelName: String { models.map(\.rawValue).joined(separator: "+") }

    /// The network that judges this run: one it never used.
    public var heldOut: ModelVariant { ModelCache.heldOut(for: models) }

    /// Its name, for display.
    public var heldOutModel: String { heldOut.rawValue }

    enum CodingKeys: String, CodingKey {
        case evolution, fitness, model, models, views, framings, polishEvery, polishSteps, polishLearningRate
        case polishPreconditioning, polishFreshFramings, stop, seededFrom, morph, island
    }

    /// Decodes settings stored before the plan (version 1); fields added after a run was
    /// created take their defaults. (The polish schedule is stored flat, as it always was.)
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evolution = try c.decode(EvolutionConfig.self, forKey: .evolution)
        fitness = try c.decode(FitnessFunction.self, forKey: .fitness)
        let first = try c.decode(String.self, forKey: .model)
        models = try ModelCache.variants(try c.decodeIfPresent([String].self, forKey: .models) ?? [first])
        views = try c.decodeIfPresent(Int.self, forKey: .views) ?? 1
        framings = try c.decodeIfPresent(FramingSettings.self, forKey: .framings)
        polish = try c.decodeIfPresent(Int.self, forKey: .polishEvery).map { every in
            PolishSchedule(every: every,
                           steps: try c.decodeIfPresent(Int.self, forKey: .polishSteps) ?? PolishDefaults.constantSteps,
                           learningRate: try c.decodeIfPresent(Float.self, forKey: .polishLearningRate)
                               ?? PolishDefaults.constantLearningRate,
                           preconditioning: try c.decodeIfPresent(Preconditioning.self, forKey: .polishPreconditioning),
                           freshFramings: try c.decodeIfPresent(Bool.self, forKey: .polishFreshFramings))
        }
        stop = try c.decodeIfPresent(StopCondition.self, forKey: .stop)
        seededFrom = try c.decodeIfPresent(String.self, forKey: .seededFrom) ?? "library"
        morph = try c.decodeIfPresent(MorphSchedule.self, forKey: .morph)
        island = try c.decodeIfPresent(IslandSettings.self, forKey: .island)
    }

    /// The run's plan as the sorted-key JSON a run stores (byte-stable).
    public func json() throws -> String {
        try RunPlan(self).json()
    }

    /// The settings stored for run `run` (a plan of any version).
    ///
    /// - Throws: `SearchError.unreadableConfig`; `.isAnAtlas` for an atlas's plan.
    public static func decode(_ json: String, run: String) throws -> RunSettings {
        try RunPlan.decode(json, run: run).runSettings(run: run)
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
    /// The basis the polish steps in (runs stored before it existed: none).
    public var preconditioning: Preconditioning?
    /// Framed runs: each polish step ascends fresh random framings instead of the run's own
    /// (nil, stored before it existed: the run's own).
    public var freshFramings: Bool?
    /// The polish takes turns over this many elites of the population that look different
    /// (`DiverseElites`: the best, then the fitter half's members farthest from those taken),
    /// so it climbs more than one basin. nil (or 1; runs stored before it existed): the best.
    public var basins: Int?

    /// Every 2 generations (measured on rock crab against every 5: README, search).
    public static let defaultEvery = 2

    public init(every: Int = PolishSchedule.defaultEvery, steps: Int = PolishDefaults.constantSteps,
                learningRate: Float = PolishDefaults.constantLearningRate, preconditioning: Preconditioning? = nil,
                freshFramings: Bool? = nil, basins: Int? = nil) {
        self.freshFramings = freshFramings
        self.basins = basins
        self.every = every
        self.steps = steps
        self.learningRate = learningRate
        self.preconditioning = preconditioning
    }

    /// Steps and rate of a polish after `stagnantGenerations` generations without progress.
    public func budget(stagnantGenerations: Int) -> (steps: Int, learningRate: Float) {
        let idleIntervals = min(stagnantGenerations / max(every, 1), 3)
        return (steps << idleIntervals, learningRate / Float(1 << idleIntervals))
    }
}

/// Scoring over random framings (expectation over transformations): each image is rendered once
/// at a source size and scored as the mean over `count` framings per network.
public struct FramingSettings: Codable, Equatable, Sendable {
    /// How parents and children stay comparable.
    public enum Renewal: String, Codable, Sendable, CaseIterable {
        /// One set of framings for the whole run, drawn from its seed.
        case fixed
        /// A fresh set each generation (common random numbers: every child of a generation and
        /// the re-scored parents see the same framings).
        case generation
    }

    /// Framings per image and network.
    public var count: Int
    public var renewal: Renewal
    public var ranges: Framing.Ranges
    /// Source pixels per network pixel across the smallest crop (the source render's side is
    /// ⌈largest network side × detail / smallest crop⌉).
    public var detail: Float

    /// 8 fixed framings: on rock crab (3 minutes, seed 1) robust 0.70 and held-out Lite2 0.013
    /// against 0.11 and 0.0002 for the exact render, 0.67/0.002 for 4 fixed framings and
    /// 0.14–0.26 for framings renewed each generation (README, images that hold up).
    public static let defaultCount = 8

    public init(count: Int = FramingSettings.defaultCount, renewal: Renewal = .fixed, ranges: Framing.Ranges = .standard,
                detail: Float = 0.8) {
        self.count = count
        self.renewal = renewal
        self.ranges = ranges
        self.detail = detail
    }
}

/// One island of an archipelago (`evolve --run NAME --island K`): its own run, named
/// `NAME.island-K`, that every `migrateEvery` generations sends its best individual through the
/// database and takes in the newest best of every other island (kept only if fit enough to
/// survive selection).
public struct IslandSettings: Codable, Equatable, Sendable {
    /// The name the islands share.
    public var archipelago: String
    /// This island's number, from 1.
    public var island: Int
    /// Generations between migrations.
    public var migrateEvery: Int

    public init(archipelago: String, island: Int, migrateEvery: Int) {
        self.archipelago = archipelago
        self.island = island
        self.migrateEvery = migrateEvery
    }

    /// The run name of island `island` of `archipelago`.
    public static func runName(archipelago: String, island: Int) -> String { "\(archipelago).island-\(island)" }

    /// Island K's seed: the archipelago's seed + K − 1, so islands start from different populations.
    public static func seed(_ seed: UInt64, island: Int) -> UInt64 { seed &+ UInt64(island - 1) }

    public static let defaultMigrateEvery = 5
}
