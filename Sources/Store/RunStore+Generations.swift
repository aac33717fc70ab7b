import Foundation

extension RunStore {
    /// Writes one generation in ONE transaction: its statistics and RNG state, the whole
    /// population, its new records, and the run's generation count and `updatedAt`.
    ///
    /// Either everything is written or nothing is: a failure at any entry leaves the database
    /// as it was, and the run's next generation index unchanged.
    ///
    /// Renews this store's lease on the run; refused with `StoreError.runLocked` while
    /// another live process holds it.
    ///
    /// - Throws: `StoreError.generationOutOfOrder` unless `commit.stats.index` equals the
    ///   run's committed generation count; `.emptyPopulation`; `.invalidStats`;
    ///   `.invalidIndividual` (empty genome, more than 2 parents, a parent position outside
    ///   the previous population); `.invalidRecord`; `.runIDNotFound`.
    public func commitGeneration(_ commit: GenerationCommit) throws {
        let stats = commit.stats
        try transaction("committing generation \(stats.index) of run \(commit.run)") { db in
            let run = try fetchRun(db, id: commit.run, forUpdate: true)
            try checkWriter(db, run: run)
            guard stats.index == run.generations else {
                throw StoreError.generationOutOfOrder(run: run.name, expected: run.generations,
                                                      got: stats.index)
            }
            guard !commit.population.isEmpty else {
                throw StoreError.emptyPopulation(run: run.name, generation: stats.index)
            }
            try checkStats(stats, run: run)
            let now = Date()
            let previousSize = try stats.index == 0 ? 0 : db.fetchOne("""
                SELECT population_size FROM generations WHERE run_id = ? AND idx = ?
                """, [run.id, stats.index - 1])?.int("population_size") ?? 0
            try insertGeneration(db, run: run, stats: stats, rngState: commit.rngState,
                                 populationSize: commit.population.count, at: now)
            try insertPopulation(db, run: run, generation: stats.index,
                                 population: commit.population, previousSize: previousSize)
            for record in commit.records {
                try insertRecord(db, record, run: run, generation: stats.index, at: now)
            }
            try db.execute("UPDATE runs SET generations = ?, updated_at = ? WHERE id = ?", [stats.index + 1, now, run.id])
        }
    }

    /// Adds a record to an already committed generation (e.g. a polished genome).
    ///
    /// - Throws: `StoreError.invalidRecord` if `generation` is not committed or the genome is
    ///   empty; `.runIDNotFound`.
    @discardableResult
    public func addRecord(_ record: NewRecord, run id: Int64, generation: Int) throws -> RecordRow {
        try transaction("adding a record to run \(id)") { db in
            let run = try fetchRun(db, id: id, forUpdate: true)
            guard (0..<run.generations).contains(generation) else {
                throw StoreError.invalidRecord(
                    run: run.name, generation: generation,
                    reason: "generation \(generation) is not committed (the run has "
                        + "\(run.generations))")
            }
            let now = Date()
            let recordID = try insertRecord(db, record, run: run, generation: generation, at: now)
            try db.execute("UPDATE runs SET updated_at = ? WHERE id = ?", [now, run.id])
            guard let row = try db.fetchOne("SELECT * FROM records WHERE id = ?", [recordID]) else {
                throw StoreError.recordNotFound(id: recordID)
            }
            return try decodeRecord(row)
        }
    }

    /// Sets (or clears, with `nil`) where the gallery wrote record `id`'s image.
    ///
    /// - Throws: `StoreError.recordNotFound`.
    public func setRecordImagePath(_ imagePath: String?, record id: Int64) throws {
        try transaction("setting the image of record \(id)") { db in
            if try db.execute("UPDATE records SET image_path = ? WHERE id = ?", [imagePath, id]) == 0 {
                throw StoreError.recordNotFound(id: id)
            }
        }
    }

    /// The last committed generation of run `id` (statistics, RNG state, population), or
    /// `nil` before the first commit: everything `resume` needs besides the run's config.
    public func lastGeneration(run id: Int64) throws -> GenerationSnapshot? {
        try read("reading the last generation of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            guard run.generations > 0 else { return nil }
            let index = run.generations - 1
            return try naming(run: run.name, generation: index) {
                guard let row = try db.fetchOne("SELECT * FROM generations WHERE run_id = ? AND idx = ?",
                                                [id, index]) else {
                    throw StoreError.corruptValue(
                        path: path, detail: "run '\(run.name)' counts \(run.generations) generations but "
                            + "generation \(index) is missing")
                }
                return GenerationSnapshot(
                    stats: try decodeStats(row),
                    rngState: try row.text("rng_state"),
                    population: try fetchPopulation(db, run: id, generation: index),
                    committedAt: try row.date("committed_at"))
            }
        }
    }

    /// The population of generation `generation` of run `id`, in committed order
    /// (empty if that generation is not committed).
    public func population(run id: Int64, generation: Int) throws -> [Individual] {
        try read("reading generation \(generation) of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            return try naming(run: run.name, generation: generation) {
                try fetchPopulation(db, run: id, generation: generation)
            }
        }
    }

    /// Deletes the populations of all but the last `keep` committed generations of run `id`
    /// (at least 1 is always kept), keeping every generation's statistics and every record.
    ///
    /// `lastGeneration`, and so `resume`, is unaffected. Returns the number of individuals
    /// deleted. Space is reused by later commits; the file does not shrink.
    @discardableResult
    public func prunePopulations(run id: Int64, keepingLast keep: Int) throws -> Int {
        try transaction("pruning the populations of run \(id)") { db in
            let run = try fetchRun(db, id: id, forUpdate: true)
            return try db.execute("DELETE FROM individuals WHERE run_id = ? AND generation < ?",
                                  [id, run.generations - max(1, keep)])
        }
    }

    /// Statistics of every committed generation of run `id`, in order (for charts).
    public func generations(run id: Int64) throws -> [GenerationStats] {
        try read("reading the generations of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            return try naming(run: run.name, generation: nil) {
                try db.fetchAll("SELECT * FROM generations WHERE run_id = ? ORDER BY idx", [id]).map(decodeStats)
            }
        }
    }

    /// Every record of run `id` (each new best, and polished ones), in the order stored.
    public func records(run id: Int64) throws -> [RecordRow] {
        try read("reading the records of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            return try naming(run: run.name, generation: nil) {
                try db.fetchAll("SELECT * FROM records WHERE run_id = ? ORDER BY id", [id]).map(decodeRecord)
            }
        }
    }
}
