import Genome
import Imaging
import Net
import Render
import Scoring

/// The held-out check of a run: renders a genome the way records are rendered (448², 2×2
/// anti-aliased) and judges it with the run's networks and a network it never used, on framings
/// no run scores (`Judge`).
public struct RunJudge {
    public let judge: Judge
    public let objective: Objective

    public init(settings: RunSettings, models: ModelCache) throws {
        judge = try Self.judge(networks: settings.models, models: models, threads: settings.threads)
        objective = settings.fitness.objective
    }

    /// The judge of a run on `networks`: those networks and one it never used
    /// (`ModelCache.heldOut(for:)`), loaded from `models`, on `threads` threads (default: the cache's).
    public static func judge(networks: [ModelVariant], models: ModelCache, threads: Int? = nil) throws -> Judge {
        let heldOut = ModelCache.heldOut(for: networks)
        return try Judge(training: try networks.map { ($0.rawValue, try models.model($0)) },
                         heldOut: (heldOut.rawValue, try models.model(heldOut)), threads: threads ?? models.threads)
    }

    /// The record render of `genome`.
    public static func render(_ genome: Genome) throws -> Image {
        try Renderer.render(genome, width: Judge.renderSize, height: Judge.renderSize, supersample: 2)
    }

    /// The verdict on a record render (`render(_:)`) for `objective` (default: the run's; a
    /// morph passes the one in force).
    public func judge(render: Image, objective: Objective? = nil) throws -> Judgement {
        try judge.judge(render, objective: objective ?? self.objective)
    }

    /// The verdicts on a record render for each of `objectives`, from one classification.
    public func judge(render: Image, objectives: [Objective]) throws -> [Judgement] {
        try judge.judge(render, objectives: objectives)
    }

    /// The verdict on `genome`.
    public func judge(_ genome: Genome, objective: Objective? = nil) throws -> Judgement {
        try judge(render: try Self.render(genome), objective: objective)
    }
}
