import Evolution
import Foundation
import Net
import Polish
import Scoring

/// Everything that defines an atlas besides its seed: the cells, how children are bred and
/// scored, the polish schedule and when to stop: the engine's view of an atlas's `RunPlan`,
/// which is what an atlas stores (`json()`, `decode`). Its `Decodable` conformance reads the
/// settings releases stored before the plan (version 1).
public struct AtlasSettings: Decodable, Equatable, Sendable {
    /// The cells' class indices, ascending, at least one.
    public var classes: [Int]
    /// Breeding: `offspringPerGeneration` is the batch size (children scored per transaction).
    public var evolution: EvolutionConfig
    /// Weight λ of the total-variation penalty.
    public var tvWeight: Float
    /// Naturalness gate (nil: none).
    public var gate: Float?
    /// The networks that score the children: each cell's quality is their mean.
    public var models: [ModelVariant]
    /// The random framings every child is scored over (fixed for the atlas).
    public var framings: FramingSettings
    /// Batches that count as recent for parent selection, and the share of parents drawn from
    /// cells improved within them.
    public var recentBatches: Int
    public var recentShare: Double
    /// Constant polish of one chosen elite every `every` batches (nil: never).
    public var polish: PolishSchedule?
    /// When to stop: `generation` is the batch to reach, `minutes` the atlas's total time.
    public var stop: StopCondition
    /// Worker threads of renders and classifiers (`RunPlan.threads`; releases before it used 2).
    public var threads = RunPlan.storedBeforeThreads

    /// The keys of the settings releases stored before the plan (which had no threads).
    enum CodingKeys: String, CodingKey {
        case classes, evolution, tvWeight, gate, models, framings, recentBatches, recentShare, polish, stop
    }

    public init(classes: [Int], evolution: EvolutionConfig, tvWeight: Float = FitnessFunction.defaultTVWeight,
                gate: Float? = nil, models: [ModelVariant] = [RunSettings.defaultModel],
                framings: FramingSettings = FramingSettings(), recentBatches: Int = AtlasSettings.defaultRecentBatches,
                recentShare: Double = AtlasSettings.defaultRecentShare,
                polish: PolishSchedule? = PolishSchedule(every: AtlasSettings.defaultPolishEvery, freshFramings: true),
                stop: StopCondition = StopCondition(minutes: 10), threads: Int = RunPlan.storedBeforeThreads) {
        precondition(!classes.isEmpty && !models.isEmpty, "an atlas needs cells and a network")
        self.threads = threads
        self.classes = Array(Set(classes)).sorted()
        self.evolution = evolution
        self.tvWeight = tvWeight
        self.gate = gate
        self.models = models
        self.framings = framings
        self.recentBatches = recentBatches
        self.recentShare = recentShare
        self.polish = polish
        self.stop = stop
    }

    public static let defaultRecentBatches = 20
    public static let defaultRecentShare = 0.5
    public static let defaultPolishEvery = 4

    /// The fitness whose penalties every cell shares (its objective is the first cell's class,
    /// used only where one objective must be named).
    public var fitness: FitnessFunction {
        FitnessFunction(objective: .classes([classes[0]]), tvWeight: tvWeight, gate: gate)
    }

    /// The models joined for display and the run's `model` column: `lite0+lite1`.
    public var modelName: String { models.map(\.rawValue).joined(separator: "+") }

    /// The network that judges this atlas: one it never used.
    public var heldOutModel: String { ModelCache.heldOut(for: models).rawValue }

    /// The run's `target` text: `atlas of 1000 classes`.
    public var targetText: String { "atlas of \(classes.count) class\(classes.count == 1 ? "" : "es")" }

    /// The atlas's plan as the sorted-key JSON a run stores (byte-stable).
    public func json() throws -> String {
        try RunPlan(self).json()
    }

    /// The settings stored for atlas `run` (a plan of any version).
    ///
    /// - Throws: `SearchError.unreadableConfig`; `.notAnAtlas` for a population's plan.
    public static func decode(_ json: String, run: String) throws -> AtlasSettings {
        try RunPlan.decode(json, run: run).atlasSettings(run: run)
    }
}
