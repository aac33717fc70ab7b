import Genome

/// How one genome scores for one cell (class) of an atlas.
public struct CellScore: Codable, Sendable, Equatable {
    /// The cell's objective minus the penalties (higher is better).
    public var quality: Float
    /// The class's probability (mean over the run's framings and networks).
    public var confidence: Float
    /// The naturalness penalty's raw value (lower is more natural).
    public var naturalness: Float

    public init(quality: Float, confidence: Float, naturalness: Float) {
        self.quality = quality
        self.confidence = confidence
        self.naturalness = naturalness
    }

    /// The replacement rule of every archive, in memory and in the store: higher quality wins,
    /// and on equal quality the more natural image.
    public func beats(_ other: CellScore) -> Bool {
        quality > other.quality || (quality == other.quality && naturalness < other.naturalness)
    }
}

/// The best genome found so far for one cell.
public struct AtlasElite: Sendable, Equatable {
    public var genome: Genome
    public var score: CellScore
    /// The batch whose offer put it there (0: the initial batch).
    public var batch: Int

    public init(genome: Genome, score: CellScore, batch: Int) {
        self.genome = genome
        self.score = score
        self.batch = batch
    }
}

/// A MAP-Elites archive with one cell per class: every genome is offered to every cell and
/// stays where it beats the elite (`CellScore.beats`), so a cell never gets worse.
public struct AtlasArchive: Sendable, Equatable {
    /// The cells' class indices, ascending; every iteration follows this order (determinism).
    public let cells: [Int]
    public private(set) var elites: [Int: AtlasElite]

    public init(cells: [Int], elites: [Int: AtlasElite] = [:]) {
        self.cells = cells.sorted()
        self.elites = elites.filter { cells.contains($0.key) }
    }

    /// The filled cells' classes, ascending.
    public var filled: [Int] { cells.filter { elites[$0] != nil } }

    /// Offers `genome`, scored `scores[i]` for `cells[i]`, to every cell; returns the cells it
    /// now holds (ascending).
    @discardableResult
    public mutating func offer(_ genome: Genome, scores: [CellScore], batch: Int) -> [Int] {
        precondition(scores.count == cells.count, "one score per cell")
        var improved: [Int] = []
        for (cell, score) in zip(cells, scores) where elites[cell].map({ score.beats($0.score) }) ?? true {
            elites[cell] = AtlasElite(genome: genome, score: score, batch: batch)
            improved.append(cell)
        }
        return improved
    }

    /// Takes `elite` into `cell` when it beats the cell's elite, or the cell is empty (what
    /// another worker of a shared atlas found); returns whether it did.
    @discardableResult
    public mutating func consider(_ elite: AtlasElite, cell: Int) -> Bool {
        guard cells.contains(cell), elites[cell].map({ elite.score.beats($0.score) }) ?? true else { return false }
        elites[cell] = elite
        return true
    }

    /// Sets the batch that placed `cells`' elites (a shared atlas numbers a batch when it commits).
    public mutating func relabel(_ cells: some Sequence<Int>, batch: Int) {
        for cell in cells where elites[cell] != nil { elites[cell]!.batch = batch }
    }

    /// A parent: with probability `recentShare`, a cell improved in the last `recentBatches`
    /// batches before `batch` (when there is one), else any filled cell; uniform within each.
    public func parent(batch: Int, recentBatches: Int, recentShare: Double,
                       using rng: inout SeededGenerator) -> Genome {
        let filled = self.filled
        precondition(!filled.isEmpty, "an empty archive has no parents")
        if Double.random(in: 0..<1, using: &rng) < recentShare {
            let recent = filled.filter { elites[$0]!.batch >= batch - recentBatches }
            if !recent.isEmpty { return elites[recent[rng.below(recent.count)]]!.genome }
        }
        return elites[filled[rng.below(filled.count)]]!.genome
    }
}

/// Everything an atlas needs to continue exactly where it stopped; persisted after each batch.
public struct AtlasState: Sendable, Equatable {
    public var archive: AtlasArchive
    public var counters: Counters

    public init(archive: AtlasArchive, counters: Counters) {
        self.archive = archive
        self.counters = counters
    }

    /// The scalar part of the state (stored as JSON with each batch).
    public struct Counters: Codable, Sendable, Equatable {
        /// Committed batches (0: only the initial batch has been offered).
        public var batch: Int
        public var rng: SeededGenerator
        /// Genomes scored so far.
        public var evaluations: Int
        /// Polishes spent on each cell (for the choice of the next one).
        public var polishes: [Int: Int]

        public init(batch: Int, rng: SeededGenerator, evaluations: Int, polishes: [Int: Int] = [:]) {
            self.batch = batch
            self.rng = rng
            self.evaluations = evaluations
            self.polishes = polishes
        }
    }
}

/// How an atlas breeds: parents from the archive, children by the run's crossover and mutation.
public struct AtlasBreeder: Sendable {
    public let config: EvolutionConfig
    /// Batches that count as "recent" for parent selection.
    public var recentBatches: Int
    /// Share of parents drawn from recently improved cells.
    public var recentShare: Double

    public init(config: EvolutionConfig, recentBatches: Int, recentShare: Double) {
        self.config = config
        self.recentBatches = recentBatches
        self.recentShare = recentShare
    }

    /// `count` random genomes (the initial batch, immigrants).
    public func randomGenomes(_ count: Int, using rng: inout SeededGenerator) throws -> [Genome] {
        try Breeding(config: config).randomGenomes(count, using: &rng)
    }

    /// One batch of `config.offspringPerGeneration` children of `archive` for batch `batch`:
    /// the configured share of random immigrants, the rest bred from archive parents, structural
    /// duplicates of elites and of each other retried a bounded number of times.
    public func children(of archive: AtlasArchive, batch: Int, using rng: inout SeededGenerator) throws -> [Genome] {
        let count = config.offspringPerGeneration
        return try Breeding(config: config).children(
            count, immigrants: Int((Double(count) * config.immigrantRate).rounded()),
            known: Set(archive.elites.values.map(\.genome)),
            parents: { rng in archive.parent(batch: batch, recentBatches: recentBatches, recentShare: recentShare, using: &rng) },
            using: &rng).map(\.genome)
    }
}
