/// The shape of one MBConv block: 1×1 expand (optional), k×k depthwise, 1×1 project.
public struct BlockSpec: Sendable, Equatable, CustomStringConvertible {
    /// Position in `_blocks.N`.
    public let index: Int
    /// Stage number (0-based); a stage starts at every block whose channel count changes.
    public let stage: Int
    public let inputChannels: Int
    /// Channels after the expand conv (equal to `inputChannels` when there is none).
    public let expandedChannels: Int
    public let outputChannels: Int
    /// Depthwise kernel side (3 or 5).
    public let kernel: Int
    /// Depthwise stride (1 or 2).
    public let stride: Int

    /// Whether the block starts with a 1×1 expand conv.
    public let hasExpansion: Bool
    /// Whether the block's input is added to its output (stride 1 and unchanged channels).
    public var residual: Bool { stride == 1 && inputChannels == outputChannels }

    public var description: String {
        "block \(index): stage \(stage), k\(kernel) s\(stride), \(inputChannels)→\(expandedChannels)→\(outputChannels)"
            + (residual ? " +residual" : "")
    }
}

/// The layer table of an EfficientNet-Lite, derived from a checkpoint's tensor shapes.
public struct Architecture: Sendable, Equatable {
    /// Strides of the first block of each stage (EfficientNet-B0's stage table); later blocks of a
    /// stage have stride 1. Strides are not stored in the weights.
    public static let stageStrides = [1, 2, 2, 2, 1, 2, 1]
    /// Stem: `stemKernel`×`stemKernel` conv, stride 2, 3 → `stemChannels`.
    public static let stemStride = 2
    public let stemKernel: Int
    public let stemChannels: Int
    public let blocks: [BlockSpec]
    /// Channels of the 1×1 head conv (1280 in every Lite variant).
    public let headChannels: Int
    /// Outputs of the final fully connected layer (1000 ImageNet classes).
    public let classCount: Int

    /// Reads the block table from the shapes in `checkpoint`, checking every tensor the network
    /// needs (`NetError.missingTensor`, `.shapeMismatch`, `.unsupportedArchitecture`).
    public init(checkpoint: TorchCheckpoint) throws {
        let path = checkpoint.path
        func shape(_ key: String, rank: Int) throws -> [Int] {
            let s = try checkpoint.tensor(key).shape
            guard s.count == rank else {
                throw NetError.shapeMismatch(key: key, expected: Array(s.prefix(rank)) + Array(repeating: 1, count: max(0, rank - s.count)), found: s)
            }
            return s
        }
        func require(_ key: String, _ expected: [Int]) throws {
            let found = try checkpoint.tensor(key).shape
            guard found == expected else { throw NetError.shapeMismatch(key: key, expected: expected, found: found) }
        }
        func requireBN(_ prefix: String, _ channels: Int) throws {
            for p in ["weight", "bias", "running_mean", "running_var"] { try require("\(prefix).\(p)", [channels]) }
        }

        let stem = try shape("_conv_stem.weight", rank: 4)
        guard stem[1] == 3, stem[2] == stem[3], stem[2] % 2 == 1, stem[0] > 0 else {
            throw NetError.shapeMismatch(key: "_conv_stem.weight", expected: [stem[0], 3, 3, 3], found: stem)
        }
        stemChannels = stem[0]
        stemKernel = stem[2]
        try requireBN("_bn0", stemChannels)

        let blockCount = 1 + (checkpoint.names.compactMap { name -> Int? in
            guard name.hasPrefix("_blocks.") else { return nil }
            return Int(name.dropFirst("_blocks.".count).prefix { $0 != "." })
        }.max() ?? -1)
        guard blockCount >= 1 else { throw NetError.missingTensor(key: "_blocks.0._depthwise_conv.weight", path: path) }

        var specs: [BlockSpec] = []
        var channels = stemChannels
        var stage = -1
        for i in 0..<blockCount {
            let p = "_blocks.\(i)."
            var mid = channels
            let expands = checkpoint.tensors[p + "_expand_conv.weight"] != nil
            if expands {
                let e = try shape(p + "_expand_conv.weight", rank: 4)
                guard e[1] == channels, e[2] == 1, e[3] == 1 else {
                    throw NetError.shapeMismatch(key: p + "_expand_conv.weight", expected: [e[0], channels, 1, 1], found: e)
                }
                mid = e[0]
                try requireBN(p + "_bn0", mid)
            }
            let d = try shape(p + "_depthwise_conv.weight", rank: 4)
            guard d[0] == mid, d[1] == 1, d[2] == d[3], d[2] % 2 == 1 else {
                throw NetError.shapeMismatch(key: p + "_depthwise_conv.weight", expected: [mid, 1, d[2] | 1, d[2] | 1], found: d)
            }
            try requireBN(p + "_bn1", mid)
            let pr = try shape(p + "_project_conv.weight", rank: 4)
            guard pr[1] == mid, pr[2] == 1, pr[3] == 1, pr[0] > 0 else {
                throw NetError.shapeMismatch(key: p + "_project_conv.weight", expected: [pr[0], mid, 1, 1], found: pr)
            }
            try requireBN(p + "_bn2", pr[0])
            var stride = 1
            if pr[0] != channels || i == 0 {
                stage += 1
                guard stage < Self.stageStrides.count else {
                    throw NetError.unsupportedArchitecture(path: path, reason: "block \(i) starts stage \(stage + 1); EfficientNet-Lite has \(Self.stageStrides.count) stages")
                }
                stride = Self.stageStrides[stage]
            }
            specs.append(BlockSpec(index: i, stage: stage, inputChannels: channels, expandedChannels: mid,
                                   outputChannels: pr[0], kernel: d[2], stride: stride, hasExpansion: expands))
            channels = pr[0]
        }
        blocks = specs

        let head = try shape("_conv_head.weight", rank: 4)
        guard head[1] == channels, head[2] == 1, head[3] == 1, head[0] > 0 else {
            throw NetError.shapeMismatch(key: "_conv_head.weight", expected: [head[0], channels, 1, 1], found: head)
        }
        headChannels = head[0]
        try requireBN("_bn1", headChannels)
        let fc = try shape("_fc.weight", rank: 2)
        guard fc[1] == headChannels, fc[0] > 0 else {
            throw NetError.shapeMismatch(key: "_fc.weight", expected: [fc[0], headChannels], found: fc)
        }
        classCount = fc[0]
        try require("_fc.bias", [classCount])
    }

    /// The known variant whose block count and last width match, if any.
    public var variant: ModelVariant? {
        ModelVariant.allCases.first { $0.signature == (blocks.count, blocks.last?.outputChannels ?? 0) }
    }

    /// Multiply-accumulates of one `resolution`² image (convolutions and FC; not BN, pooling, activations).
    public func multiplyAdds(resolution: Int) -> Int {
        let (stem, geometries) = geometries(resolution: resolution)
        var macs = stem.outPixels * stemChannels * 3 * stemKernel * stemKernel
        for (b, g) in zip(blocks, geometries) {
            if b.hasExpansion { macs += g.inPixels * b.inputChannels * b.expandedChannels }
            macs += g.outPixels * b.expandedChannels * b.kernel * b.kernel
            macs += g.outPixels * b.expandedChannels * b.outputChannels
        }
        let last = geometries.last?.outPixels ?? stem.outPixels
        return macs + last * (blocks.last?.outputChannels ?? 0) * headChannels + headChannels * classCount
    }
}
