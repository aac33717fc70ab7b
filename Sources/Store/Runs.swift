import Foundation

/// What a run is: one population bred toward one objective, or an atlas of elites.
public enum RunKind: String, Sendable, CaseIterable, Equatable {
    /// `evolve`, `morph`, `opposite`: one population, generations and records.
    case evolve
    /// `atlas`: a MAP-Elites archive with one elite per class, batches and elites.
    case atlas
}

/// What the evolution engine asks to create: one named run of `evolve` or `atlas`.
///
/// The store keeps `target` and `config` as text and never interprets them beyond checking
/// that `config` is JSON; the engine encodes and decodes both.
public struct NewRun: Sendable, Equatable {
    /// Unique run name, 1–64 characters from `A–Z a–z 0–9 . _ -`, not starting with `.`
    /// (it becomes the directory `gallery/<name>/`).
    public var name: String
    /// Human text for what the run evolves toward, e.g. `"rock crab"`.
    public var target: String
    /// The full evolution configuration as JSON text, so `resume` can rebuild it exactly.
    public var config: String
    /// Which classifier scores the images, e.g. `"efficientnet-lite0"`.
    public var model: String
    /// The run's RNG seed; every 64-bit value round-trips exactly.
    public var seed: UInt64
    public var kind: RunKind

    /// Creates the description of a run to be inserted by `RunStore.createRun`.
    public init(name: String, target: String, config: String, model: String, seed: UInt64, kind: RunKind = .evolve) {
        self.kind = kind
        self.name = name
        self.target = target
        self.config = config
        self.model = model
        self.seed = seed
    }
}

/// The life-cycle state of a run.
public enum RunStatus: String, Sendable, CaseIterable, Equatable {
    /// `evolve` is (or was, until a crash) breeding this run.
    case running
    /// Stopped on purpose; `resume` continues it.
    case paused
    /// Reached its goal or its generation limit.
    case finished
    /// Stopped by a signal (Ctrl-C); `resume` continues it.
    case interrupted
}

/// A stored run, as read back from the database.
public struct Run: Sendable, Equatable {
    /// Row id; pass it to the per-run methods of `RunStore`.
    public var id: Int64
    public var name: String
    public var target: String
    /// The configuration JSON text given at creation.
    public var config: String
    public var model: String
    public var seed: UInt64
    public var status: RunStatus
    /// Number of committed generations; the next commit must have this index.
    public var generations: Int
    /// Creation time (stored with millisecond precision, UTC).
    public var createdAt: Date
    /// Time of the last change (creation, status change, generation or record commit).
    public var updatedAt: Date
    public var kind: RunKind

    /// Memberwise initialiser (the store builds these; public for tests and tools).
    public init(id: Int64, name: String, target: String, config: String, model: String,
                seed: UInt64, status: RunStatus, generations: Int, createdAt: Date, updatedAt: Date,
                kind: RunKind = .evolve) {
        self.kind = kind
        self.id = id
        self.name = name
        self.target = target
        self.config = config
        self.model = model
        self.seed = seed
        self.status = status
        self.generations = generations
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One line of `pareidolia runs`: a run with its progress and its best record.
public struct RunSummary: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var target: String
    public var model: String
    public var seed: UInt64
    public var status: RunStatus
    /// Number of committed generations.
    public var generations: Int
    /// Fitness evaluations so far (from the last committed generation; 0 before the first).
    public var evaluations: Int
    /// Wall-clock seconds of evolution so far (from the last committed generation).
    public var elapsedSeconds: Double
    /// The fittest record of the run (ties: the latest), `nil` while the run has none.
    public var best: Best?
    public var createdAt: Date
    public var updatedAt: Date

    /// Scores of a run's fittest record.
    public struct Best: Sendable, Equatable {
        public var fitness: Float
        /// Softmax probability of the target, in [0, 1].
        public var confidence: Float
        /// Naturalness penalty (lower is more natural).
        public var naturalness: Float
        /// Generation at which the record was found.
        public var generation: Int

        public init(fitness: Float, confidence: Float, naturalness: Float, generation: Int) {
            self.fitness = fitness
            self.confidence = confidence
            self.naturalness = naturalness
            self.generation = generation
        }
    }

    public var kind: RunKind

    public init(id: Int64, name: String, target: String, model: String, seed: UInt64,
                status: RunStatus, generations: Int, evaluations: Int, elapsedSeconds: Double,
                best: Best?, createdAt: Date, updatedAt: Date, kind: RunKind = .evolve) {
        self.kind = kind
        self.id = id
        self.name = name
        self.target = target
        self.model = model
        self.seed = seed
        self.status = status
        self.generations = generations
        self.evaluations = evaluations
        self.elapsedSeconds = elapsedSeconds
        self.best = best
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
