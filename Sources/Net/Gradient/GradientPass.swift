/// The objective of a gradient pass for one image: given its index in the batch and its
/// log-softmax (`classCount` values), the objective's value and its derivative with respect to
/// each log-softmax entry (`classCount` values).
public typealias LogSoftmaxObjective = @Sendable (_ image: Int, _ logSoftmax: [Float]) -> (value: Float, derivative: [Float])

extension EfficientNetLite {
    /// Forward of `images` (at most `plan.group`) images on one thread, keeping every activation
    /// the backward needs in the workspace's arena: the stem and blocks `0...taps.lastBlock`, then,
    /// when the taps read the output, the head, the FC layer and the log-softmax.
    func storedForward(input: UnsafePointer<Float>, images n: Int, taps: FeatureTaps, plan: GradientPlan,
                       workspace ws: GradientWorkspace) {
        let arch = architecture, classes = arch.classCount, headC = arch.headChannels
        let arena = ws.arena.pointer
        let stemOut = arena + plan.stemOffset
        stem.withPointers { w, b in
            StemConv.forward(input: input, images: n, channels: 3, geometry: plan.stem, weights: w, bias: b,
                             outChannels: arch.stemChannels, relu6: true, scratch: ws.stemPad.pointer, output: stemOut)
        }
        var x = stemOut
        for (i, block) in blocks.enumerated().prefix(taps.lastBlock(of: arch) + 1) {
            let spec = block.spec, g = plan.blocks[i]
            let dw = arena + plan.depthwiseOffsets[i], out = arena + plan.outputOffsets[i]
            var source = x
            if let expand = block.expand, let e = plan.expandedOffsets[i] {
                source = arena + e
                expand.withPointers { w, b in
                    Pointwise.forward(input: x, rows: n * g.inPixels, inChannels: spec.inputChannels, weights: w, bias: b,
                                      outChannels: spec.expandedChannels, relu6: true, accumulate: false, output: source)
                }
            }
            block.depthwise.withPointers { w, b in
                Depthwise.forward(input: source, images: n, channels: spec.expandedChannels, geometry: g, weights: w, bias: b,
                                  relu6: true, scratch: ws.depthwisePad.pointer, output: dw)
            }
            if spec.residual { out.update(from: x, count: n * g.outPixels * spec.outputChannels) }
            block.project.withPointers { w, b in
                Pointwise.forward(input: dw, rows: n * g.outPixels, inChannels: spec.expandedChannels, weights: w, bias: b,
                                  outChannels: spec.outputChannels, relu6: false, accumulate: spec.residual, output: out)
            }
            x = out
        }
        guard taps.output else { return }
        let lastC = arch.blocks.last?.outputChannels ?? arch.stemChannels, pixels = plan.lastPixels
        let head = arena + plan.headOffset, logits = ws.logits.pointer
        self.head.withPointers { w, b in
            BLAS.gemm(m: n * pixels, n: headC, k: lastC, a: x, lda: lastC, b: w, ldb: lastC, transposeB: true,
                      c: head, ldc: headC, beta: 0)
            for j in 0..<n {
                Epilogue.biasReLU6Mean(head + j * pixels * headC, rows: 1, width: pixels, rowStride: pixels * headC, columns: headC,
                                       bias: b, pooled: ws.pooled.pointer + j * headC, keep: true)
            }
        }
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

    /// Forward and backward of `images` (at most `plan.group`) images on one thread.
    ///
    /// - Parameters:
    ///   - input: `images × 3 × R × R`, preprocessed.
    ///   - first: batch index of the first image (passed to `objective`).
    ///   - values: `images` objective values.
    ///   - gradient: `images × 3 × R × R`, ∂objective/∂input of each image.
    /// - Returns: the expected and found length of a wrong-length derivative from `objective`, else nil.
    func gradientGroup(input: UnsafePointer<Float>, images n: Int, first: Int, taps: FeatureTaps, objective: FeatureObjective,
                       plan: GradientPlan, workspace ws: GradientWorkspace, values: UnsafeMutablePointer<Float>,
                       gradient: UnsafeMutablePointer<Float>) -> (expected: Int, found: Int)? {
        let arch = architecture, classes = arch.classCount, headC = arch.headChannels
        let arena = ws.arena.pointer
        storedForward(input: input, images: n, taps: taps, plan: plan, workspace: ws)
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
        let last = taps.lastBlock(of: arch)
        var grad = ws.gradA.pointer, spare = ws.gradB.pointer
        if taps.output {
            // ---- FC (plus any direct pooled derivative), pooling + head ReLU6, head conv
            let pixels = plan.lastPixels, head = arena + plan.headOffset
            let lastC = arch.blocks.last?.outputChannels ?? arch.stemChannels
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
            self.head.withPointers { w, _ in
                Pointwise.backwardInput(gradOutput: spare, rows: n * pixels, outChannels: headC, weights: w, inChannels: lastC,
                                        accumulate: false, gradInput: grad)
            }
        } else {
            grad.update(repeating: 0, count: n * plan.blocks[last].outPixels * arch.blocks[last].outputChannels)
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
            block.project.withPointers { w, _ in
                Pointwise.backwardInput(gradOutput: grad, rows: n * g.outPixels, outChannels: spec.outputChannels, weights: w,
                                        inChannels: mid, accumulate: false, gradInput: gradDW)
            }
            Epilogue.relu6Backward(gradDW, output: dw, count: n * g.outPixels * mid)
            if spec.residual { spare.update(from: grad, count: n * g.inPixels * spec.inputChannels) }
            let dwInputGrad = spec.hasExpansion ? gradMid : (spec.residual ? gradMid : spare)
            block.depthwise.withPointers { w, _ in
                block.flippedDepthwise.withBase { f in
                    Depthwise.backwardInput(gradOutput: gradDW, images: n, channels: mid, geometry: g, weights: w, flippedWeights: f,
                                            zeros: ws.zeros.pointer, scratch: ws.depthwisePad.pointer, gradInput: dwInputGrad)
                }
            }
            if let expand = block.expand, let e = plan.expandedOffsets[i] {
                Epilogue.relu6Backward(gradMid, output: arena + e, count: n * g.inPixels * mid)
                expand.withPointers { w, _ in
                    Pointwise.backwardInput(gradOutput: gradMid, rows: n * g.inPixels, outChannels: mid, weights: w,
                                            inChannels: spec.inputChannels, accumulate: spec.residual, gradInput: spare)
                }
            } else if spec.residual {
                Epilogue.add(gradMid, into: spare, count: n * g.inPixels * mid)
            }
            swap(&grad, &spare)
        }
        // ---- stem ReLU6 and stem conv
        let stemOut = arena + plan.stemOffset
        Epilogue.relu6Backward(grad, output: stemOut, count: n * plan.stem.outPixels * arch.stemChannels)
        stem.withPointers { w, _ in
            StemConv.backwardInput(gradOutput: grad, images: n, channels: 3, geometry: plan.stem, weights: w,
                                   outChannels: arch.stemChannels, columns: ws.columns.pointer, gradInput: gradient)
        }
        return nil
    }
}
