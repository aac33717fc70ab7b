/// Which of a network's values a feature objective reads: the outputs of some blocks, and
/// whether it reads the network's output (log-softmax and pooled features). A pass that does
/// not read the output stops after the deepest block it reads, forward and backward.
public struct FeatureTaps: Sendable, Hashable {
    /// Block indices whose outputs are read, ascending and unique.
    public let blocks: [Int]
    /// Whether the log-softmax and the pooled features are read.
    public let output: Bool

    public init(blocks: [Int] = [], output: Bool = true) {
        self.blocks = Array(Set(blocks)).sorted()
        self.output = output || blocks.isEmpty
    }

    /// The log-softmax and pooled features only.
    public static let output = FeatureTaps()

    /// The last block the pass has to run.
    func lastBlock(of architecture: Architecture) -> Int {
        output ? architecture.blocks.count - 1 : (blocks.last ?? architecture.blocks.count - 1)
    }
}

/// What a feature objective sees of one image.
public struct NetworkFeatures: Sendable {
    /// `classCount` log-probabilities (empty when the taps do not read the output).
    public let logSoftmax: [Float]
    /// `classCount` logits (empty likewise).
    public let logits: [Float]
    /// `headChannels` pooled features after the head's ReLU6 (empty likewise).
    public let pooled: [Float]
    /// One tensor per tapped block, in the taps' order, HWC.
    public let blocks: [[Float]]
    /// `[height, width, channels]` of each tapped block.
    public let shapes: [[Int]]

    public init(logSoftmax: [Float], logits: [Float], pooled: [Float], blocks: [[Float]], shapes: [[Int]]) {
        self.logSoftmax = logSoftmax
        self.logits = logits
        self.pooled = pooled
        self.blocks = blocks
        self.shapes = shapes
    }
}

/// A feature objective's value for one image and its derivatives with respect to what it read
/// (nil: zero).
public struct FeatureDerivative: Sendable {
    public var value: Float
    public var logSoftmax: [Float]?
    public var logits: [Float]?
    public var pooled: [Float]?
    /// One entry per tapped block, in the taps' order (an empty array: all zero).
    public var blocks: [[Float]?]

    public init(value: Float, logSoftmax: [Float]? = nil, logits: [Float]? = nil, pooled: [Float]? = nil,
                blocks: [[Float]?] = []) {
        self.value = value
        self.logSoftmax = logSoftmax
        self.logits = logits
        self.pooled = pooled
        self.blocks = blocks
    }

    /// The length of the first derivative whose size does not match `features`, else nil.
    func mismatch(_ features: NetworkFeatures) -> (expected: Int, found: Int)? {
        if let d = logSoftmax, d.count != features.logSoftmax.count { return (features.logSoftmax.count, d.count) }
        if let d = logits, d.count != features.logits.count { return (features.logits.count, d.count) }
        if let d = pooled, d.count != features.pooled.count { return (features.pooled.count, d.count) }
        if !blocks.isEmpty, blocks.count != features.blocks.count { return (features.blocks.count, blocks.count) }
        for (d, f) in zip(blocks, features.blocks) {
            if let d, d.count != f.count { return (f.count, d.count) }
        }
        return nil
    }
}

/// The objective of a feature gradient pass for one image: given its index in the batch and
/// its features, the value and the derivatives.
public typealias FeatureObjective = @Sendable (_ image: Int, _ features: NetworkFeatures) -> FeatureDerivative

/// The result of a feature gradient pass over a batch.
public struct FeatureGradient: Sendable {
    /// The objective's value for each image.
    public let values: [Float]
    /// `batch × 3 × R × R`: ∂(objective − weight · prior)/∂input of each image (preprocessed units).
    public let gradient: [Float]
    /// The statistics prior's value over the batch and its terms, when the pass had a prior.
    public let prior: PriorValue?
}
