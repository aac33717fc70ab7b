import Foundation

/// Row writing and reading shared by the generation and record methods.
extension RunStore {
    /// Inserts a population, checking each entry's parents against the previous population.
    /// Refuses statistics with negative evaluations or elapsed time (`StoreError.invalidStats`).
    func checkStats(_ stats: GenerationStats, run: Run) throws {
        if stats.evaluations < 0 || !(stats.elapsedSeconds >= 0) {
            throw StoreError.invalidStats(
                run: run.name, generation: stats.index,
                reason: "evaluations \(stats.evaluations) and elapsed seconds \(stats.elapsedSeconds) must be non-negative")
        }
    }

    /// Inserts one `generations` row (a generation of a run, or a batch of an atlas).
    func insertGeneration(_ db: any SQLConnection, run: Run, stats: GenerationStats, rngState: String,
                          populationSize: Int, at now: Date, worker: Int? = nil, improved: Int? = nil) throws {
        try db.execute("""
            INSERT INTO generations (run_id, idx, best_fitness, mean_fitness, best_confidence,
                mean_confidence, best_naturalness, evaluations, elapsed_seconds, rng_state,
                population_size, committed_at, worker, improved)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                run.id, stats.index, stats.bestFitness.stored, stats.meanFitness.stored,
                stats.bestConfidence.stored, stats.meanConfidence.stored, stats.bestNaturalness.stored,
                stats.evaluations, stats.elapsedSeconds, rngState, populationSize, now, worker, improved,
            ])
    }

    func insertPopulation(_ db: any SQLConnection, run: Run, generation: Int,
                          population: [Individual], previousSize: Int) throws {
        let insert = """
            INSERT INTO individuals (run_id, generation, position, genome, fitness, confidence,
                                     naturalness, parent1, parent2, origin)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        for (position, individual) in population.enumerated() {
            func refuse(_ reason: String) -> StoreError {
                .invalidIndividual(run: run.name, generation: generation, position: position,
                                   reason: reason)
            }
            let parents = individual.parents
            if parents.count > 2 { throw refuse("it has \(parents.count) parents (at most 2)") }
            if let bad = parents.first(where: { !(0..<previousSize).contains($0) }) {
                throw refuse(generation == 0
                    ? "generation 0 has no parents, but parent \(bad) is given"
                    : "parent \(bad) is outside the previous population (size \(previousSize))")
            }
            if individual.genome.isEmpty { throw refuse("the genome text is empty") }
            try refusingConstraints(refuse) {
                try db.execute(insert, [
                    run.id, generation, position, individual.genome,
                    individual.fitness.stored, individual.confidence.stored,
                    individual.naturalness.stored,
                    parents.first, parents.count > 1 ? parents[1] : nil, individual.origin,
                ])
            }
        }
    }

    /// Inserts one record of `generation` (which must be committed or being committed);
    /// returns its id.
    @discardableResult
    func insertRecord(_ db: any SQLConnection, _ record: NewRecord, run: Run, generation: Int,
                      at time: Date) throws -> Int64 {
        func refuse(_ reason: String) -> StoreError {
            .invalidRecord(run: run.name, generation: generation, reason: reason)
        }
        if record.genome.isEmpty { throw refuse("the genome text is empty") }
        if record.evaluations < 0 || !(record.elapsedSeconds >= 0) {
            throw refuse("evaluations \(record.evaluations) and elapsed seconds "
                + "\(record.elapsedSeconds) must be non-negative")
        }
        return try refusingConstraints(refuse) {
            guard let row = try db.fetchOne("""
                INSERT INTO records (run_id, generation, genome, fitness, confidence, naturalness,
                                     evaluations, elapsed_seconds, polished, image_path, measurements, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING id
                """, [
                    run.id, generation, record.genome, record.fitness.stored,
                    record.confidence.stored, record.naturalness.stored, record.evaluations,
                    record.elapsedSeconds, record.polished, record.imagePath, record.measurements, time,
                ]) else { throw refuse("the database returned no record id") }
            return try row.int64("id")
        }
    }

    /// Reads a population in position order.
    func fetchPopulation(_ db: any SQLConnection, run: Int64, generation: Int) throws -> [Individual] {
        try db.fetchAll("""
            SELECT * FROM individuals WHERE run_id = ? AND generation = ? ORDER BY position
            """, [run, generation]).map { row in
                let parents = [try row.optionalInt("parent1"), try row.optionalInt("parent2")]
                return Individual(
                    genome: try row.text("genome"),
                    fitness: try decodeFloat(row, "fitness"),
                    confidence: try decodeFloat(row, "confidence"),
                    naturalness: try decodeFloat(row, "naturalness"),
                    parents: parents.compactMap { $0 },
                    origin: try row.optionalText("origin"))
            }
    }

    /// Builds `GenerationStats` from a `generations` row.
    func decodeStats(_ row: SQLRow) throws -> GenerationStats {
        GenerationStats(
            index: try row.int("idx"),
            bestFitness: try decodeFloat(row, "best_fitness"),
            meanFitness: try decodeFloat(row, "mean_fitness"),
            bestConfidence: try decodeFloat(row, "best_confidence"),
            meanConfidence: try decodeFloat(row, "mean_confidence"),
            bestNaturalness: try decodeFloat(row, "best_naturalness"),
            evaluations: try row.int("evaluations"),
            elapsedSeconds: try row.double("elapsed_seconds"))
    }

    /// Builds a `RecordRow` from a `records` row.
    func decodeRecord(_ row: SQLRow) throws -> RecordRow {
        RecordRow(
            id: try row.int64("id"),
            generation: try row.int("generation"),
            record: NewRecord(
                genome: try row.text("genome"),
                fitness: try decodeFloat(row, "fitness"),
                confidence: try decodeFloat(row, "confidence"),
                naturalness: try decodeFloat(row, "naturalness"),
                evaluations: try row.int("evaluations"),
                elapsedSeconds: try row.double("elapsed_seconds"),
                polished: try row.bool("polished"),
                imagePath: try row.optionalText("image_path"),
                // Absent in databases older than v3 opened read-only.
                measurements: try row.optionalText("measurements")),
            createdAt: try row.date("created_at"))
    }

    /// Runs `body`, prefixing a value-decoding failure with the run (and generation) read.
    func naming<T>(run: String, generation: Int?, _ body: () throws -> T) throws -> T {
        let place = "run '\(run)'" + (generation.map { " generation \($0)" } ?? "")
        do {
            return try body()
        } catch let error as SQLRow.DecodingError {
            throw StoreError.corruptValue(path: path, detail: "\(place): \(error)")
        } catch StoreError.corruptValue(let path, let detail) where !detail.hasPrefix("run '") {
            throw StoreError.corruptValue(path: path, detail: "\(place): \(detail)")
        }
    }

    /// Reads a score column: REAL back to the exact `Float`, NULL (stored NaN) to NaN.
    func decodeFloat(_ row: SQLRow, _ column: String) throws -> Float {
        guard let value = try row.optionalDouble(column) else { return .nan }
        return Float(value)
    }
}

extension Float {
    /// The value to bind for a REAL score column: exact as `Double`; NaN (which SQLite would
    /// turn into NULL anyway) as NULL.
    var stored: Double? { isNaN ? nil : Double(self) }
}
