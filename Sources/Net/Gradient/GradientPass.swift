/// The objective of a gradient pass for one image: given its index in the batch and its
/// log-softmax (`classCount` values), the objective's value and its derivative with respect to
/// each log-softmax entry (`classCount` values).
public typealias LogSoftmaxObjective = @Sendable (_ image: Int, _ logSoftmax: [Float]) -> (value: Float, derivative: [Float])

extension EfficientNetLite {
    /// Forward and backward of `images` (at most `plan.group`) images on one thread.
    ///
    /// - Parameters:
    ///   - input: `images × 3 × R × R`, preprocessed.
    ///   - first: batch index of the first image (passed to `objective`).
    ///   - logits: `images × classCount`; `values`: `images` objective values.
    ///   - gradient: `images × 3 × R × R`, ∂objective/∂input of each image.
    /// - Returns: the length of a wrong-length derivative from `objective`, else nil.
    func gradientGroup(input: UnsafePointer<Float>, images n: Int, first: Int, objective: LogSoftmaxObjective,
                       plan: GradientPlan, workspace ws: GradientWorkspace, logits: UnsafeMutablePointer<Float>,
                       values: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>) -> Int? {
        let arch = architecture, classes = arch.classCount, headC = arch.headChannels
        let arena = ws.arena.pointer
        // ---- forward, keeping every activation the backward needs
        let stemOut = arena + plan.stemOffset
        stem.withPointers { w, b in
            StemConv.forward(input: input, images: n, channels: 3, geometry: plan.stem, weights: w, bias: b,
                             outChannels: arch.stemChannels, relu6: true, scratch: ws.stemPad.pointer, output: stemOut)
        }
        var x = stemOut
        for (i, block) in blocks.enumerated() {
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
        let lastC = arch.blocks.last?.outputChannels ?? arch.stemChannels, pixels = plan.lastPixels
        let head = arena + plan.headOffset
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
        // ---- objective and log-softmax backward
        for j in 0..<n {
            let ls = ws.logSoftmax.pointer + j * classes
            LogSoftmax.forward(logits + j * classes, count: classes, output: ls)
            let (value, derivative) = objective(first + j, Array(UnsafeBufferPointer(start: ls, count: classes)))
            guard derivative.count == classes else { return derivative.count }
            values[j] = value
            derivative.withBase { d in LogSoftmax.backward(output: ls, grad: d, count: classes, gradLogits: ws.logitGrad.pointer + j * classes) }
        }
        // ---- backward: FC, pooling + head ReLU6, head conv
        fcWeights.withBase { w in
            Pointwise.backwardInput(gradOutput: ws.logitGrad.pointer, rows: n, outChannels: classes, weights: w,
                                    inChannels: headC, accumulate: false, gradInput: ws.pooledGrad.pointer)
        }
        var grad = ws.gradA.pointer, spare = ws.gradB.pointer
        for j in 0..<n {
            Epilogue.meanPoolReLU6Backward(pooledGrad: ws.pooledGrad.pointer + j * headC, output: head + j * pixels * headC,
                                           pixels: pixels, columns: headC, grad: spare + j * pixels * headC)
        }
        self.head.withPointers { w, _ in
            Pointwise.backwardInput(gradOutput: spare, rows: n * pixels, outChannels: headC, weights: w, inChannels: lastC,
                                    accumulate: false, gradInput: grad)
        }
        // ---- blocks in reverse: grad holds ∂J/∂(block output)
        for (i, block) in blocks.enumerated().reversed() {
            let spec = block.spec, g = plan.blocks[i]
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
        Epilogue.relu6Backward(grad, output: stemOut, count: n * plan.stem.outPixels * arch.stemChannels)
        stem.withPointers { w, _ in
            StemConv.backwardInput(gradOutput: grad, images: n, channels: 3, geometry: plan.stem, weights: w,
                                   outChannels: arch.stemChannels, columns: ws.columns.pointer, gradInput: gradient)
        }
        return nil
    }
}
