import Evolution
import Foundation
import Net
import Polish
import Scoring

/// Everything that defines a run besides its seed and name, of every kind: how images are
/// scored, by which networks, toward what; how they are bred (a population, with islands or a
/// morph schedule, or an atlas over cells); the polish schedule; when to stop. It is what a run
/// stores in its row, with a version number and written key by key, so that a stored run
/// resumes with the plan it was started with, whatever the engine's types are called by then.
///
/// Versions: 1 is what releases up to e940a5c stored (two formats without a version key:
/// `RunSettings` for populations, `AtlasSettings` for atlases); 2 is this one. Every version
/// decodes; a later version is refused with a sentence naming both.
public struct RunPlan: Equatable, Sendable {
    /// The version this build writes.
    public static let version = 2

    /// How each image is scored.
    public enum Scoring: Equatable, Sendable {
        /// The plain render, averaged with `views − 1` fixed shifted views (runs made before
        /// framings; 1 = the plain render only).
        case exact(views: Int)
        /// The mean over random framings of one render.
        case framings(FramingSettings)
    }

    /// What is bred and how: the part that differs between kinds of run.
    public enum Strategy: Equatable, Sendable {
        /// A (μ+λ) population toward one objective, or a moving one (a morph), optionally one
        /// island of an archipelago.
        case population(Population)
        /// One elite per cell (class), MAP-Elites.
        case atlas(Atlas)
    }

    public struct Population: Equatable, Sendable {
        /// Where the initial population came from (`random`, `library`, `run:NAME`), for display.
        public var seededFrom: String
        /// The archipelago this run is an island of (nil: a run on its own).
        public var island: IslandSettings?
        /// A morph's moving objective (nil: the fitness objective throughout).
        public var morph: MorphSchedule?

        public init(seededFrom: String = "random", island: IslandSettings? = nil, morph: MorphSchedule? = nil) {
            self.seededFrom = seededFrom
            self.island = island
            self.morph = morph
        }
    }

    public struct Atlas: Equatable, Sendable {
        /// The cells' class indices, ascending, at least one.
        public var classes: [Int]
        /// Batches that count as recent for parent selection, and the share of parents drawn
        /// from cells improved within them.
        public var recentBatches: Int
        public var recentShare: Double

        public init(classes: [Int], recentBatches: Int = AtlasSettings.defaultRecentBatches,
                    recentShare: Double = AtlasSettings.defaultRecentShare) {
            self.classes = Array(Set(classes)).sorted()
            self.recentBatches = recentBatches
            self.recentShare = recentShare
        }
    }

    /// The networks that score the images (their mean), never empty.
    public var models: [ModelVariant]
    public var scoring: Scoring
    /// Objective and penalties (an atlas's objective names its first cell; each cell scores
    /// its own class).
    public var fitness: FitnessFunction
    /// Selection and variation (an atlas's batch size is `offspringPerGeneration`).
    public var evolution: EvolutionConfig
    public var strategy: Strategy
    /// Constant polish during the run (nil: never).
    public var polish: PolishSchedule?
    /// What the run was asked to do (nil only in runs stored before it was recorded).
    public var stop: StopCondition?
    /// Worker threads of the run's renders and classifiers. Part of the plan because the
    /// classifier's sums are split by thread (OpenBLAS blocks each thread's share of a layer),
    /// so the last bits of a score, and from them a run's choices, depend on it
    /// (`EngineTests.testThreadsArePartOfThePlan`); a resumed run uses the stored count.
    public var threads: Int

    /// The threads every run used before they were stored.
    public static let storedBeforeThreads = 2

    public init(models: [ModelVariant], scoring: Scoring, fitness: FitnessFunction, evolution: EvolutionConfig,
                strategy: Strategy, polish: PolishSchedule?, stop: StopCondition?,
                threads: Int = RunPlan.storedBeforeThreads) {
        precondition(!models.isEmpty, "a run needs a network")
        self.threads = threads
        self.models = models
        self.scoring = scoring
        self.fitness = fitness
        self.evolution = evolution
        self.strategy = strategy
        self.polish = polish
        self.stop = stop
    }
}

// MARK: The engine's views of a plan

extension RunPlan {
    /// The plan of a population run.
    public init(_ settings: RunSettings) throws {
        self.init(models: settings.models, scoring: settings.framings.map(Scoring.framings)
                    ?? .exact(views: settings.views),
                  fitness: settings.fitness, evolution: settings.evolution,
                  strategy: .population(Population(seededFrom: settings.seededFrom, island: settings.island,
                                                   morph: settings.morph)),
                  polish: settings.polish, stop: settings.stop, threads: settings.threads)
    }

    /// The plan of an atlas.
    public init(_ settings: AtlasSettings) throws {
        self.init(models: settings.models, scoring: .framings(settings.framings),
                  fitness: settings.fitness, evolution: settings.evolution,
                  strategy: .atlas(Atlas(classes: settings.classes, recentBatches: settings.recentBatches,
                                         recentShare: settings.recentShare)),
                  polish: settings.polish, stop: settings.stop, threads: settings.threads)
    }

    /// The population run this plan describes.
    ///
    /// - Throws: `SearchError.isAnAtlas` for an atlas's plan.
    public func runSettings(run: String) throws -> RunSettings {
        guard case .population(let population) = strategy else { throw SearchError.isAnAtlas(run: run) }
        var settings = RunSettings(evolution: evolution, fitness: fitness, models: models, views: 1,
                                   framings: nil, polish: polish, stop: stop, seededFrom: population.seededFrom,
                                   morph: population.morph)
        switch scoring {
        case .exact(let views): settings.views = views
        case .framings(let framings): settings.framings = framings
        }
        settings.island = population.island
        settings.threads = threads
        return settings
    }

    /// The atlas this plan describes.
    ///
    /// - Throws: `SearchError.notAnAtlas` for a population's plan.
    public func atlasSettings(run: String) throws -> AtlasSettings {
        guard case .atlas(let atlas) = strategy, case .framings(let framings) = scoring else {
            throw SearchError.notAnAtlas(run: run)
        }
        return AtlasSettings(classes: atlas.classes, evolution: evolution, tvWeight: fitness.tvWeight, gate: fitness.gate,
                             models: models, framings: framings, recentBatches: atlas.recentBatches,
                             recentShare: atlas.recentShare, polish: polish, stop: stop ?? StopCondition(minutes: 10),
                             threads: threads)
    }

    private static func variants(_ names: [String]) throws -> [ModelVariant] {
        try names.map { name in
            guard let variant = ModelVariant(rawValue: name.lowercased()) else { throw SearchError.unknownModel(name) }
            return variant
        }
    }
}

// MARK: Stored form

extension RunPlan: Codable {
    enum Key: String, CodingKey {
        case version, models, scoring, fitness, evolution, strategy, polish, stop, threads
    }

    enum ScoringKey: String, CodingKey { case exact, framings, views }
    enum StrategyKey: String, CodingKey { case population, atlas }
    enum PopulationKey: String, CodingKey { case seededFrom, island, morph }
    enum AtlasKey: String, CodingKey { case classes, recentBatches, recentShare }
    enum FitnessKey: String, CodingKey { case objective, tvWeight, gate, gateSlope }

    /// Decodes version 2 (`RunPlan.decode` reads version 1 and refuses later versions).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let version = try c.decode(Int.self, forKey: .version)
        guard version == Self.version else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: c,
                                                   debugDescription: "plan version \(version), this decoder reads \(Self.version)")
        }
        let names = try c.decode([String].self, forKey: .models)
        guard !names.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .models, in: c, debugDescription: "a plan names at least one network")
        }
        models = try Self.variants(names)

        let s = try c.nestedContainer(keyedBy: ScoringKey.self, forKey: .scoring)
        if let framings = try s.decodeIfPresent(FramingSettings.self, forKey: .framings) {
            scoring = .framings(framings)
        } else {
            let exact = try s.nestedContainer(keyedBy: ScoringKey.self, forKey: .exact)
            scoring = .exact(views: try exact.decode(Int.self, forKey: .views))
        }

        let f = try c.nestedContainer(keyedBy: FitnessKey.self, forKey: .fitness)
        fitness = FitnessFunction(objective: try f.decode(Objective.self, forKey: .objective),
                                  tvWeight: try f.decode(Float.self, forKey: .tvWeight),
                                  gate: try f.decodeIfPresent(Float.self, forKey: .gate))
        fitness.gateSlope = try f.decode(Float.self, forKey: .gateSlope)

        evolution = try c.decode(EvolutionConfig.self, forKey: .evolution)

        let strategies = try c.nestedContainer(keyedBy: StrategyKey.self, forKey: .strategy)
        if strategies.contains(.atlas) {
            let a = try strategies.nestedContainer(keyedBy: AtlasKey.self, forKey: .atlas)
            strategy = .atlas(Atlas(classes: try a.decode([Int].self, forKey: .classes),
                                    recentBatches: try a.decode(Int.self, forKey: .recentBatches),
                                    recentShare: try a.decode(Double.self, forKey: .recentShare)))
        } else {
            let p = try strategies.nestedContainer(keyedBy: PopulationKey.self, forKey: .population)
            strategy = .population(Population(seededFrom: try p.decode(String.self, forKey: .seededFrom),
                                              island: try p.decodeIfPresent(IslandSettings.self, forKey: .island),
                                              morph: try p.decodeIfPresent(MorphSchedule.self, forKey: .morph)))
        }
        polish = try c.decodeIfPresent(PolishSchedule.self, forKey: .polish)
        stop = try c.decodeIfPresent(StopCondition.self, forKey: .stop)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? Self.storedBeforeThreads
        guard (1...256).contains(threads) else {
            throw DecodingError.dataCorruptedError(forKey: .threads, in: c, debugDescription: "threads \(threads), not 1…256")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(Self.version, forKey: .version)
        try c.encode(models.map(\.rawValue), forKey: .models)

        var s = c.nestedContainer(keyedBy: ScoringKey.self, forKey: .scoring)
        switch scoring {
        case .exact(let views):
            var exact = s.nestedContainer(keyedBy: ScoringKey.self, forKey: .exact)
            try exact.encode(views, forKey: .views)
        case .framings(let framings):
            try s.encode(framings, forKey: .framings)
        }

        var f = c.nestedContainer(keyedBy: FitnessKey.self, forKey: .fitness)
        try f.encode(fitness.objective, forKey: .objective)
        try f.encode(fitness.tvWeight, forKey: .tvWeight)
        try f.encodeIfPresent(fitness.gate, forKey: .gate)
        try f.encode(fitness.gateSlope, forKey: .gateSlope)

        try c.encode(evolution, forKey: .evolution)

        var strategies = c.nestedContainer(keyedBy: StrategyKey.self, forKey: .strategy)
        switch strategy {
        case .population(let population):
            var p = strategies.nestedContainer(keyedBy: PopulationKey.self, forKey: .population)
            try p.encode(population.seededFrom, forKey: .seededFrom)
            try p.encodeIfPresent(population.island, forKey: .island)
            try p.encodeIfPresent(population.morph, forKey: .morph)
        case .atlas(let atlas):
            var a = strategies.nestedContainer(keyedBy: AtlasKey.self, forKey: .atlas)
            try a.encode(atlas.classes, forKey: .classes)
            try a.encode(atlas.recentBatches, forKey: .recentBatches)
            try a.encode(atlas.recentShare, forKey: .recentShare)
        }
        try c.encodeIfPresent(polish, forKey: .polish)
        try c.encodeIfPresent(stop, forKey: .stop)
        try c.encode(threads, forKey: .threads)
    }

    /// The plan as sorted-key JSON (byte-stable), the form a run stores.
    public func json() throws -> String {
        try StoredJSON.encode(self)
    }

    /// The plan stored for run `run`, of any version this build knows.
    ///
    /// - Throws: `SearchError.unreadableConfig` naming the run (a later version: upgrade).
    public static func decode(_ json: String, run: String) throws -> RunPlan {
        /// Just enough to tell the stored versions apart.
        struct Probe: Decodable {
            var version: Int?
            var classes: [Int]?
        }
        let probe = try StoredJSON.decode(Probe.self, from: json, run: run)
        switch probe.version {
        case nil where probe.classes != nil:
            return try RunPlan(StoredJSON.decode(AtlasSettings.self, from: json, run: run))
        case nil:
            return try RunPlan(StoredJSON.decode(RunSettings.self, from: json, run: run))
        case Self.version?:
            return try StoredJSON.decode(RunPlan.self, from: json, run: run)
        case let other?:
            throw SearchError.unreadableConfig(run: run, reason: "its plan has version \(other), this pareidolia reads versions 1–\(Self.version); use a newer pareidolia")
        }
    }
}
