import Genome
import Scoring
import Store

/// How each frame of a morph run holds up for the morph's two ends.
public struct MorphFrame: Sendable {
    public var frame: Int
    /// How far the frame's objective is from `from` toward `to`.
    public var t: Float
    /// The generation whose best is the frame's picture.
    public var generation: Int
    public var imagePath: String?
    /// The run's networks on the judge's framings, for each end (`from`, `to`).
    public var robust: (from: Float, to: Float)
    /// The held-out network on the same framings.
    public var heldOut: (from: Float, to: Float)
}

extension MorphSchedule {
    /// The frames a morph run has recorded so far (the record of each frame's last generation),
    /// each judged for both ends.
    public func measureFrames(run: Run, store: RunStore, settings: RunSettings, models: ModelCache) throws -> [MorphFrame] {
        let judge = try RunJudge(settings: settings, models: models)
        let records = try store.records(run: run.id)
        return try (0..<frames).compactMap { i -> MorphFrame? in
            let generation = (i + 1) * generationsPerFrame
            guard let record = records.last(where: { $0.generation == generation }) else { return nil }
            let render = try RunJudge.render(try Genome(parsing: record.record.genome))
            let ends = try judge.judge(render: render, objectives: [from, to])
            let (a, b) = (ends[0], ends[1])
            return MorphFrame(frame: i, t: t(frame: i), generation: generation, imagePath: record.record.imagePath,
                              robust: (a.confidence, b.confidence), heldOut: (a.heldOut.confidence, b.heldOut.confidence))
        }
    }
}
