import Evolution
import Foundation
import Genome
import Imaging
import Store

/// Workers: many `atlas --worker` processes, on any number of machines, sharing one atlas in
/// one database. Each joins under a number, breeds from the shared archive (pulled before
/// every batch), and offers its batch in one transaction whose upsert replaces a cell's
/// elite only by a better one. The atlas's framings come from its seed, so every worker
/// scores alike; each worker's own random stream comes from the seed and its number.
extension AtlasRun {
    /// Joins atlas `name` as a new worker: the atlas as stored (its settings win over
    /// `settings`), or a new one with `settings` and `seed` when there is none. A worker
    /// that finds the archive empty scores a first batch of random genomes.
    ///
    /// - Throws: `SearchError.notAnAtlas` for an `evolve` run of that name;
    ///   `StoreError.runLocked` while a single `atlas` process holds it.
    /// `stop` is this worker's own stop condition, counted from when it joins (not stored), and
    /// `settings.threads` its own thread count.
    public static func join(store: RunStore, name: String, settings: AtlasSettings, seed: UInt64,
                            stop: StopCondition, models: ModelCache) throws -> AtlasRun {
        let run: Run
        do {
            run = try store.createRun(NewRun(name: name, target: settings.targetText, config: try settings.json(),
                                             model: settings.modelName, seed: seed, kind: .atlas))
        } catch StoreError.runExists {
            run = try store.run(named: name)
        }
        guard run.kind == .atlas else { throw SearchError.notAnAtlas(run: name) }
        var stored = try AtlasSettings.decode(run.config, run: run.name)
        stored.stop = stop
        // Workers never resume exactly (they share the archive), so each runs on its own
        // machine's threads, not the creator's.
        stored.threads = settings.threads
        let worker = try store.joinAtlas(run: run.id)
        let rng = SeededGenerator(seed: SeedStream.workers.seed(run.seed, item: worker.number))
        var atlas = AtlasRun(store: store, run: run, settings: stored,
                             state: AtlasState(archive: AtlasArchive(cells: stored.classes),
                                               counters: .init(batch: 0, rng: rng, evaluations: 0)),
                             evaluator: try RunEvaluator(atlas: stored, seed: run.seed, models: models),
                             breeder: breeder(stored), writer: .worker(worker), syncedBatches: 0, elapsedBefore: 0)
        try atlas.pull()
        if atlas.state.archive.filled.isEmpty {
            let clock = ContinuousClock(), start = clock.now
            let count = stored.evolution.offspringPerGeneration
            let (breeder, evaluator, label) = (atlas.breeder, atlas.evaluator, atlas.syncedBatches)
            let changed = try offerRandomGenomes(count, to: &atlas.state.archive, batch: label, breeder: breeder,
                                                 evaluator: evaluator, rng: &atlas.state.counters.rng)
            atlas.state.counters.evaluations = count
            try atlas.commit(changed: changed, elapsed: (clock.now - start).seconds)
        }
        // Batch 0 was joining (with a first random batch if the archive was empty); `--batches N` counts from 1.
        atlas.state.counters.batch = 1
        return atlas
    }

    /// Merges into the local archive every elite the atlas gained since the last pull (by any
    /// worker, this one included); a merged elite replaces a local one only if it is better.
    mutating func pull() throws {
        let (rows, batches) = try store.elites(run: run.id, after: syncedBatches - 1)
        for row in rows {
            state.archive.consider(try Self.elite(row, store: store, run: run), cell: row.cell)
        }
        syncedBatches = max(syncedBatches, batches)
    }
}
