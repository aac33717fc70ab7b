import Foundation

/// One process sharing an atlas with others (`pareidolia atlas --worker`): its number in the
/// atlas (from 1, in the order workers joined) and how other processes see it.
public struct AtlasWorker: Sendable, Equatable {
    public var run: Int64
    public var runName: String
    public var number: Int
    public var holder: LockHolder
}

/// Many writers on one atlas. No worker holds the run's lease: each batch is one transaction
/// that takes the next batch number under the run's row lock and offers its elites through
/// the replace-only-if-better upsert, so workers never lose or regress each other's cells.
extension RunStore {
    /// Joins atlas `id` as a new worker and marks it running.
    ///
    /// - Throws: `StoreError.runLocked` while a single `atlas` process (not a worker) holds
    ///   the run; `.runIDNotFound`; `.readOnly`.
    public func joinAtlas(run id: Int64) throws -> AtlasWorker {
        try transaction("joining atlas \(id) as a worker") { db in
            let run = try fetchRun(db, id: id, forUpdate: true)
            try checkWriter(db, run: run)
            let number = (try db.fetchOne("SELECT MAX(worker) AS n FROM workers WHERE run_id = ?", [id])?
                .optionalInt("n") ?? 0) + 1
            let me = ProcessIdentity.current
            let now = Date()
            try db.execute("""
                INSERT INTO workers (run_id, worker, pid, host, started, joined_at, renewed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [id, number, me.pid, me.host, me.started, now, now])
            try db.execute("UPDATE runs SET status = ?, updated_at = ? WHERE id = ?", [RunStatus.running.rawValue, now, id])
            let row = try db.fetchOne("SELECT * FROM workers WHERE run_id = ? AND worker = ?", [id, number])
            guard let row else { throw StoreError.runIDNotFound(id: id) }
            return AtlasWorker(run: id, runName: run.name, number: number, holder: try decodeWorker(row).holder)
        }
    }

    /// Commits one batch of `worker` in ONE transaction: the batch takes the atlas's next
    /// batch number (returned), its statistics and the worker's counters become a
    /// `generations` row, and each offered elite replaces its cell's elite only if better
    /// (`commitBatch`'s upsert). The elites' `batch` becomes the assigned number.
    ///
    /// - Throws: `StoreError.runLocked` while a single `atlas` process holds the run;
    ///   `.emptyPopulation`, `.invalidStats`, `.invalidRecord`, `.runIDNotFound`.
    @discardableResult
    public func offerBatch(_ commit: BatchCommit, worker: AtlasWorker) throws -> Int {
        try transaction("committing a batch of worker \(worker.number) of atlas '\(worker.runName)'") { db in
            let run = try fetchRun(db, id: commit.run, forUpdate: true)
            try checkWriter(db, run: run)
            let index = run.generations
            var stats = commit.stats
            stats.index = index
            try writeBatch(db, run: run, stats: stats, rngState: commit.rngState, filledCells: commit.filledCells,
                           elites: commit.elites, worker: worker.number)
            try db.execute("UPDATE workers SET renewed_at = ?, left_at = NULL WHERE run_id = ? AND worker = ?",
                           [Date(), run.id, worker.number])
            return index
        }
    }

    /// The elites of atlas `id` placed by batches after `batch` (all of them for -1), with
    /// the atlas's batch count in the same snapshot: what a worker pulls to learn what the
    /// others found.
    public func elites(run id: Int64, after batch: Int) throws -> (elites: [EliteRow], batches: Int) {
        try read("reading the new elites of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            return try naming(run: run.name, generation: nil) {
                (try db.fetchAll("SELECT * FROM elites WHERE run_id = ? AND batch > ? ORDER BY cell", [id, batch])
                    .map(decodeElite), run.generations)
            }
        }
    }

    /// Marks `worker` as gone; when no live worker is left the atlas is `paused`. Returns the
    /// number of live workers left.
    @discardableResult
    public func leaveAtlas(_ worker: AtlasWorker) throws -> Int {
        try transaction("leaving atlas '\(worker.runName)'") { db in
            let now = Date()
            try db.execute("UPDATE workers SET left_at = ? WHERE run_id = ? AND worker = ?", [now, worker.run, worker.number])
            let left = try liveWorkers(db, run: worker.run).count
            if left == 0 {
                try db.execute("UPDATE runs SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                               [RunStatus.paused.rawValue, now, worker.run, RunStatus.running.rawValue])
            }
            return left
        }
    }

    /// The workers of atlas `id` that are still working (not left, process alive or, on
    /// another host, renewed within `leaseTimeout`), by number.
    public func liveWorkers(run id: Int64) throws -> [AtlasWorker] {
        guard hasWorkers else { return [] }
        return try read("reading the workers of run \(id)") { db in
            let run = try fetchRun(db, id: id)
            return try liveWorkers(db, run: id).map {
                AtlasWorker(run: id, runName: run.name, number: $0.number, holder: $0.holder)
            }
        }
    }

    // MARK: Inside transactions

    struct WorkerRow {
        var number: Int
        var holder: LockHolder
        var started: Int64?
    }

    func liveWorkers(_ db: any SQLConnection, run id: Int64) throws -> [WorkerRow] {
        try db.fetchAll("SELECT * FROM workers WHERE run_id = ? AND left_at IS NULL ORDER BY worker", [id])
            .map(decodeWorker)
            .filter(isLive)
    }

    /// Whether a worker that has not left is still working: its process is alive (this host),
    /// or it renewed within `leaseTimeout` (another host).
    func isLive(_ worker: WorkerRow) -> Bool {
        !ProcessIdentity.current.isStale(pid: worker.holder.pid, host: worker.holder.host, started: worker.started,
                                         renewedAt: worker.holder.renewedAt, timeout: Self.leaseTimeout)
    }

    func decodeWorker(_ row: SQLRow) throws -> WorkerRow {
        WorkerRow(number: try row.int("worker"),
                  holder: LockHolder(pid: try row.int32("pid"), host: try row.text("host"),
                                     acquiredAt: try row.date("joined_at"), renewedAt: try row.date("renewed_at")),
                  started: try row.optionalInt64("started"))
    }
}
