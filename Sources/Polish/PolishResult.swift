import Imaging
import Scoring

/// How an image scores: the classifier's view and the two naturalness measures.
public struct PolishScore: Sendable, Equatable {
    /// The objective's confidence, 0…1 (`Objective.confidence`): the probability of the classes
    /// it seeks, 1 − p for a class it avoids, and only the image's top-1 probability when it
    /// reads inner features (`confidenceKind == .topOne`), which says nothing of the objective.
    public var confidence: Float
    /// The objective's value, in its own units (log p for a class, an activation for a channel):
    /// what a polish climbs.
    public var objective: Float
    /// Mean |x − TVdenoise(x)| with Chambolle weight 0.2 (`FitnessFunction.denoiseWeight`).
    public var denoiseDistance: Float
    /// Anisotropic total variation (mean |∇| per sample).
    public var totalVariation: Float

    public init(confidence: Float, objective: Float, denoiseDistance: Float, totalVariation: Float) {
        self.confidence = confidence
        self.objective = objective
        self.denoiseDistance = denoiseDistance
        self.totalVariation = totalVariation
    }
}

/// The outcome of a polish: the polished image, its scores before and after, and the trace.
public struct PolishResult: Sendable {
    /// The polished image at the network resolution (planar RGB in [0, 1]).
    public var image: Image
    /// Scores of the input.
    public var before: PolishScore
    /// Scores of the result.
    public var after: PolishScore
    /// Gradient steps taken.
    public var steps: Int
    /// The objective (mean over the step's jittered copies) at each step, before its update.
    public var trace: [Float]

    public init(image: Image, before: PolishScore, after: PolishScore, steps: Int, trace: [Float]) {
        self.image = image
        self.before = before
        self.after = after
        self.steps = steps
        self.trace = trace
    }
}
