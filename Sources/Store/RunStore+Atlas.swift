import Foundation

/// One cell of an atlas as stored: its elite's genome and scores, and the batch that put it there.
public struct EliteRow: Sendable, Equatable {
    /// The cell's class index.
    public var cell: Int
    /// The genome as S-expression text (non-empty).
    public var genome: String
    /// The cell's objective minus penalties (higher is better).
    public var quality: Float
    /// The class's probability, [0, 1].
    public var confidence: Float
    /// Naturalness penalty (lower is more natural).
    public var naturalness: Float
    /// The batch whose offer placed it.
    public var batch: Int

    public init(cell: Int, genome: String, quality: Float, confidence: Float, naturalness: Float, batch: Int) {
        self.cell = cell
        self.genome = genome
        self.quality = quality
        self.confidence = confidence
        self.naturalness = naturalness
        self.batch = batch
    }
}

/// One batch of an atlas, committed whole: its statistics and counters, and the elites it offers.
public struct BatchCommit: Sendable, Equatable {
    public var run: Int64
    /// `index` is the batch number; the best/mean fields summarise the archive after the batch.
    public var stats: GenerationStats
    /// The engine's counters (RNG state and the rest) as JSON text.
    public var rngState: String
    /// Cells filled after the batch.
    public var filledCells: Int
    /// Elites offered by this batch; each replaces its cell's elite only if it is better.
    public var elites: [EliteRow]

    public init(run: Int64, stats: GenerationStats, rngState: String, filledCells: Int, elites: [EliteRow]) {
        self.run = run
        self.stats = stats
        self.rngState = rngState
        self.filledCells = filledCells
        self.elites = elites
    }
}

extension RunStore {
    /// Writes one atlas batch in ONE transaction: its statistics and counters (as a row of
    /// `generations`), every offered elite, and the run's batch count. An offered elite
    /// replaces a cell's elite in one statement, only if its quality is higher (or equal and
    /// its image more natural), so concurrent writers never make a cell worse.
    ///
    /// - Throws: `StoreError.generationOutOfOrder` unless the batch index equals the run's
    ///   committed batch count; `.emptyPopulation` when no cell is filled; `.invalidStats`;
    ///   `.invalidRecord` for an elite with an empty genome; `.runIDNotFound`; `.runLocked`.
    public func commitBatch(_ commit: BatchCommit) throws {
        let stats = commit.stats
        try transaction("committing batch \(stats.index) of atlas \(commit.run)") { db in
            let run = try fetchRun(db, id: commit.run, forUpdate: true)
            try checkWriter(db, run: run)
            guard stats.index == run.generations else {
                throw StoreError.generationOutOfOrder(run: run.name, expected: run.generations, got: stats.index)
            }
            try writeBatch(db, run: run, stats: stats, rngState: commit.rngState, filledCells: commit.filledCells,
                           elites: commit.elites, worker: nil)
        }
    }

    /// Writes batch `stats.index` (the run's next) inside an open write transaction: its
    /// `generations` row, the upsert of every offered elite (placed by that batch), the
    /// run's batch count.
    func writeBatch(_ db: any SQLConnection, run: Run, stats: GenerationStats, rngState: String, filledCells: Int,
                    elites: [EliteRow], worker: Int?) throws {
        guard filledCells > 0 else { throw StoreError.emptyPopulation(run: run.name, generation: stats.index) }
        try checkStats(stats, run: run)
        var cells = Set<Int>()
        for elite in elites {
            func refuse(_ reason: String) -> StoreError {
                .invalidRecord(run: run.name, generation: stats.index, reason: "elite of cell \(elite.cell) \(reason)")
            }
            if elite.genome.isEmpty || elite.cell < 0 { throw refuse("has an empty genome or a negative cell") }
            if !cells.insert(elite.cell).inserted { throw refuse("is offered twice in one batch") }
        }
        let now = Date()
        // One statement per 500 elites (a round trip each, not one per elite); the database
        // counts the cells it actually changed (another worker may have got there first).
        var improved = 0
        for start in stride(from: 0, to: elites.count, by: Self.upsertChunk) {
            let chunk = elites[start..<min(start + Self.upsertChunk, elites.count)]
            var arguments: [any SQLBindable] = []
            arguments.reserveCapacity(chunk.count * 8)
            for elite in chunk {
                arguments += [run.id, elite.cell, elite.genome, elite.quality.stored, elite.confidence.stored,
                              elite.naturalness.stored, stats.index, now] as [any SQLBindable]
            }
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            improved += try db.execute("""
                INSERT INTO elites (run_id, cell, genome, quality, confidence, naturalness, batch, updated_at)
                VALUES \(rows)
                ON CONFLICT (run_id, cell) DO UPDATE SET
                    genome = excluded.genome, quality = excluded.quality, confidence = excluded.confidence,
                    naturalness = excluded.naturalness, batch = excluded.batch, updated_at = excluded.updated_at
                WHERE excluded.quality > elites.quality
                   OR (excluded.quality = elites.quality AND excluded.naturalness < elites.naturalness)
                """, arguments)
        }
        try insertGeneration(db, run: run, stats: stats, rngState: rngState, populationSize: filledCells, at: now,
                             worker: worker, improved: improved)
        try db.execute("UPDATE runs SET generations = ?, updated_at = ? WHERE id = ?", [stats.index + 1, now, run.id])
    }

    /// Elites per upsert statement (8 parameters each: well inside SQLite's and PostgreSQL's limits).
    static let upsertChunk = 500

    /// The elites of atlas `id`, by cell (empty for a run that is not an atlas).
    public func elites(run id: Int64) throws -> [EliteRow] {
        guard hasAtlases else { return [] }
        return try read("reading the elites of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            return try naming(run: run.name, generation: nil) {
                try db.fetchAll("SELECT * FROM elites WHERE run_id = ? ORDER BY cell", [id]).map(decodeElite)
            }
        }
    }

    /// The statistics and counters of the last committed batch of atlas `id` (nil before any).
    public func lastBatch(run id: Int64) throws -> (stats: GenerationStats, rngState: String)? {
        try read("reading the last batch of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            guard run.generations > 0 else { return nil }
            return try naming(run: run.name, generation: run.generations - 1) {
                guard let row = try db.fetchOne("SELECT * FROM generations WHERE run_id = ? AND idx = ?",
                                                [id, run.generations - 1]) else {
                    throw StoreError.corruptValue(path: path, detail: "run '\(run.name)' counts \(run.generations) "
                                                    + "batches but batch \(run.generations - 1) is missing")
                }
                return (try decodeStats(row), try row.text("rng_state"))
            }
        }
    }

    func decodeElite(_ row: SQLRow) throws -> EliteRow {
        EliteRow(cell: try row.int("cell"), genome: try row.text("genome"),
                 quality: try decodeFloat(row, "quality"), confidence: try decodeFloat(row, "confidence"),
                 naturalness: try decodeFloat(row, "naturalness"), batch: try row.int("batch"))
    }

    /// Every batch of atlas `id` as committed: who committed it, when, and what it did (for
    /// `bench atlas --workers`).
    public func batches(run id: Int64) throws -> [BatchRow] {
        guard hasWorkers else { return [] }
        return try read("reading the batches of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            return try naming(run: run.name, generation: nil) {
                try db.fetchAll("SELECT * FROM generations WHERE run_id = ? ORDER BY idx", [id]).map { row in
                    BatchRow(stats: try decodeStats(row), worker: try row.optionalInt("worker"),
                             improved: try row.optionalInt("improved") ?? 0, committedAt: try row.date("committed_at"))
                }
            }
        }
    }
}

/// One committed batch of an atlas.
public struct BatchRow: Sendable, Equatable {
    /// Index, the committer's cumulative evaluations and elapsed seconds, archive summary.
    public var stats: GenerationStats
    /// The worker that committed it (nil: a lone atlas process).
    public var worker: Int?
    /// Cells whose stored elite it replaced or filled.
    public var improved: Int
    public var committedAt: Date
}
