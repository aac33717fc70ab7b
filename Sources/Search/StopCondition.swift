/// When a run stops: any condition that is set ends it. Part of a run's settings, so a bare
/// `resume` finishes what the run was asked to do.
///
/// All three are absolute for the run: `generation` is the generation index to reach, `minutes`
/// the run's total elapsed time (earlier sessions included), so an interrupted run resumed
/// without options stops where an uninterrupted one would have.
public struct StopCondition: Codable, Sendable, Equatable {
    /// Stop once this generation is committed.
    public var generation: Int?
    /// Stop once the best confidence reaches this (and the gate, if any, is met); ignored for
    /// objectives whose confidence is not a probability they raise (`Objective.raisesConfidence`).
    public var confidence: Float?
    /// Stop once the run's total elapsed time reaches this many minutes.
    public var minutes: Double?

    public init(generation: Int? = nil, confidence: Float? = nil, minutes: Double? = nil) {
        self.generation = generation
        self.confidence = confidence
        self.minutes = minutes
    }

    /// What a run with no stop options does: until 0.99 confidence, for at most 10 minutes.
    public static let `default` = StopCondition(confidence: 0.99, minutes: 10)

    /// The condition for "`generations` more generations, `minutes` more minutes, or until
    /// `confidence`" asked of a run now at `generation` after `elapsedSeconds`; `nil` when
    /// nothing is asked.
    public static func relative(generations: Int?, confidence: Float?, minutes: Double?,
                                from generation: Int, elapsedSeconds: Double) -> StopCondition? {
        guard generations != nil || confidence != nil || minutes != nil else { return nil }
        return StopCondition(generation: generations.map { generation + $0 }, confidence: confidence,
                             minutes: minutes.map { elapsedSeconds / 60 + $0 })
    }
}
