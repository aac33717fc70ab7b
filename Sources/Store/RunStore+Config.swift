import Foundation

extension RunStore {
    /// Replaces the configuration JSON of run `id` (e.g. when `resume` is given a new stop
    /// condition, which is part of what the run was asked to do).
    ///
    /// - Throws: `StoreError.invalidConfig` when `config` is not JSON, `StoreError.runIDNotFound`.
    public func setConfig(_ config: String, run id: Int64) throws {
        let name = try run(id: id).name
        try Self.validateConfig(config, run: name)
        try transaction("replacing the configuration of run '\(name)'") { db in
            try checkWriter(db, run: try fetchRun(db, id: id, forUpdate: true))
            let changed = try db.execute("UPDATE runs SET config = ?, updated_at = ? WHERE id = ?", [config, Date(), id])
            if changed == 0 { throw StoreError.runIDNotFound(id: id) }
        }
    }
}
