import Foundation
import Store

/// What every kind of run does the same way, whatever its strategy (a population's generations
/// or an atlas's batches, each a numbered step committed in one transaction): reopening a stored
/// run for writing, deciding when to stop, and the progress figures.
///
/// The strategies (`SearchRun`, `AtlasRun`) keep what differs: how a step breeds, scores and
/// commits, and what a run restores from its last step. Steps are counted by the index of the
/// last committed one, so "stop after generation g" means the same for both: a population's
/// generation g, an atlas's batch g.
public enum RunDriver {
    /// A stopped run of any kind, reopened for writing: `resume` for every kind of run.
    public enum Resumed {
        case population(SearchRun)
        case atlas(AtlasRun)
    }

    /// Resumes run `name` of whichever kind it is, exactly as its last committed step left it.
    /// `stop` (given the last committed step and the run's elapsed seconds) replaces the stored
    /// stop condition when it returns one.
    ///
    /// - Throws: `SearchError.noConfidenceTarget` when `stop` asks an atlas for a confidence
    ///   (an atlas has one per cell); the errors of the strategies' resumes.
    public static func resume(store: RunStore, name: String, recordDirectory: String, models: ModelCache,
                              stop: ((_ lastStep: Int, _ elapsedSeconds: Double) -> StopCondition?)? = nil) throws -> Resumed {
        switch try store.run(named: name).kind {
        case .atlas:
            return .atlas(try AtlasRun.resume(store: store, name: name, models: models) { step, elapsed in
                guard let condition = stop?(step, elapsed) else { return nil }
                if let confidence = condition.confidence {
                    throw SearchError.noConfidenceTarget(run: name, confidence: confidence)
                }
                return condition
            })
        case .evolve:
            return .population(try SearchRun.resume(store: store, name: name, recordDirectory: recordDirectory,
                                                    models: models, stop: stop))
        }
    }

    /// Run `name`, checked to be of `kind`, with this process's write lease (a second writer is
    /// refused here, before any work) and its stored plan.
    static func reopen(store: RunStore, name: String, kind: RunKind) throws -> (run: Run, lease: RunLease, plan: RunPlan) {
        let run = try store.run(named: name)
        guard run.kind == kind else {
            throw kind == .atlas ? SearchError.notAnAtlas(run: name) : SearchError.isAnAtlas(run: name)
        }
        let lease = try store.acquireLock(run: run.id)
        return (run, lease, try RunPlan.decode(run.config, run: run.name))
    }

    /// Stores `plan` as `run`'s new plan (a replaced stop condition) and returns the row as stored.
    static func store(_ plan: RunPlan, of run: Run, in store: RunStore) throws -> Run {
        try store.setConfig(try plan.json(), run: run.id)
        return try store.run(id: run.id)
    }

    /// A session of a run: when it ends and what its progress line says, from where it started.
    struct Session {
        let stop: StopCondition
        /// Seconds spent in earlier sessions.
        let elapsedBefore: Double
        let firstStep: Int
        let firstEvaluations: Int
        let clock = ContinuousClock()
        let start: ContinuousClock.Instant

        init(stop: StopCondition, elapsedBefore: Double, lastStep: Int, evaluations: Int) {
            self.stop = stop
            self.elapsedBefore = elapsedBefore
            firstStep = lastStep
            firstEvaluations = evaluations
            start = clock.now
        }

        /// Seconds of this session.
        var seconds: Double { (clock.now - start).seconds }

        /// The run's total elapsed seconds.
        var elapsed: Double { elapsedBefore + seconds }

        /// How the session ends before the step after `lastStep`, if it does: `reached` says
        /// whether the run's confidence target is met (populations only).
        func ending(lastStep: Int, reachedConfidence: Bool, shouldStop: () -> Bool) -> SearchRun.Ending? {
            if reachedConfidence { return .reachedConfidence }
            if let g = stop.generation, lastStep >= g { return .reachedGenerations }
            if let m = stop.minutes, elapsed >= m * 60 { return .outOfTime }
            if shouldStop() { return .interrupted }
            return nil
        }

        /// Seconds left under the nearer of the step and time limits, if any, after `lastStep`.
        func secondsLeft(lastStep: Int) -> Double? {
            var left: [Double] = []
            let done = lastStep - firstStep
            if let g = stop.generation, done > 0 { left.append(seconds / Double(done) * Double(g - lastStep)) }
            if let m = stop.minutes { left.append(m * 60 - elapsed) }
            return left.min().map { max(0, $0) }
        }

        /// Evaluations per second in this session, with `evaluations` made so far by the run.
        func evaluationsPerSecond(_ evaluations: Int) -> Double {
            Double(evaluations - firstEvaluations) / max(seconds, 1e-9)
        }
    }
}
