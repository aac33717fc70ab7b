import Imaging
import Net
import Scoring

/// The classifier's side of a polish: input checks and the scores a polish reports.
extension Scorer {
    /// Checks that `image` is at network `k`'s input resolution.
    func checkSize(_ image: Image, network k: Int = 0) throws {
        let r = resolution(of: k)
        guard image.width == r, image.height == r else {
            throw PolishError.imageSize(width: image.width, height: image.height, expected: r)
        }
    }

    /// Confidence, objective and naturalness of one image at network `k`'s resolution.
    func polishScore(_ image: Image, objective: Objective, network k: Int = 0) throws -> PolishScore {
        let score = try evaluate([image], objective: objective, network: k)[0]
        return PolishScore(confidence: score.confidence, objective: score.value,
                           denoiseDistance: denoiseDistance(image, weight: FitnessFunction.denoiseWeight),
                           totalVariation: anisotropicTotalVariation(image))
    }
}

/// Defaults shared by every polish (the `polish` command, evolution's constant polish, tests).
public enum PolishDefaults {
    /// Adam rate of a constant polish: each first step moves every constant by about this much.
    /// 0.03 climbed where 0.1 overshot (fresh Adam each polish; README, search).
    public static let constantLearningRate: Float = 0.03
    /// Steps of one constant polish inside evolution (doubled while idle, see the schedule).
    public static let constantSteps = 20
    /// Adam rate of a pixel polish ([0, 1] pixel units).
    public static let pixelLearningRate: Float = 0.01
    /// Steps of a stand-alone polish (`pareidolia polish`).
    public static let standaloneSteps = 40
}
