import Foundation

/// Per-run write leases: one writer per run, taken over only from a dead or silent holder.
extension RunStore {
    /// Seconds without renewal after which a lease held from another host counts as stale
    /// (on this host, a lease is stale as soon as its process is gone).
    public static let leaseTimeout: TimeInterval = 15 * 60

    /// Takes the write lease of run `id` for this store, refusing at once if another live
    /// process holds it. Taking a lease this store already holds renews it.
    ///
    /// - Parameter timeout: staleness for holders on other hosts (default `leaseTimeout`).
    /// - Throws: `StoreError.runLocked` naming the holder (pid, host, since when);
    ///   `.runIDNotFound`; `.readOnly`.
    @discardableResult
    public func acquireLock(run id: Int64, timeout: TimeInterval = RunStore.leaseTimeout) throws -> RunLease {
        try transaction("locking run \(id)") { db in
            let run = try fetchRun(db, id: id, forUpdate: true)
            return try takeLease(db, run: run, timeout: timeout)
        }
    }

    /// Creates a run (status `running`) and takes its lease in the same transaction, so no
    /// other process ever sees it running without a holder.
    ///
    /// - Throws: as `createRun`.
    public func createLockedRun(_ new: NewRun) throws -> (run: Run, lease: RunLease) {
        try Self.validateName(new.name)
        try Self.validateConfig(new.config, run: new.name)
        return try transaction("creating run '\(new.name)'") { db in
            let run = try insertRun(db, new)
            return (run, try takeLease(db, run: run, timeout: Self.leaseTimeout))
        }
    }

    /// Renews this store's lease (also done by every `commitGeneration`).
    ///
    /// - Throws: `StoreError.lockLost` if the lease was released or taken over.
    public func renewLock(_ lease: RunLease) throws {
        try transaction("renewing the lease of run '\(lease.runName)'") { db in
            let changed = try db.execute("UPDATE run_locks SET renewed_at = ? WHERE run_id = ? AND token = ?",
                                         [Date(), lease.run, token])
            if changed == 0 {
                throw StoreError.lockLost(run: lease.runName, holder: try holder(db, run: lease.run)?.holder)
            }
        }
    }

    /// Gives the lease back (nothing happens if this store no longer holds it).
    public func releaseLock(_ lease: RunLease) throws {
        try transaction("releasing the lease of run '\(lease.runName)'") { db in
            try db.execute("DELETE FROM run_locks WHERE run_id = ? AND token = ?", [lease.run, token])
        }
    }

    /// Gives back every lease this store holds.
    public func releaseAllLocks() throws {
        try transaction("releasing this process's leases") { db in
            try db.execute("DELETE FROM run_locks WHERE token = ?", [token])
        }
    }

    /// Whether this store holds any lease (a read).
    func holdsLeases() throws -> Bool {
        try read("reading this process's leases") { db in
            try db.fetchOne("SELECT 1 FROM run_locks WHERE token = ? LIMIT 1", [token]) != nil
        }
    }

    /// Who holds run `id`'s lease, or nil when nobody does (or the holder is stale).
    public func lockHolder(run id: Int64, timeout: TimeInterval = RunStore.leaseTimeout) throws -> LockHolder? {
        guard hasLocks else { return nil }
        return try read("reading the lease of run \(id)") { db in
            _ = try fetchRun(db, id: id)
            guard let lease = try holder(db, run: id), !lease.isStale(timeout: timeout) else { return nil }
            return lease.holder
        }
    }

    // MARK: Inside transactions

    /// A `run_locks` row.
    struct LeaseRow {
        var token: String
        var holder: LockHolder
        var started: Int64?

        func isStale(timeout: TimeInterval) -> Bool {
            ProcessIdentity.current.isStale(pid: holder.pid, host: holder.host, started: started,
                                            renewedAt: holder.renewedAt, timeout: timeout)
        }
    }

    /// The lease row of run `id`, if any.
    func holder(_ db: any SQLConnection, run id: Int64) throws -> LeaseRow? {
        guard let row = try db.fetchOne("SELECT * FROM run_locks WHERE run_id = ?", [id]) else { return nil }
        return try decodeLease(row)
    }

    func decodeLease(_ row: SQLRow) throws -> LeaseRow {
        LeaseRow(token: try row.text("token"),
                 holder: LockHolder(pid: try row.int32("pid"), host: try row.text("host"),
                                    acquiredAt: try row.date("acquired_at"), renewedAt: try row.date("renewed_at")),
                 started: try row.optionalInt64("started"))
    }

    /// Takes (or renews) the lease of `run`, replacing a stale one.
    private func takeLease(_ db: any SQLConnection, run: Run, timeout: TimeInterval) throws -> RunLease {
        let now = Date()
        if let current = try holder(db, run: run.id) {
            if current.token == token {
                try db.execute("UPDATE run_locks SET renewed_at = ? WHERE run_id = ?", [now, run.id])
                let renewed = try holder(db, run: run.id)?.holder ?? current.holder
                return RunLease(run: run.id, runName: run.name, holder: renewed)
            }
            if !current.isStale(timeout: timeout) {
                throw StoreError.runLocked(run: run.name, holder: current.holder)
            }
        }
        if hasWorkers, case let workers = try liveWorkers(db, run: run.id), !workers.isEmpty {
            throw StoreError.sharedByWorkers(run: run.name, workers: workers.count)
        }
        let me = ProcessIdentity.current
        try db.execute("""
            INSERT INTO run_locks (run_id, token, pid, host, started, acquired_at, renewed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET
                token = excluded.token, pid = excluded.pid, host = excluded.host, started = excluded.started,
                acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at
            """, [run.id, token, me.pid, me.host, me.started, now, now])
        // Read back, so the lease's times have the stored (millisecond) precision.
        guard let stored = try holder(db, run: run.id) else { throw StoreError.runIDNotFound(id: run.id) }
        return RunLease(run: run.id, runName: run.name, holder: stored.holder)
    }

    /// Refuses a write to `run` while another live process holds its lease; renews the lease
    /// if this store holds it. A run nobody holds (or held by a stale holder) may be written.
    func checkWriter(_ db: any SQLConnection, run: Run) throws {
        guard let current = try holder(db, run: run.id) else { return }
        if current.token == token {
            try db.execute("UPDATE run_locks SET renewed_at = ? WHERE run_id = ?", [Date(), run.id])
        } else if !current.isStale(timeout: Self.leaseTimeout) {
            throw StoreError.runLocked(run: run.name, holder: current.holder)
        }
    }
}
