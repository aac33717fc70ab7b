/// The network's own feature statistics as a prior on its input (DeepInversion, Yin et al. 2020):
/// a penalty that is small when a batch of images drives every batch-normalised convolution the
/// way the training images did.
///
/// For each BN'd convolution `l` in the selection (the stem, each selected block's expand,
/// depthwise and project convolutions, the head), let `z` be its folded pre-activation output
/// (before ReLU6; for the project, before the residual add), `M = images × pixels` the number of
/// its values per channel over the whole batch, and per channel `c`
///
///     mean_c = (1/M) Σ z[·, c]        std_c = √((1/M) Σ (z[·, c] − mean_c)² + 1e-5)
///
/// With BN folded in, `z = γ (u − μ) / σ + β`, so matching the running statistics (μ, σ²) of the
/// unfolded output `u` means `mean = β` and `std = |γ|` (see `FoldedConv`). The prior is
///
///     P = Σ_l f_l · (‖mean − β‖₂ + ‖std − |γ|‖₂)
///
/// with `f_l = 10` for the stem (the first layer, as in DeepInversion) and 1 elsewhere; ‖·‖₂ is
/// the Euclidean norm over the layer's channels. This is `stat()` of `../shared/bench/
/// prior_pixels.py`, summed as `10 · st[0] + Σ st[1:]`.
///
/// The statistics couple the images of a batch: a gradient pass with a prior returns
/// `∂(Σ_n objective_n − weight · P) / ∂input`, where the objective is maximised and the prior is
/// a penalty. (prior_pixels.py maximises the batch *mean* of the objective minus `λ · P`: the
/// same direction as `weight = λ · batch` here.)
public struct StatisticsPrior: Sendable, Hashable {
    /// λ: the prior's gradient enters a gradient pass as `−weight · ∂P/∂input`. With weight 0 the
    /// value is still computed and the objective's gradient is left bit for bit as without it.
    public var weight: Float
    /// Blocks whose expand, depthwise and project convolutions count; nil: every block.
    public var blocks: Range<Int>?
    /// Whether the stem counts (with factor `stemFactor`).
    public var stem: Bool
    /// Whether the head's 1×1 convolution counts.
    public var head: Bool

    /// The first layer's factor `f_stem`.
    public static let stemFactor = 10.0
    /// Added to each channel's variance before the square root.
    public static let varianceEpsilon = 1e-5

    public init(weight: Float = 1, blocks: Range<Int>? = nil, stem: Bool = true, head: Bool = true) {
        self.weight = weight
        self.blocks = blocks
        self.stem = stem
        self.head = head
    }

    /// The convolutions this prior counts in `architecture`, in forward order.
    public func layers(of architecture: Architecture) -> [PriorLayer] {
        var out: [PriorLayer] = stem ? [.stem] : []
        let range = blocks ?? 0..<architecture.blocks.count
        for spec in architecture.blocks where range.contains(spec.index) {
            if spec.hasExpansion { out.append(.expand(block: spec.index)) }
            out += [.depthwise(block: spec.index), .project(block: spec.index)]
        }
        return head ? out + [.head] : out
    }
}

/// One batch-normalised convolution of the network.
public enum PriorLayer: Sendable, Hashable, CustomStringConvertible {
    case stem
    case expand(block: Int)
    case depthwise(block: Int)
    case project(block: Int)
    case head

    /// `stem`, `block_03.expand`, `block_03.depthwise`, `block_03.project`, `head`.
    public var description: String {
        switch self {
        case .stem: return "stem"
        case let .expand(b): return String(format2: b) + ".expand"
        case let .depthwise(b): return String(format2: b) + ".depthwise"
        case let .project(b): return String(format2: b) + ".project"
        case .head: return "head"
        }
    }
}

/// One layer's share of the prior over a batch.
public struct PriorTerm: Sendable, Equatable {
    public let layer: PriorLayer
    /// `f_l`: 10 for the stem, else 1.
    public let factor: Double
    /// `‖mean − β‖₂` over the layer's channels.
    public let meanDistance: Double
    /// `‖std − |γ|‖₂` over the layer's channels.
    public let deviationDistance: Double

    /// `factor · (meanDistance + deviationDistance)`.
    public var value: Double { factor * (meanDistance + deviationDistance) }
}

/// The prior's value over one batch and its terms, one per counted layer in forward order.
public struct PriorValue: Sendable, Equatable {
    public let terms: [PriorTerm]
    /// `P = Σ terms' values` (not multiplied by the prior's weight).
    public var value: Double { terms.reduce(0) { $0 + $1.value } }
}
