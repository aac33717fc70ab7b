/// Where a gradient pass keeps each layer's activations for a group of images, and the sizes of
/// its scratch buffers. Activations are batch-major NHWC (`[images, height, width, channels]`).
struct GradientPlan: Sendable {
    let group: Int
    let stem: ConvGeometry
    let blocks: [ConvGeometry]
    /// Arena offsets (floats) of each stored tensor for a whole group.
    let stemOffset: Int
    /// Per block: expanded activations (nil without expansion), depthwise output, block output.
    let expandedOffsets: [Int?]
    let depthwiseOffsets: [Int]
    let outputOffsets: [Int]
    let headOffset: Int
    let arenaFloats: Int
    /// Largest block input/output for a group, floats.
    let activationFloats: Int
    /// Largest expanded or depthwise tensor for a group, floats.
    let midFloats: Int
    let depthwiseScratchFloats: Int
    let lastPixels: Int

    init(_ arch: Architecture, resolution: Int, group g: Int) {
        group = g
        let geometries = arch.geometries(resolution: resolution)
        stem = geometries.stem
        var offset = 0
        func take(_ perImage: Int) -> Int { defer { offset += g * perImage }; return offset }
        stemOffset = take(stem.outPixels * arch.stemChannels)
        var act = stem.outPixels * arch.stemChannels, mid = 0, dwScratch = 0
        var expanded: [Int?] = [], depthwise: [Int] = [], outputs: [Int] = []
        for (b, geo) in zip(arch.blocks, geometries.blocks) {
            expanded.append(b.hasExpansion ? take(geo.inPixels * b.expandedChannels) : nil)
            depthwise.append(take(geo.outPixels * b.expandedChannels))
            outputs.append(take(geo.outPixels * b.outputChannels))
            act = max(act, geo.outPixels * b.outputChannels)
            mid = max(mid, geo.inPixels * b.expandedChannels)
            dwScratch = max(dwScratch, Depthwise.scratchFloats(geometry: geo, channels: b.expandedChannels, inputRows: geo.inHeight))
        }
        lastPixels = geometries.blocks.last?.outPixels ?? stem.outPixels
        headOffset = take(lastPixels * arch.headChannels)
        arenaFloats = offset
        blocks = geometries.blocks
        expandedOffsets = expanded
        depthwiseOffsets = depthwise
        outputOffsets = outputs
        activationFloats = g * max(act, lastPixels * arch.headChannels)
        midFloats = g * mid
        depthwiseScratchFloats = dwScratch
    }
}

/// One worker's memory for gradient passes: stored activations of a group and the gradient
/// buffers, allocated once.
final class GradientWorkspace {
    let arena: ScratchBuffer
    let gradA: ScratchBuffer
    let gradB: ScratchBuffer
    let midA: ScratchBuffer
    let midB: ScratchBuffer
    let stemPad: ScratchBuffer
    let depthwisePad: ScratchBuffer
    let columns: ScratchBuffer
    let zeros: ScratchBuffer
    /// Per image of a group: pooled features, their gradient, logits, log-softmax, logit gradient.
    let pooled: ScratchBuffer
    let pooledGrad: ScratchBuffer
    let logits: ScratchBuffer
    let logSoftmax: ScratchBuffer
    let logitGrad: ScratchBuffer
    /// Pre-activations of the layers a statistics prior counts, at the arena's offsets
    /// (`PriorPlan`); allocated by the first pass with a prior, so passes without one keep the
    /// memory they had.
    private(set) var preactivations: ScratchBuffer?
    /// A prior's per-channel sums over this worker's images of one call: `Σ (z − β)` for the
    /// plan's `channels`, then `Σ (z − β)²`.
    var statistics: [Double] = []

    /// Readies the workspace for a pass with `prior`: a pre-activation buffer as large as the
    /// arena and zeroed sums.
    func prepare(for prior: PriorPlan, arenaFloats: Int) {
        if preactivations == nil { preactivations = ScratchBuffer(capacity: arenaFloats) }
        statistics = [Double](repeating: 0, count: 2 * prior.channels)
    }

    init(plan: GradientPlan, architecture arch: Architecture) {
        let g = plan.group
        arena = ScratchBuffer(capacity: plan.arenaFloats)
        gradA = ScratchBuffer(capacity: plan.activationFloats)
        gradB = ScratchBuffer(capacity: plan.activationFloats)
        midA = ScratchBuffer(capacity: plan.midFloats)
        midB = ScratchBuffer(capacity: plan.midFloats)
        stemPad = ScratchBuffer(capacity: StemConv.scratchFloats(geometry: plan.stem, channels: 3))
        depthwisePad = ScratchBuffer(capacity: plan.depthwiseScratchFloats)
        columns = ScratchBuffer(capacity: plan.stem.outPixels * 3 * arch.stemKernel * arch.stemKernel)
        zeros = ScratchBuffer(capacity: arch.blocks.map(\.expandedChannels).max() ?? 1)
        pooled = ScratchBuffer(capacity: g * arch.headChannels)
        pooledGrad = ScratchBuffer(capacity: g * arch.headChannels)
        logits = ScratchBuffer(capacity: g * arch.classCount)
        logSoftmax = ScratchBuffer(capacity: g * arch.classCount)
        logitGrad = ScratchBuffer(capacity: g * arch.classCount)
    }
}
