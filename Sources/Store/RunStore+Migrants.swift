import Foundation

/// The best individual one island of an archipelago sent at one of its generations.
public struct Migrant: Sendable, Equatable {
    /// The sending island's number (from 1).
    public var island: Int
    /// The sender's generation when it sent it.
    public var generation: Int
    /// Genome and scores as the sender measured them (`parents` empty).
    public var individual: Individual

    public init(island: Int, generation: Int, individual: Individual) {
        self.island = island
        self.generation = generation
        self.individual = individual
    }
}

/// Islands (`evolve --island K`): runs of one archipelago, each its own run with its own
/// lease, that exchange their best through the database at a set interval.
extension RunStore {
    /// Stores the best individual `island` of `archipelago` (run `id`) sends at `generation`
    /// (again for the same generation: kept as first sent, so a resumed island repeats nothing).
    public func sendMigrant(_ migrant: Migrant, archipelago: String, run id: Int64) throws {
        guard !migrant.individual.genome.isEmpty else {
            throw StoreError.invalidRecord(run: archipelago, generation: migrant.generation,
                                           reason: "island \(migrant.island) sent an empty genome")
        }
        try transaction("sending a migrant of island \(migrant.island) of '\(archipelago)'") { db in
            let individual = migrant.individual
            try db.execute("""
                INSERT INTO migrants (archipelago, island, generation, run_id, genome, fitness, confidence,
                                      naturalness, sent_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (archipelago, island, generation) DO NOTHING
                """, [archipelago, migrant.island, migrant.generation, id, individual.genome,
                      individual.fitness.stored, individual.confidence.stored, individual.naturalness.stored, Date()])
        }
    }

    /// The newest migrant of every island of `archipelago` but `island`, by island.
    public func latestMigrants(archipelago: String, excluding island: Int) throws -> [Migrant] {
        guard hasWorkers else { return [] }
        return try read("reading the migrants of '\(archipelago)'") { db in
            try db.fetchAll("""
                SELECT m.* FROM migrants AS m
                WHERE m.archipelago = ? AND m.island <> ?
                  AND m.generation = (SELECT MAX(n.generation) FROM migrants AS n
                                      WHERE n.archipelago = m.archipelago AND n.island = m.island)
                ORDER BY m.island
                """, [archipelago, island]).map { row in
                    Migrant(island: try row.int("island"), generation: try row.int("generation"),
                            individual: Individual(genome: try row.text("genome"), fitness: try decodeFloat(row, "fitness"),
                                                   confidence: try decodeFloat(row, "confidence"),
                                                   naturalness: try decodeFloat(row, "naturalness"),
                                                   parents: [], origin: "migrant"))
                }
        }
    }
}
