/// Seeds derived from one seed, a stream per purpose: every place that needs its own
/// reproducible randomness from a run's seed takes it from here, so two purposes never share a
/// sequence by accident and a purpose's seeds never change (a stored run resumes on them).
///
/// Item `k` of a stream is `seed ^ (multiplier · k)` (wrapping): cheap, and distinct for distinct
/// `k` because every multiplier is odd. Items count from 1, so item 1 is never the seed itself.
public struct SeedStream: Sendable, Equatable {
    public let multiplier: UInt64

    init(_ multiplier: UInt64) {
        precondition(multiplier & 1 == 1, "a stream's multiplier is odd")
        self.multiplier = multiplier
    }

    /// A run's framings, item `round + 1` (`round` 0 for fixed framings, else the generation).
    public static let framings = SeedStream(0xF7A3_1C6B_55E2_9D01)
    /// The fresh framings of a run's constant polish, item `step + 1` (the generation or batch).
    public static let polishFramings = SeedStream(0xD1B5_4A32_D192_ED03)
    /// The framings of one polish's step `step`, item `step + 1`, from its `polishFramings` seed.
    public static let polishSteps = SeedStream(0x9E37_79B9_7F4A_7C15)
    /// An atlas worker's own breeding stream, item `number` (workers count from 1).
    public static let workers = SeedStream(0x9E37_79B9_7F4A_7C15)
    /// The pixel polish of frame `k` of a dream zoom, item `k + 1`.
    public static let dreamFrames = SeedStream(0xC2B2_AE3D_27D4_EB4F)

    /// Item `k` (≥ 1) of this stream from `seed`.
    public func seed(_ seed: UInt64, item k: Int) -> UInt64 {
        precondition(k >= 1, "stream items count from 1")
        return seed ^ (multiplier &* UInt64(k))
    }
}
