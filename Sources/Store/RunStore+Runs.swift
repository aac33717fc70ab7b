import Foundation
import GRDB

extension RunStore {
    /// Creates a run with status `running` and no generations.
    ///
    /// - Throws: `StoreError.runExists` (name taken), `.invalidRunName`, `.invalidConfig`.
    public func createRun(_ new: NewRun) throws -> Run {
        try Self.validateName(new.name)
        try Self.validateConfig(new.config, run: new.name)
        return try transaction("creating run '\(new.name)'") { db in try insertRun(db, new) }
    }

    /// Inserts a validated new run inside an open transaction.
    func insertRun(_ db: Database, _ new: NewRun) throws -> Run {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE name = ?", arguments: [new.name]) != nil {
            throw StoreError.runExists(name: new.name)
        }
        let now = Date()
        try db.execute(sql: """
            INSERT INTO runs (name, target, config, model, seed, status, generations,
                              created_at, updated_at, kind)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
            """, arguments: [new.name, new.target, new.config, new.model,
                             Int64(bitPattern: new.seed), RunStatus.running.rawValue, now, now,
                             new.kind.rawValue])
        return try fetchRun(db, id: db.lastInsertedRowID)
    }

    /// The run called `name`.
    ///
    /// - Throws: `StoreError.runNotFound` listing the stored names, closest first.
    public func run(named name: String) throws -> Run {
        try read("reading run '\(name)'") { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE name = ?",
                                          arguments: [name]) {
                return try decodeRun(row)
            }
            let names = try String.fetchAll(db, sql: "SELECT name FROM runs")
            throw StoreError.runNotFound(name: name, existing: Suggestions.rank(names, near: name))
        }
    }

    /// The run with row id `id`.
    ///
    /// - Throws: `StoreError.runIDNotFound`.
    public func run(id: Int64) throws -> Run {
        try read("reading run \(id)") { db in try fetchRun(db, id: id) }
    }

    /// Every run with its progress and best record, oldest first.
    ///
    /// A run stored as `running` whose write lease is absent or stale (its process was
    /// killed) is listed as `interrupted`: `resume` continues it.
    public func runs() throws -> [RunSummary] {
        try read("listing runs") { db in
            var leases: [Int64: LeaseRow] = [:]
            if hasLocks {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM run_locks") {
                    leases[try row.decode(Int64.self, forColumn: "run_id")] = try decodeLease(row)
                }
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT runs.id, runs.name, runs.target, runs.model, runs.seed, runs.status,
                       runs.generations, runs.created_at, runs.updated_at,\(hasAtlases ? " runs.kind," : "")
                       last.evaluations AS evaluations, last.elapsed_seconds AS elapsed_seconds,
                       best.id AS best_id, best.fitness AS best_fitness,
                       best.confidence AS best_confidence, best.naturalness AS best_naturalness,
                       best.generation AS best_generation
                FROM runs
                LEFT JOIN generations AS last
                       ON last.run_id = runs.id AND last.idx = runs.generations - 1
                LEFT JOIN records AS best ON best.id = (
                       SELECT id FROM records WHERE records.run_id = runs.id
                       ORDER BY fitness DESC, id DESC LIMIT 1)
                ORDER BY runs.created_at, runs.id
                """)
            return try rows.map { row in
                var best: RunSummary.Best?
                if try row.decode(Int64?.self, forColumn: "best_id") != nil {
                    best = RunSummary.Best(
                        fitness: try decodeFloat(row, "best_fitness"),
                        confidence: try decodeFloat(row, "best_confidence"),
                        naturalness: try decodeFloat(row, "best_naturalness"),
                        generation: try row.decode(Int.self, forColumn: "best_generation"))
                }
                let id = try row.decode(Int64.self, forColumn: "id")
                var status = try decodeStatus(row)
                if status == .running, hasLocks, leases[id].map({ $0.isStale(timeout: Self.leaseTimeout) }) ?? true {
                    status = .interrupted
                }
                return RunSummary(
                    id: id,
                    name: try row.decode(String.self, forColumn: "name"),
                    target: try row.decode(String.self, forColumn: "target"),
                    model: try row.decode(String.self, forColumn: "model"),
                    seed: UInt64(bitPattern: try row.decode(Int64.self, forColumn: "seed")),
                    status: status,
                    generations: try row.decode(Int.self, forColumn: "generations"),
                    evaluations: try row.decode(Int?.self, forColumn: "evaluations") ?? 0,
                    elapsedSeconds: try row.decode(Double?.self, forColumn: "elapsed_seconds") ?? 0,
                    best: best,
                    createdAt: try row.decode(Date.self, forColumn: "created_at"),
                    updatedAt: try row.decode(Date.self, forColumn: "updated_at"),
                    kind: try decodeKind(row))
            }
        }
    }

    /// Sets the status of run `id` and its `updatedAt`.
    ///
    /// - Throws: `StoreError.runIDNotFound`.
    public func setStatus(_ status: RunStatus, run id: Int64) throws {
        try transaction("setting the status of run \(id)") { db in
            try db.execute(sql: "UPDATE runs SET status = ?, updated_at = ? WHERE id = ?",
                           arguments: [status.rawValue, Date(), id])
            if db.changesCount == 0 { throw StoreError.runIDNotFound(id: id) }
        }
    }

    /// Deletes the run called `name` with all its generations, individuals, records and
    /// lease, in one transaction (also a run that never committed a generation).
    ///
    /// - Throws: `StoreError.runNotFound`; `.runLocked` while another live process writes it.
    public func deleteRun(named name: String) throws {
        let id = try run(named: name).id
        try transaction("deleting run '\(name)'") { db in
            try checkWriter(db, run: try fetchRun(db, id: id))
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id])
            if db.changesCount == 0 { throw StoreError.runIDNotFound(id: id) }
        }
    }

    // MARK: Rows

    /// Reads run `id` inside an open access.
    func fetchRun(_ db: Database, id: Int64) throws -> Run {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?",
                                         arguments: [id]) else {
            throw StoreError.runIDNotFound(id: id)
        }
        return try decodeRun(row)
    }

    /// Builds a `Run` from a `SELECT * FROM runs` row.
    func decodeRun(_ row: Row) throws -> Run {
        Run(id: try row.decode(Int64.self, forColumn: "id"),
            name: try row.decode(String.self, forColumn: "name"),
            target: try row.decode(String.self, forColumn: "target"),
            config: try row.decode(String.self, forColumn: "config"),
            model: try row.decode(String.self, forColumn: "model"),
            seed: UInt64(bitPattern: try row.decode(Int64.self, forColumn: "seed")),
            status: try decodeStatus(row),
            generations: try row.decode(Int.self, forColumn: "generations"),
            createdAt: try row.decode(Date.self, forColumn: "created_at"),
            updatedAt: try row.decode(Date.self, forColumn: "updated_at"),
            kind: try decodeKind(row))
    }

    /// Reads the `kind` column (absent in databases older than v4 opened read-only: `evolve`).
    func decodeKind(_ row: Row) throws -> RunKind {
        guard let text = row["kind"] as String? else { return .evolve }
        guard let kind = RunKind(rawValue: text) else {
            throw StoreError.corruptValue(path: path, detail: "runs.kind '\(text)' is not one of "
                                            + RunKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return kind
    }

    /// Reads the `status` column, refusing values this build does not know.
    private func decodeStatus(_ row: Row) throws -> RunStatus {
        let text = try row.decode(String.self, forColumn: "status")
        guard let status = RunStatus(rawValue: text) else {
            let name = (try? row.decode(String.self, forColumn: "name")) ?? "?"
            throw StoreError.corruptValue(path: path, detail: "run '\(name)': runs.status is '\(text)'")
        }
        return status
    }

    // MARK: Validation

    /// Accepts 1–64 characters from `A–Z a–z 0–9 . _ -`, not starting with `.`.
    static func validateName(_ name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        if name.isEmpty { throw StoreError.invalidRunName(name: name, reason: "it is empty") }
        if name.count > 64 {
            throw StoreError.invalidRunName(name: name, reason: "it has \(name.count) characters")
        }
        if name.hasPrefix(".") {
            throw StoreError.invalidRunName(name: name, reason: "it starts with '.'")
        }
        if let bad = name.first(where: { !allowed.contains($0) }) {
            throw StoreError.invalidRunName(name: name, reason: "it contains '\(bad)'")
        }
    }

    /// Accepts any JSON text (an object, normally).
    static func validateConfig(_ config: String, run: String) throws {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(config.utf8), options: [.fragmentsAllowed])
        } catch {
            throw StoreError.invalidConfig(run: run, message: error.localizedDescription)
        }
    }
}
