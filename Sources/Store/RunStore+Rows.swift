import Foundation
import GRDB

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
    func insertGeneration(_ db: Database, run: Run, stats: GenerationStats, rngState: String,
                          populationSize: Int, at now: Date) throws {
        try db.execute(sql: """
            INSERT INTO generations (run_id, idx, best_fitness, mean_fitness, best_confidence,
                mean_confidence, best_naturalness, evaluations, elapsed_seconds, rng_state,
                population_size, committed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                run.id, stats.index, stats.bestFitness.stored, stats.meanFitness.stored,
                stats.bestConfidence.stored, stats.meanConfidence.stored, stats.bestNaturalness.stored,
                stats.evaluations, stats.elapsedSeconds, rngState, populationSize, now,
            ])
    }

    func insertPopulation(_ db: Database, run: Run, generation: Int,
                          population: [Individual], previousSize: Int) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO individuals (run_id, generation, position, genome, fitness, confidence,
                                     naturalness, parent1, parent2, origin)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
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
            do {
                try insert.execute(arguments: [
                    run.id, generation, position, individual.genome,
                    individual.fitness.stored, individual.confidence.stored,
                    individual.naturalness.stored,
                    parents.first, parents.count > 1 ? parents[1] : nil, individual.origin,
                ])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw refuse(error.message ?? "constraint failed")
            }
        }
    }

    /// Inserts one record of `generation` (which must be committed or being committed).
    func insertRecord(_ db: Database, _ record: NewRecord, run: Run, generation: Int,
                      at time: Date) throws {
        func refuse(_ reason: String) -> StoreError {
            .invalidRecord(run: run.name, generation: generation, reason: reason)
        }
        if record.genome.isEmpty { throw refuse("the genome text is empty") }
        if record.evaluations < 0 || !(record.elapsedSeconds >= 0) {
            throw refuse("evaluations \(record.evaluations) and elapsed seconds "
                + "\(record.elapsedSeconds) must be non-negative")
        }
        do {
            try db.cachedStatement(sql: """
                INSERT INTO records (run_id, generation, genome, fitness, confidence, naturalness,
                                     evaluations, elapsed_seconds, polished, image_path, measurements, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    run.id, generation, record.genome, record.fitness.stored,
                    record.confidence.stored, record.naturalness.stored, record.evaluations,
                    record.elapsedSeconds, record.polished, record.imagePath, record.measurements, time,
                ])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw refuse(error.message ?? "constraint failed")
        }
    }

    /// Reads a population in position order.
    func fetchPopulation(_ db: Database, run: Int64, generation: Int) throws -> [Individual] {
        try Row.fetchAll(db, sql: """
            SELECT * FROM individuals WHERE run_id = ? AND generation = ? ORDER BY position
            """, arguments: [run, generation]).map { row in
                let parents = [try row.decode(Int?.self, forColumn: "parent1"),
                               try row.decode(Int?.self, forColumn: "parent2")]
                return Individual(
                    genome: try row.decode(String.self, forColumn: "genome"),
                    fitness: try decodeFloat(row, "fitness"),
                    confidence: try decodeFloat(row, "confidence"),
                    naturalness: try decodeFloat(row, "naturalness"),
                    parents: parents.compactMap { $0 },
                    origin: try row.decode(String?.self, forColumn: "origin"))
            }
    }

    /// Builds `GenerationStats` from a `generations` row.
    func decodeStats(_ row: Row) throws -> GenerationStats {
        GenerationStats(
            index: try row.decode(Int.self, forColumn: "idx"),
            bestFitness: try decodeFloat(row, "best_fitness"),
            meanFitness: try decodeFloat(row, "mean_fitness"),
            bestConfidence: try decodeFloat(row, "best_confidence"),
            meanConfidence: try decodeFloat(row, "mean_confidence"),
            bestNaturalness: try decodeFloat(row, "best_naturalness"),
            evaluations: try row.decode(Int.self, forColumn: "evaluations"),
            elapsedSeconds: try row.decode(Double.self, forColumn: "elapsed_seconds"))
    }

    /// Builds a `RecordRow` from a `records` row.
    func decodeRecord(_ row: Row) throws -> RecordRow {
        RecordRow(
            id: try row.decode(Int64.self, forColumn: "id"),
            generation: try row.decode(Int.self, forColumn: "generation"),
            record: NewRecord(
                genome: try row.decode(String.self, forColumn: "genome"),
                fitness: try decodeFloat(row, "fitness"),
                confidence: try decodeFloat(row, "confidence"),
                naturalness: try decodeFloat(row, "naturalness"),
                evaluations: try row.decode(Int.self, forColumn: "evaluations"),
                elapsedSeconds: try row.decode(Double.self, forColumn: "elapsed_seconds"),
                polished: try row.decode(Bool.self, forColumn: "polished"),
                imagePath: try row.decode(String?.self, forColumn: "image_path"),
                // Absent in databases older than v3 opened read-only.
                measurements: row["measurements"] as String?),
            createdAt: try row.decode(Date.self, forColumn: "created_at"))
    }

    /// Runs `body`, prefixing a value-decoding failure with the run (and generation) read.
    func naming<T>(run: String, generation: Int?, _ body: () throws -> T) throws -> T {
        let place = "run '\(run)'" + (generation.map { " generation \($0)" } ?? "")
        do {
            return try body()
        } catch let error as RowDecodingError {
            throw StoreError.corruptValue(path: path, detail: "\(place): \(error)")
        } catch StoreError.corruptValue(let path, let detail) where !detail.hasPrefix("run '") {
            throw StoreError.corruptValue(path: path, detail: "\(place): \(detail)")
        }
    }

    /// Reads a score column: REAL back to the exact `Float`, NULL (stored NaN) to NaN.
    func decodeFloat(_ row: Row, _ column: String) throws -> Float {
        guard let value = try row.decode(Double?.self, forColumn: column) else { return .nan }
        return Float(value)
    }
}

extension Float {
    /// The value to bind for a REAL score column: exact as `Double`; NaN (which SQLite would
    /// turn into NULL anyway) as NULL.
    var stored: Double? { isNaN ? nil : Double(self) }
}
