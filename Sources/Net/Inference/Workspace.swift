/// A float buffer allocated once and freed in `deinit`: the scratch memory of one worker.
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
        pointer.initialize(repeating: 0, count: self.capacity)
    }

    /// Grows (never shrinks) to hold at least `count` floats; contents are not kept.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    deinit { pointer.deallocate() }
}

/// The shapes a forward pass goes through at one resolution, and the scratch sizes.
struct ForwardPlan: Sendable {
    let stem: ConvGeometry
    let blocks: [BlockPlan]
    /// Blocks `lateStart...` run on groups of `group` row-interleaved images.
    let lateStart: Int
    let group: Int
    /// Largest single-image activation of the stem and early blocks, floats.
    let imageFloats: Int
    /// Largest late-block activation for a whole group, floats.
    let groupFloats: Int
    /// Largest expanded-row window, floats.
    let windowFloats: Int
    /// Largest depthwise output strip, floats.
    let stripFloats: Int
    /// Largest zero-padded copy of one image's strip rows for narrow depthwise inputs, floats.
    let padFloats: Int
    /// Head conv output for a whole group, floats.
    let headFloats: Int
    /// Output side of the last block.
    let lastHeight: Int, lastWidth: Int

    init(_ arch: Architecture, resolution: Int, tuning: ExecutionTuning) {
        let geometries = arch.geometries(resolution: resolution)
        stem = geometries.stem
        var side = (stem.outHeight, stem.outWidth)
        var plans: [BlockPlan] = []
        var late = arch.blocks.count
        var image = stem.outPixels * arch.stemChannels, grouped = 0, window = 0, strip = 0, pad = 0
        let group = max(1, tuning.group)
        for (i, (b, g)) in zip(arch.blocks, geometries.blocks).enumerated() {
            if late == arch.blocks.count, max(side.0, side.1) <= tuning.lateSide { late = i }
            let images = i >= late ? group : 1
            let plan = BlockPlan(spec: b, geometry: g, images: images,
                                 budget: i >= late ? tuning.lateWindowBudget : tuning.windowBudget)
            plans.append(plan)
            if b.hasExpansion { window = max(window, plan.windowRows * images * g.inWidth * b.expandedChannels) }
            strip = max(strip, plan.stripRows * images * g.outWidth * b.expandedChannels)
            pad = max(pad, Depthwise.scratchFloats(geometry: g, channels: b.expandedChannels,
                                                   inputRows: min(g.inHeight, (plan.stripRows - 1) * g.stride + g.kernel)))
            if i >= late {
                grouped = max(grouped, images * max(g.inPixels * b.inputChannels, g.outPixels * b.outputChannels))
            } else {
                image = max(image, g.outPixels * b.outputChannels)
            }
            side = (g.outHeight, g.outWidth)
        }
        blocks = plans
        lateStart = late
        self.group = late < arch.blocks.count ? group : 1
        imageFloats = image
        (lastHeight, lastWidth) = side
        // the head conv output of a whole group shares the group buffers' size class
        groupFloats = max(grouped, self.group * side.0 * side.1 * (arch.blocks.last?.outputChannels ?? arch.stemChannels))
        windowFloats = window
        stripFloats = strip
        padFloats = pad
        headFloats = self.group * side.0 * side.1 * arch.headChannels
    }
}

/// One worker's scratch: every activation of a forward pass lives here, allocated once, so
/// repeated forwards allocate nothing.
final class Workspace {
    let imageA: ScratchBuffer
    let imageB: ScratchBuffer
    let groupA: ScratchBuffer
    let groupB: ScratchBuffer
    let window: ScratchBuffer
    let strip: ScratchBuffer
    let pad: ScratchBuffer
    /// Zero-padded copy of one input image for the stem.
    let stemPad: ScratchBuffer
    let head: ScratchBuffer
    /// Pooled features of every image this worker handles in one call: `images × headChannels`.
    let pooled: ScratchBuffer

    init(plan: ForwardPlan, headChannels: Int) {
        imageA = ScratchBuffer(capacity: plan.imageFloats)
        imageB = ScratchBuffer(capacity: plan.imageFloats)
        groupA = ScratchBuffer(capacity: plan.groupFloats)
        groupB = ScratchBuffer(capacity: plan.groupFloats)
        window = ScratchBuffer(capacity: plan.windowFloats)
        strip = ScratchBuffer(capacity: plan.stripFloats)
        pad = ScratchBuffer(capacity: plan.padFloats)
        stemPad = ScratchBuffer(capacity: StemConv.scratchFloats(geometry: plan.stem, channels: 3))
        head = ScratchBuffer(capacity: plan.headFloats)
        pooled = ScratchBuffer(capacity: plan.group * headChannels)
    }
}
