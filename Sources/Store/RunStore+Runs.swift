import Foundation

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
    func insertRun(_ db: any SQLConnection, _ new: NewRun) throws -> Run {
        if try db.fetchOne("SELECT 1 FROM runs WHERE name = ?", [new.name]) != nil {
            throw StoreError.runExists(name: new.name)
        }
        let now = Date()
        // A concurrent creator of the same name loses on the UNIQUE constraint.
        let inserted = try refusingConstraints({ _ in StoreError.runExists(name: new.name) }) {
            try db.fetchOne("""
                INSERT INTO runs (name, target, config, model, seed, status, generations,
                                  created_at, updated_at, kind)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
                RETURNING id
                """, [new.name, new.target, new.config, new.model,
                      Int64(bitPattern: new.seed), RunStatus.running.rawValue, now, now,
                      new.kind.rawValue])
        }
        guard let id = try inserted?.int64("id") else { throw StoreError.runExists(name: new.name) }
        return try fetchRun(db, id: id)
    }

    /// The run called `name`.
    ///
    /// - Throws: `StoreError.runNotFound` listing the stored names, closest first.
    public func run(named name: String) throws -> Run {
        try read("reading run '\(name)'") { db in
            if let row = try db.fetchOne("SELECT * FROM runs WHERE name = ?", [name]) {
                return try decodeRun(row)
            }
            let names = try db.fetchAll("SELECT name FROM runs").map { try $0.text("name") }
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
                for row in try db.fetchAll("SELECT * FROM run_locks") {
                    leases[try row.int64("run_id")] = try decodeLease(row)
                }
            }
            // Runs with a live worker, from one read of the workers that have not left.
            let working = hasWorkers
                ? Set(try db.fetchAll("SELECT * FROM workers WHERE left_at IS NULL").compactMap { row in
                    try isLive(decodeWorker(row)) ? try row.int64("run_id") : nil
                })
                : []
            let rows = try db.fetchAll("""
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
                       ORDER BY fitness DESC NULLS LAST, id DESC LIMIT 1)
                ORDER BY runs.created_at, runs.id
                """)
            return try rows.map { row in
                var best: RunSummary.Best?
                if try row.optionalInt64("best_id") != nil {
                    best = RunSummary.Best(
                        fitness: try decodeFloat(row, "best_fitness"),
                        confidence: try decodeFloat(row, "best_confidence"),
                        naturalness: try decodeFloat(row, "best_naturalness"),
                        generation: try row.int("best_generation"))
                }
                let id = try row.int64("id")
                var status = try decodeStatus(row)
                if status == .running, hasLocks, !working.contains(id),
                   leases[id].map({ $0.isStale(timeout: Self.leaseTimeout) }) ?? true {
                    status = .interrupted
                }
                return RunSummary(
                    id: id,
                    name: try row.text("name"),
                    target: try row.text("target"),
                    model: try row.text("model"),
                    seed: UInt64(bitPattern: try row.int64("seed")),
                    status: status,
                    generations: try row.int("generations"),
                    evaluations: try row.optionalInt("evaluations") ?? 0,
                    elapsedSeconds: try row.optionalDouble("elapsed_seconds") ?? 0,
                    best: best,
                    createdAt: try row.date("created_at"),
                    updatedAt: try row.date("updated_at"),
                    kind: try decodeKind(row))
            }
        }
    }

    /// Sets the status of run `id` and its `updatedAt`.
    ///
    /// - Throws: `StoreError.runIDNotFound`.
    public func setStatus(_ status: RunStatus, run id: Int64) throws {
        try transaction("setting the status of run \(id)") { db in
            let changed = try db.execute("UPDATE runs SET status = ?, updated_at = ? WHERE id = ?",
                                         [status.rawValue, Date(), id])
            if changed == 0 { throw StoreError.runIDNotFound(id: id) }
        }
    }

    /// Deletes the run called `name` with all its generations, individuals, records and
    /// lease, in one transaction (also a run that never committed a generation).
    ///
    /// - Throws: `StoreError.runNotFound`; `.runLocked` while another live process writes it.
    public func deleteRun(named name: String) throws {
        let id = try run(named: name).id
        try transaction("deleting run '\(name)'") { db in
            try checkWriter(db, run: try fetchRun(db, id: id, forUpdate: true))
            if try db.execute("DELETE FROM runs WHERE id = ?", [id]) == 0 { throw StoreError.runIDNotFound(id: id) }
        }
    }

    // MARK: Rows

    /// Reads run `id` inside an open access. `forUpdate` (in a write transaction) makes
    /// concurrent writers of the run take turns until this transaction ends.
    func fetchRun(_ db: any SQLConnection, id: Int64, forUpdate: Bool = false) throws -> Run {
        let lock = forUpdate ? backend.lockRowClause : ""
        guard let row = try db.fetchOne("SELECT * FROM runs WHERE id = ?" + lock, [id]) else {
            throw StoreError.runIDNotFound(id: id)
        }
        return try decodeRun(row)
    }

    /// Builds a `Run` from a `SELECT * FROM runs` row.
    func decodeRun(_ row: SQLRow) throws -> Run {
        Run(id: try row.int64("id"),
            name: try row.text("name"),
            target: try row.text("target"),
            config: try row.text("config"),
            model: try row.text("model"),
            seed: UInt64(bitPattern: try row.int64("seed")),
            status: try decodeStatus(row),
            generations: try row.int("generations"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"),
            kind: try decodeKind(row))
    }

    /// Reads the `kind` column (absent in databases older than v4 opened read-only: `evolve`).
    func decodeKind(_ row: SQLRow) throws -> RunKind {
        guard let text = try row.optionalText("kind") else { return .evolve }
        guard let kind = RunKind(rawValue: text) else {
            throw StoreError.corruptValue(path: path, detail: "runs.kind '\(text)' is not one of "
                                            + RunKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return kind
    }

    /// Reads the `status` column, refusing values this build does not know.
    private func decodeStatus(_ row: SQLRow) throws -> RunStatus {
        let text = try row.text("status")
        guard let status = RunStatus(rawValue: text) else {
            let name = (try? row.text("name")) ?? "?"
            throw StoreError.corruptValue(path: path, detail: "run '\(name)': runs.status is '\(text)'")
        }
        return status
    }

    // MARK: Validation

    /// Accepts 1–64 characters from `A–Z a–z 0–9 . _ -`, not starting with `.`.
    ///
    /// Public so that commands check a name (and names derived from it) before any work.
    public static func validateName(_ name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        if name.isEmpty { throw StoreError.invalidRunName(name: name, reason: "it is empty") }
        if name.count > 64 {
            throw StoreError.invalidRunName(name: name, reason: "it has \(name.count) characters")
        }
        if name.hasPrefix(".") {
            throw StoreError.invalidRunName(name: name, reason: "it starts with '.'")
        }
        if let bad = name.first(where: { !allowed.contains($0) }) {
            let shown = bad.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
            throw StoreError.invalidRunName(name: name, reason: "it contains '\(shown)'")
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
