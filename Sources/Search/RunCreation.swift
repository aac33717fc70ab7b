import Foundation
import Store

/// Creating a run under a name that may be taken: by a finished or live run, or by a run that
/// another process is creating right now (it exists, holds its lease or has live workers, and
/// has not committed its first generation yet).
enum RunCreation {
    /// Creates `new` holding its lease, or throws the reason a run of that name is in the way:
    /// `SearchError.runBeingCreated` naming the live process that is creating it,
    /// `StoreError.sharedByWorkers` while workers create it, `SearchError.emptyRunExists` for a
    /// run whose creator died before its first commit, `StoreError.runExists` otherwise.
    static func createLocked(_ new: NewRun, in store: RunStore) throws -> (run: Run, lease: RunLease) {
        if let existing = try? store.run(named: new.name), existing.generations == 0 {
            throw refusal(existing, store: store)
        }
        do {
            return try store.createLockedRun(new)
        } catch StoreError.runExists(let name) {
            // Another process created it between the look-up and the insert.
            if let existing = try? store.run(named: name), existing.generations == 0 {
                throw refusal(existing, store: store)
            }
            throw StoreError.runExists(name: name)
        }
    }

    /// Why `run`, which has no committed generation, cannot be created or resumed now.
    static func refusal(_ run: Run, store: RunStore) -> any Error {
        if let holder = try? store.lockHolder(run: run.id) {
            return SearchError.runBeingCreated(run: run.name, holder: holder)
        }
        if let workers = try? store.liveWorkers(run: run.id), !workers.isEmpty {
            return StoreError.sharedByWorkers(run: run.name, workers: workers.count)
        }
        return SearchError.emptyRunExists(run: run.name)
    }
}
