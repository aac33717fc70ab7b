import Foundation
import Imaging

/// fitness = objective − λ·TV − gate penalty, computed from an image's log-softmax and pixels.
///
/// The gate is hard in the sense that matters for records: an image whose denoise distance is
/// above `gate` never counts as meeting it; inside the search it is a steep linear penalty
/// (`gateSlope` per unit of excess), so gated-out images still rank by how far out they are.
public struct FitnessFunction: Sendable, Equatable, Codable {
    public var objective: Objective
    /// Weight λ of the total-variation penalty.
    public var tvWeight: Float
    /// Maximum denoise distance (weight 0.2) an image may have; `nil` for no gate.
    public var gate: Float?
    /// Penalty per unit of denoise distance above the gate.
    public var gateSlope: Float = 100
    /// Chambolle weight of the denoise distance (scikit-image's `weight`).
    public static let denoiseWeight: Float = 0.2
    /// The default λ, for evolution and polish alike: measured on rock crab, 0.3 climbed to 0.99
    /// where 1 stalled and 0 (no smoothness term) was worse on 3 seeds of 3 (README, search).
    public static let defaultTVWeight: Float = 0.3

    public init(objective: Objective, tvWeight: Float, gate: Float? = nil) {
        self.objective = objective
        self.tvWeight = tvWeight
        self.gate = gate
    }

    /// The scores of `image` given its objective value and confidence (already averaged over
    /// several views when scoring for robustness): subtracts the penalties.
    public func score(objectiveValue: Float, confidence: Float, image: Image,
                      skipGateBelow: Float = -.infinity) -> ImageScore {
        let tv = anisotropicTotalVariation(image)
        var fitness = objectiveValue - tvWeight * tv
        var naturalness = tv
        if let gate, fitness >= skipGateBelow {
            naturalness = denoiseDistance(image, weight: FitnessFunction.denoiseWeight)
            fitness -= gateSlope * max(0, naturalness - gate)
        }
        return ImageScore(fitness: fitness.isFinite ? fitness : -1e9, confidence: confidence,
                          naturalness: naturalness)
    }
}

/// What fitness says of one image.
public struct ImageScore: Sendable, Equatable {
    public var fitness: Float
    public var confidence: Float
    /// The denoise distance when a gate is set, else the total variation.
    public var naturalness: Float

    public init(fitness: Float, confidence: Float, naturalness: Float) {
        self.fitness = fitness
        self.confidence = confidence
        self.naturalness = naturalness
    }
}
