/// A convolution's weights with batch norm folded in: `weights[o, …]` scaled by
/// `γ / √(var + ε)` and `bias = β − mean · γ / √(var + ε)`.
///
/// The folded output is `z = γ (u − μ) / σ + β` for the unfolded conv's output `u` (σ =
/// √(running_var + ε)). When `u` has the statistics BN was trained on (per channel, mean μ and
/// standard deviation σ over a batch), `z`'s batch mean is `γ (μ − μ) / σ + β = β` and its
/// standard deviation `|γ| σ / σ = |γ|`: the DeepInversion statistics prior compares the folded
/// pre-activations against `beta` and `gammaMagnitude` (see `StatisticsPrior`).
struct FoldedConv: Sendable {
    /// Pointwise: `[Cout, Cin]` (PyTorch order). Stem: `[Cin, k, k, Cout]`. Depthwise: `[k, k, C]`.
    let weights: [Float]
    /// `[Cout]`.
    let bias: [Float]
    /// `[Cout]`: BN's β, the batch mean the folded output is expected to have.
    let beta: [Float]
    /// `[Cout]`: BN's |γ|, the batch standard deviation the folded output is expected to have.
    let gammaMagnitude: [Float]
}

/// One MBConv block's folded weights.
struct BlockWeights: Sendable {
    let spec: BlockSpec
    let expand: FoldedConv?
    let depthwise: FoldedConv
    /// The depthwise kernel rotated 180°, for the input gradient of stride-1 blocks.
    let flippedDepthwise: [Float]
    let project: FoldedConv
}

/// EfficientNet-Lite with batch norm folded into its convolutions: immutable, `Sendable`, and
/// shared by any number of `InferenceSession`s.
///
/// Conventions (each moves logits by 2–4 if wrong): BN ε = 1e-3; TF "SAME" padding; ReLU6
/// after stem, expand, depthwise and head; linear project; residual when stride 1 and
/// channels unchanged; input `(RGB_u8 − 127) / 128`, planar.
public struct EfficientNetLite: Sendable {
    /// Batch-norm epsilon of the TensorFlow-trained Lite checkpoints.
    public static let batchNormEpsilon = 1e-3

    /// The layer table read from the weight shapes.
    public let architecture: Architecture
    /// Input side in pixels.
    public let resolution: Int
    /// The matching known variant, if the weights have one of the known signatures.
    public var variant: ModelVariant? { architecture.variant }
    /// Logits per image (1000 for ImageNet).
    public var classCount: Int { architecture.classCount }
    /// Floats per preprocessed input image: `3 × resolution × resolution`.
    public var inputSize: Int { 3 * resolution * resolution }

    let stem: FoldedConv
    let blocks: [BlockWeights]
    let head: FoldedConv
    /// `[classes, headChannels]`.
    let fcWeights: [Float]
    let fcBias: [Float]

    /// Builds the network from `checkpoint` for `resolution`² inputs, validating every key and shape.
    ///
    /// - Parameter variant: when given, the weights must have this variant's block structure
    ///   (else `NetError.unsupportedArchitecture`).
    public init(checkpoint: TorchCheckpoint, resolution: Int, variant: ModelVariant? = nil) throws {
        let arch = try Architecture(checkpoint: checkpoint)
        if let variant, arch.variant != variant {
            throw NetError.unsupportedArchitecture(path: checkpoint.path, reason:
                "expected \(variant) (\(variant.signature.blocks) blocks ending at \(variant.signature.lastChannels) channels), found \(arch.blocks.count) blocks ending at \(arch.blocks.last?.outputChannels ?? 0) channels")
        }
        guard resolution >= 1, resolution <= 4096 else {
            throw NetError.invalidArgument(name: "resolution", value: resolution, reason: "must be in 1...4096")
        }
        architecture = arch
        self.resolution = resolution
        stem = try Self.fold(checkpoint, conv: "_conv_stem.weight", bn: "_bn0", transpose: true)
        blocks = try arch.blocks.map { spec in
            let p = "_blocks.\(spec.index)."
            let depthwise = try Self.fold(checkpoint, conv: p + "_depthwise_conv.weight", bn: p + "_bn1", transpose: true)
            return BlockWeights(
                spec: spec,
                expand: spec.hasExpansion ? try Self.fold(checkpoint, conv: p + "_expand_conv.weight", bn: p + "_bn0", transpose: false) : nil,
                depthwise: depthwise,
                flippedDepthwise: Depthwise.flipped(depthwise.weights, kernel: spec.kernel, channels: spec.expandedChannels),
                project: try Self.fold(checkpoint, conv: p + "_project_conv.weight", bn: p + "_bn2", transpose: false))
        }
        head = try Self.fold(checkpoint, conv: "_conv_head.weight", bn: "_bn1", transpose: false)
        fcWeights = try Self.finite(checkpoint, "_fc.weight")
        fcBias = try Self.finite(checkpoint, "_fc.bias")
    }

    /// Locates, verifies, reads and builds a known variant at its native resolution.
    ///
    /// - Throws: `NetError.weightsNotFound`; `.weightsCorrupted` when the file's SHA-256 does
    ///   not match the prefix in its name (see `WeightVerifier`); checkpoint and shape errors.
    public static func load(_ variant: ModelVariant) throws -> EfficientNetLite {
        try load(contentsOf: ModelLocator.locate(variant), variant: variant)
    }

    /// Verifies the weights file at `path` against the SHA-256 prefix in its name (cached
    /// in `.verified` beside it), then reads it and builds `variant` at its native resolution.
    public static func load(contentsOf path: String, variant: ModelVariant) throws -> EfficientNetLite {
        try WeightVerifier.verify(path)
        return try EfficientNetLite(checkpoint: TorchCheckpoint(contentsOf: path), resolution: variant.resolution, variant: variant)
    }

    /// Multiply-accumulates per image at this resolution.
    public var multiplyAdds: Int { architecture.multiplyAdds(resolution: resolution) }

    /// Folds `bn` into the conv `conv` (computed in `Double`); `transpose` moves the output
    /// channel innermost (`[Cout, rest…]` → `[rest…, Cout]`).
    private static func fold(_ checkpoint: TorchCheckpoint, conv: String, bn: String, transpose: Bool) throws -> FoldedConv {
        let w = try finite(checkpoint, conv)
        let shape = try checkpoint.tensor(conv).shape           // [Cout, Cin, k, k]
        let gamma = try finite(checkpoint, bn + ".weight"), beta = try finite(checkpoint, bn + ".bias")
        let mean = try finite(checkpoint, bn + ".running_mean"), variance = try finite(checkpoint, bn + ".running_var")
        guard variance.allSatisfy({ $0 >= 0 }) else {
            throw NetError.unsupportedArchitecture(path: checkpoint.path, reason: "'\(bn).running_var' has negative entries")
        }
        let outs = shape[0], per = w.count / max(outs, 1)
        var weights = [Float](repeating: 0, count: w.count)
        var bias = [Float](repeating: 0, count: outs)
        for o in 0..<outs {
            let scale = Double(gamma[o]) / (Double(variance[o]) + batchNormEpsilon).squareRoot()
            bias[o] = Float(Double(beta[o]) - Double(mean[o]) * scale)
            for j in 0..<per {
                let dst = transpose ? j * outs + o : o * per + j
                weights[dst] = Float(Double(w[o * per + j]) * scale)
            }
        }
        return FoldedConv(weights: weights, bias: bias, beta: beta, gammaMagnitude: gamma.map { abs($0) })
    }

    private static func finite(_ checkpoint: TorchCheckpoint, _ key: String) throws -> [Float] {
        let values = try checkpoint.tensor(key).values
        guard values.allSatisfy({ $0.isFinite }) else {
            throw NetError.unsupportedArchitecture(path: checkpoint.path, reason: "tensor '\(key)' holds NaN or infinite values")
        }
        return values
    }
}
