/// One layer's output for one image, reported by `InferenceSession.activations`.
public struct LayerActivation: Sendable {
    /// `stem`, `block_00` … `block_NN`, `head` (after ReLU6, before pooling), `pooled`.
    public let name: String
    /// `[height, width, channels]`, or `[channels]` for `pooled`.
    public let shape: [Int]
    /// Values in HWC order.
    public let values: [Float]
}

/// Receives each layer's output during a traced forward pass: name, HWC shape, first image's values.
typealias LayerObserver = (String, [Int], UnsafeBufferPointer<Float>) -> Void

extension EfficientNetLite {
    /// Runs `count` preprocessed planar images through the network on one thread, then the FC
    /// layer over all of them at once. The stem and early blocks see one image at a time (its
    /// activations stay in cache); the late blocks and the head see groups of `plan.group`.
    ///
    /// - Parameters:
    ///   - input: `count × 3 × R × R`, values `(u8 − 127) / 128`.
    ///   - logits: `count × classCount`.
    func forward(input: UnsafePointer<Float>, count: Int, plan: ForwardPlan, workspace ws: Workspace,
                 logits: UnsafeMutablePointer<Float>, observer: LayerObserver? = nil) {
        let arch = architecture
        ws.pooled.reserve(count * arch.headChannels)
        var done = 0
        while done < count {
            let n = min(plan.group, count - done)
            for j in 0..<n {
                earlyLayers(input: input + (done + j) * inputSize, slot: j, of: n, plan: plan, workspace: ws, observer: observer)
            }
            lateLayers(images: n, plan: plan, workspace: ws, pooled: ws.pooled.pointer + done * arch.headChannels, observer: observer)
            done += n
        }
        // FC: logits[count, classes] = pooled[count, head] · fcᵀ + bias
        fcWeights.withBase { w in
            fcBias.withBase { b in
                BLAS.gemm(m: count, n: arch.classCount, k: arch.headChannels, a: ws.pooled.pointer, lda: arch.headChannels,
                          b: w, ldb: arch.headChannels, transposeB: true, c: logits, ldc: arch.classCount, beta: 0)
                Epilogue.addBias(logits, rows: count, columns: arch.classCount, bias: b, relu6: false)
            }
        }
    }

    /// Stem and blocks `0..<plan.lateStart` of one image, leaving the result in image `slot`
    /// of the `images`-image interleaved group buffer `workspace.groupA`.
    private func earlyLayers(input: UnsafePointer<Float>, slot: Int, of images: Int, plan: ForwardPlan,
                             workspace ws: Workspace, observer: LayerObserver?) {
        let arch = architecture
        var x = ws.imageA.pointer, y = ws.imageB.pointer
        stem.withPointers { w, b in
            StemConv.forward(input: input, images: 1, channels: 3, geometry: plan.stem, weights: w, bias: b,
                             outChannels: arch.stemChannels, relu6: true, scratch: ws.stemPad.pointer, output: x)
        }
        observer?("stem", [plan.stem.outHeight, plan.stem.outWidth, arch.stemChannels],
                  UnsafeBufferPointer(start: x, count: plan.stem.outPixels * arch.stemChannels))
        var (height, width, channels) = (plan.stem.outHeight, plan.stem.outWidth, arch.stemChannels)
        for (block, blockPlan) in zip(blocks, plan.blocks).prefix(plan.lateStart) {
            let spec = block.spec, g = blockPlan.geometry
            block.forward(input: x, images: 1, output: spec.residual ? x : y, plan: blockPlan,
                          window: ws.window.pointer, strip: ws.strip.pointer, pad: ws.pad.pointer)
            if !spec.residual { swap(&x, &y) }
            (height, width, channels) = (g.outHeight, g.outWidth, spec.outputChannels)
            observer?(String(format2: spec.index), [height, width, channels],
                      UnsafeBufferPointer(start: x, count: height * width * channels))
        }
        // into the group layout [height, images, width, channels]
        let run = width * channels
        for h in 0..<height {
            (ws.groupA.pointer + (h * images + slot) * run).update(from: x + h * run, count: run)
        }
    }

    /// Blocks `plan.lateStart...` and the head of `images` interleaved images in `workspace.groupA`:
    /// writes `images × headChannels` pooled features.
    private func lateLayers(images: Int, plan: ForwardPlan, workspace ws: Workspace,
                            pooled: UnsafeMutablePointer<Float>, observer: LayerObserver?) {
        let arch = architecture
        var x = ws.groupA.pointer, y = ws.groupB.pointer
        for (block, blockPlan) in zip(blocks, plan.blocks).dropFirst(plan.lateStart) {
            let spec = block.spec, g = blockPlan.geometry
            block.forward(input: x, images: images, output: spec.residual ? x : y, plan: blockPlan,
                          window: ws.window.pointer, strip: ws.strip.pointer, pad: ws.pad.pointer)
            if !spec.residual { swap(&x, &y) }
            if images == 1 {
                observer?(String(format2: spec.index), [g.outHeight, g.outWidth, spec.outputChannels],
                          UnsafeBufferPointer(start: x, count: g.outPixels * spec.outputChannels))
            }
        }
        let (height, width) = (plan.lastHeight, plan.lastWidth)
        let lastChannels = arch.blocks.last?.outputChannels ?? arch.stemChannels
        let head = ws.head.pointer, channels = arch.headChannels
        self.head.withPointers { w, b in
            BLAS.gemm(m: images * height * width, n: channels, k: lastChannels, a: x, lda: lastChannels,
                      b: w, ldb: lastChannels, transposeB: true, c: head, ldc: channels, beta: 0)
            for n in 0..<images {
                Epilogue.biasReLU6Mean(head + n * width * channels, rows: height, width: width, rowStride: images * width * channels,
                                       columns: channels, bias: b, pooled: pooled + n * channels, keep: observer != nil)
            }
        }
        if images == 1 {
            observer?("head", [height, width, channels], UnsafeBufferPointer(start: head, count: height * width * channels))
            observer?("pooled", [channels], UnsafeBufferPointer(start: pooled, count: channels))
        }
    }
}
