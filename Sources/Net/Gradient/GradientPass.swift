/// The objective of a gradient pass for one image: given its index in the batch and its
/// log-softmax (`classCount` values), the objective's value and its derivative with respect to
/// each log-softmax entry (`classCount` values).
public typealias LogSoftmaxObjective = @Sendable (_ image: Int, _ logSoftmax: [Float]) -> (value: Float, derivative: [Float])

/// How far a gradient pass runs: the taps' layers and those a statistics prior counts.
struct PassExtent: Sendable {
    /// The deepest block run, forward and backward.
    let lastBlock: Int
    /// Whether the head convolution runs (the taps read the output, or the prior counts the head).
    let head: Bool
    /// Whether the FC layer and the log-softmax run (the taps read the output).
    let output: Bool

    init(taps: FeatureTaps, prior: PriorPlan?, architecture: Architecture) {
        head = taps.output || prior?.head != nil
        output = taps.output
        lastBlock = head ? architecture.blocks.count - 1 : max(taps.lastBlock(of: architecture), prior?.lastBlock ?? -1)
    }
}

/// What a stored forward does for a statistics prior: on the batch's first pass, add the counted
/// layers' statistics to the workspace's sums (`gather`); when a backward will follow, keep their
/// pre-activations in the workspace's pre-activation buffer (`keep`). Without `keep`, a layer
/// followed by ReLU6 is computed into the arena and clamped there after its statistics are taken,
/// sparing the memory traffic of a second copy.
struct PriorStep {
    let plan: PriorPlan
    let gather: Bool
    let keep: Bool
}

extension EfficientNetLite {
    /// Forward of `images` (at most `plan.group`) images on one thread, keeping every activation
    /// the backward needs in the workspace's arena: the stem and blocks `0...extent.lastBlock`,
    /// then the head when the extent has it, and the FC layer and the log-softmax when it has
    /// the output.
    ///
    /// With a prior step, each counted layer runs without its fused ReLU6 (into the workspace's
    /// pre-activation buffer when the step keeps it, else into the arena) and is clamped after its
    /// statistics are taken: the same arithmetic, so every activation is bit for bit the one of a
    /// pass without the prior.
    func storedForward(input: UnsafePointer<Float>, images n: Int, extent: PassExtent, prior: PriorStep?, plan: GradientPlan,
                       workspace ws: GradientWorkspace) {
        let arch = architecture, classes = arch.classCount, headC = arch.headChannels
        let arena = ws.arena.pointer
        let pre = prior == nil ? nil : ws.preactivations?.pointer
        /// A counted layer (`index` into the prior's layers) and where its pre-activations go.
        /// `arenaOut`: where the layer's clamped output goes, which holds `z` itself when the step does not keep it.
        func site(_ index: Int?, clampedInto arenaOut: UnsafeMutablePointer<Float>? = nil) -> (layer: PriorPlan.Layer, z: UnsafeMutablePointer<Float>)? {
            guard let prior, let index, let pre else { return nil }
            let layer = prior.plan.layers[index]
            if !prior.keep, let arenaOut { return (layer, arenaOut) }
            return (layer, pre + layer.offset)
        }
        /// Adds a counted layer's statistics over the group to the workspace's sums on a gathering
        /// pass; with `clamped`, also writes ReLU6 of the pre-activations there (in the same pass
        /// when gathering).
        func record(_ site: (layer: PriorPlan.Layer, z: UnsafeMutablePointer<Float>), clamped: UnsafeMutablePointer<Float>? = nil) {
            let l = site.layer
            guard let prior, prior.gather else {
                if let clamped { ChannelStatistics.relu6Copy(site.z, count: n * l.pixels * l.channels, into: clamped) }
                return
            }
            let total = prior.plan.channels
            ws.statistics.withUnsafeMutableBufferPointer { sums in
                guard let base = sums.baseAddress else { return }
                l.beta.withBase { beta in
                    ChannelStatistics.accumulate(site.z, rows: n * l.pixels, channels: l.channels, shift: beta,
                                                 sums: base + l.channelOffset, squares: base + total + l.channelOffset, clamped: clamped)
                }
            }
        }
        let stemOut = arena + plan.stemOffset
        if let s = site(prior?.plan.stem, clampedInto: stemOut) {
            stem.withPointers { w, b in
                StemConv.forward(input: input, images: n, channels: 3, geometry: plan.stem, weights: w, bias: b,
                                 outChannels: arch.stemChannels, relu6: false, scratch: ws.stemPad.pointer, output: s.z)
            }
            record(s, clamped: stemOut)
        } else {
            stem.withPointers { w, b in
                StemConv.forward(input: input, images: n, channels: 3, geometry: plan.stem, weights: w, bias: b,
                                 outChannels: arch.stemChannels, relu6: true, scratch: ws.stemPad.pointer, output: stemOut)
            }
        }
        var x = stemOut
        for (i, block) in blocks.enumerated().prefix(extent.lastBlock + 1) {
            let spec = block.spec, g = plan.blocks[i]
            let dw = arena + plan.depthwiseOffsets[i], out = arena + plan.outputOffsets[i]
            var source = x
            if let expand = block.expand, let e = plan.expandedOffsets[i] {
                source = arena + e
                let s = site(prior?.plan.expand[i], clampedInto: source)
                expand.withPointers { w, b in
                    Pointwise.forward(input: x, rows: n * g.inPixels, inChannels: spec.inputChannels, weights: w, bias: b,
                                      outChannels: spec.expandedChannels, relu6: s == nil, accumulate: false, output: s?.z ?? source)
                }
                if let s { record(s, clamped: source) }
            }
            let d = site(prior?.plan.depthwise[i], clampedInto: dw)
            block.depthwise.withPointers { w, b in
                Depthwise.forward(input: source, images: n, channels: spec.expandedChannels, geometry: g, weights: w, bias: b,
                                  relu6: d == nil, scratch: ws.depthwisePad.pointer, output: d?.z ?? dw)
            }
            if let d { record(d, clamped: dw) }
            if spec.residual { out.update(from: x, count: n * g.outPixels * spec.outputChannels) }
            block.project.withPointers { w, b in
                Pointwise.forward(input: dw, rows: n * g.outPixels, inChannels: spec.expandedChannels, weights: w, bias: b,
                                  outChannels: spec.outputChannels, relu6: false, accumulate: spec.residual, output: out)
            }
            if let p = site(prior?.plan.project[i]) {
                // the project's own output: the block's output less the skip (one rounding from the conv's)
                let count = n * g.outPixels * spec.outputChannels
                if spec.residual { ChannelStatistics.difference(out, x, count: count, into: p.z) } else { p.z.update(from: out, count: count) }
                record(p)
            }
            x = out
        }
        guard extent.head else { return }
        let lastC = arch.blocks.last?.outputChannels ?? arch.stemChannels, pixels = plan.lastPixels
        let head = arena + plan.headOffset, logits = ws.logits.pointer
        self.head.withPointers { w, b in
            BLAS.gemm(m: n * pixels, n: headC, k: lastC, a: x, lda: lastC, b: w, ldb: lastC, transposeB: true,
                      c: head, ldc: headC, beta: 0)
            if let s = site(prior?.plan.head) {
                // z = GEMM + bias, the sum `biasReLU6Mean` clamps
                s.z.update(from: head, count: n * pixels * headC)
                Epilogue.addBias(s.z, rows: n * pixels, columns: headC, bias: b, relu6: false)
                record(s)
            }
            for j in 0..<n {
                Epilogue.biasReLU6Mean(head + j * pixels * headC, rows: 1, width: pixels, rowStride: pixels * headC, columns: headC,
                                       bias: b, pooled: ws.pooled.pointer + j * headC, keep: true)
            }
        }
        guard extent.output else { return }
        fcWeights.withBase { w in
            fcBias.withBase { b in
                Epilogue.fillRows(logits, rows: n, columns: classes, with: b)
                BLAS.gemm(m: n, n: classes, k: headC, a: ws.pooled.pointer, lda: headC, b: w, ldb: headC, transposeB: true,
                          c: logits, ldc: classes, beta: 1)
            }
        }
        for j in 0..<n {
            LogSoftmax.forward(logits + j * classes, count: classes, output: ws.logSoftmax.pointer + j * classes)
        }
    }

    /// Image `j`'s features after `storedForward`, copied out of the workspace.
    func storedFeatures(image j: Int, taps: FeatureTaps, plan: GradientPlan, workspace ws: GradientWorkspace) -> NetworkFeatures {
        let arch = architecture, classes = arch.classCount, headC = arch.headChannels
        var blockValues: [[Float]] = [], shapes: [[Int]] = []
        for i in taps.blocks {
            let g = plan.blocks[i], channels = arch.blocks[i].outputChannels, size = g.outPixels * channels
            blockValues.append(Array(UnsafeBufferPointer(start: ws.arena.pointer + plan.outputOffsets[i] + j * size, count: size)))
            shapes.append([g.outHeight, g.outWidth, channels])
        }
        guard taps.output else { return NetworkFeatures(logSoftmax: [], logits: [], pooled: [], blocks: blockValues, shapes: shapes) }
        return NetworkFeatures(logSoftmax: Array(UnsafeBufferPointer(start: ws.logSoftmax.pointer + j * classes, count: classes)),
                               logits: Array(UnsafeBufferPointer(start: ws.logits.pointer + j * classes, count: classes)),
                               pooled: Array(UnsafeBufferPointer(start: ws.pooled.pointer + j * headC, count: headC)),
                               blocks: blockValues, shapes: shapes)
    }

    /// Forward (unless the arena still holds these images' activations) and backward of
    /// `images` (at most `plan.group`) images on one thread.
    ///
    /// - Parameters:
    ///   - input: `images × 3 × R × R`, preprocessed.
    ///   - first: batch index of the first image (passed to `objective`).
    ///   - forward: run the stored forward first; false when the workspace still holds this
    ///     group's activations (and, with `prior`, its pre-activations) from the last forward.
    ///   - prior: the statistics prior's gradient coefficients over the whole batch, or nil.
    ///   - values: `images` objective values.
    ///   - gradient: `images × 3 × R × R`, ∂(objective − weight · prior)/∂input of each image.
    /// - Returns: the expected and found length of a wrong-length derivative from `objective`, else nil.
    func gradientGroup(input: UnsafePointer<Float>, images n: Int, first: Int, taps: FeatureTaps, extent: PassExtent,
                       forward: Bool = true, prior: PriorGradient? = nil, objective: FeatureObjective,
                       plan: GradientPlan, workspace ws: GradientWorkspace, values: UnsafeMutablePointer<Float>,
                       gradient: UnsafeMutablePointer<Float>) -> (expected: Int, found: Int)? {
        let arch = architecture, classes = arch.classCount, headC = arch.headChannels
        let arena = ws.arena.pointer
        if forward {
            storedForward(input: input, images: n, extent: extent, prior: prior.map { PriorStep(plan: $0.plan, gather: false, keep: true) },
                          plan: plan, workspace: ws)
        }
        /// Adds the prior's gradient at counted layer `index` (if any) to `grad`.
        func addPrior(_ index: Int?, into grad: UnsafeMutablePointer<Float>) {
            guard let prior, let index, let pre = ws.preactivations?.pointer else { return }
            prior.add(index, preactivations: pre, images: n, throughReLU6: false, into: grad)
        }
        /// The backward of the ReLU6 after a layer whose output `y` the arena keeps, with the
        /// prior's gradient added when the prior counts the layer (`index`).
        func relu6Backward(_ grad: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int, prior index: Int?) {
            if let prior, let index, let pre = ws.preactivations?.pointer {
                prior.add(index, preactivations: pre, images: n, throughReLU6: true, into: grad)
            } else {
                Epilogue.relu6Backward(grad, output: y, count: count)
            }
        }
        // ---- the objective of each image, and the derivatives it injects
        var injected: [[[Float]?]] = Array(repeating: [], count: n), pooledDerivatives: [[Float]?] = Array(repeating: nil, count: n)
        for j in 0..<n {
            let features = storedFeatures(image: j, taps: taps, plan: plan, workspace: ws)
            let d = objective(first + j, features)
            if let bad = d.mismatch(features) { return bad }
            values[j] = d.value
            injected[j] = d.blocks
            pooledDerivatives[j] = d.pooled
            guard taps.output else { continue }
            let ls = ws.logSoftmax.pointer + j * classes, logitGrad = ws.logitGrad.pointer + j * classes
            if let dl = d.logSoftmax {
                dl.withBase { p in LogSoftmax.backward(output: ls, grad: p, count: classes, gradLogits: logitGrad) }
            } else {
                logitGrad.update(repeating: 0, count: classes)
            }
            d.logits?.withBase { p in Epilogue.add(p, into: logitGrad, count: classes) }
        }
        let last = extent.lastBlock
        var grad = ws.gradA.pointer, spare = ws.gradB.pointer
        if extent.head {
            // ---- FC (plus any direct pooled derivative), pooling + head ReLU6, the prior at the head, head conv
            let pixels = plan.lastPixels, head = arena + plan.headOffset
            let lastC = arch.blocks.last?.outputChannels ?? arch.stemChannels
            if extent.output {
                fcWeights.withBase { w in
                    Pointwise.backwardInput(gradOutput: ws.logitGrad.pointer, rows: n, outChannels: classes, weights: w,
                                            inChannels: headC, accumulate: false, gradInput: ws.pooledGrad.pointer)
                }
                for j in 0..<n {
                    let pooledGrad = ws.pooledGrad.pointer + j * headC
                    if let dp = pooledDerivatives[j] {
                        dp.withBase { p in Epilogue.add(p, into: pooledGrad, count: headC) }
                    }
                    Epilogue.meanPoolReLU6Backward(pooledGrad: pooledGrad, output: head + j * pixels * headC,
                                                   pixels: pixels, columns: headC, grad: spare + j * pixels * headC)
                }
            } else {
                spare.update(repeating: 0, count: n * pixels * headC)
            }
            addPrior(prior?.plan.head, into: spare)
            self.head.withPointers { w, _ in
                Pointwise.backwardInput(gradOutput: spare, rows: n * pixels, outChannels: headC, weights: w, inChannels: lastC,
                                        accumulate: false, gradInput: grad)
            }
        } else if last >= 0 {
            grad.update(repeating: 0, count: n * plan.blocks[last].outPixels * arch.blocks[last].outputChannels)
        } else {
            grad.update(repeating: 0, count: n * plan.stem.outPixels * arch.stemChannels)
        }
        // ---- blocks in reverse: grad holds ∂J/∂(block output)
        for (i, block) in blocks.enumerated().prefix(last + 1).reversed() {
            let spec = block.spec, g = plan.blocks[i]
            if let tap = taps.blocks.firstIndex(of: i) {
                let size = g.outPixels * spec.outputChannels
                for j in 0..<n where tap < injected[j].count {
                    injected[j][tap]?.withBase { p in Epilogue.add(p, into: grad + j * size, count: size) }
                }
            }
            let mid = spec.expandedChannels
            let dw = arena + plan.depthwiseOffsets[i]
            let gradDW = ws.midA.pointer, gradMid = ws.midB.pointer
            // the skip takes ∂J/∂(block output); the project's output also gets the prior's share
            if spec.residual { spare.update(from: grad, count: n * g.inPixels * spec.inputChannels) }
            addPrior(prior?.plan.project[i], into: grad)
            block.project.withPointers { w, _ in
                Pointwise.backwardInput(gradOutput: grad, rows: n * g.outPixels, outChannels: spec.outputChannels, weights: w,
                                        inChannels: mid, accumulate: false, gradInput: gradDW)
            }
            relu6Backward(gradDW, output: dw, count: n * g.outPixels * mid, prior: prior?.plan.depthwise[i])
            let dwInputGrad = spec.hasExpansion ? gradMid : (spec.residual ? gradMid : spare)
            block.depthwise.withPointers { w, _ in
                block.flippedDepthwise.withBase { f in
                    Depthwise.backwardInput(gradOutput: gradDW, images: n, channels: mid, geometry: g, weights: w, flippedWeights: f,
                                            zeros: ws.zeros.pointer, scratch: ws.depthwisePad.pointer, gradInput: dwInputGrad)
                }
            }
            if let expand = block.expand, let e = plan.expandedOffsets[i] {
                relu6Backward(gradMid, output: arena + e, count: n * g.inPixels * mid, prior: prior?.plan.expand[i])
                expand.withPointers { w, _ in
                    Pointwise.backwardInput(gradOutput: gradMid, rows: n * g.inPixels, outChannels: mid, weights: w,
                                            inChannels: spec.inputChannels, accumulate: spec.residual, gradInput: spare)
                }
            } else if spec.residual {
                Epilogue.add(gradMid, into: spare, count: n * g.inPixels * mid)
            }
            swap(&grad, &spare)
        }
        // ---- stem ReLU6, the prior at the stem, stem conv
        let stemOut = arena + plan.stemOffset
        relu6Backward(grad, output: stemOut, count: n * plan.stem.outPixels * arch.stemChannels, prior: prior?.plan.stem)
        stem.withPointers { w, _ in
            StemConv.backwardInput(gradOutput: grad, images: n, channels: 3, geometry: plan.stem, weights: w,
                                   outChannels: arch.stemChannels, columns: ws.columns.pointer, gradInput: gradient)
        }
        return nil
    }
}
