import Foundation

/// The DeepInversion statistics prior computed the slow, obvious way on the Double reference
/// network: the unfolded convolutions with BN applied explicitly, every pre-activation of every
/// image kept, then per channel a two-pass mean and variance over all images and pixels.
extension ReferenceNet {
    /// One BN'd convolution's pre-activation (before ReLU6 and before a residual add) for one image.
    struct Preactivation {
        /// `stem`, `block_03.expand`, `block_03.depthwise`, `block_03.project`, `head`.
        let name: String
        /// The BN's tensor prefix (`_bn0`, `_blocks.3._bn1`, ...).
        let bn: String
        let z: Tensor3
    }

    /// Every BN'd convolution's pre-activation of one planar image, in forward order.
    func preactivations(_ image: [Double], side: Int) -> [Preactivation] {
        var out: [Preactivation] = []
        func record(_ name: String, _ bn: String, _ z: Tensor3) -> Tensor3 {
            out.append(Preactivation(name: name, bn: bn, z: z))
            return z
        }
        var x = Tensor3(c: 3, h: side, w: side, data: image)
        x = relu6(record("stem", "_bn0", batchNorm(conv(x, "_conv_stem.weight", stride: 2, groups: 1), "_bn0")))
        var stage = -1, i = 0
        while tensors["_blocks.\(i)._depthwise_conv.weight"] != nil {
            let p = "_blocks.\(i).", name = i < 10 ? "block_0\(i)" : "block_\(i)"
            let input = x
            let outChannels = tensors[p + "_project_conv.weight"]!.shape[0]
            var stride = 1
            if outChannels != x.c || i == 0 { stage += 1; stride = [1, 2, 2, 2, 1, 2, 1][stage] }
            if tensors[p + "_expand_conv.weight"] != nil {
                x = relu6(record(name + ".expand", p + "_bn0", batchNorm(conv(x, p + "_expand_conv.weight", stride: 1, groups: 1), p + "_bn0")))
            }
            x = relu6(record(name + ".depthwise", p + "_bn1",
                             batchNorm(conv(x, p + "_depthwise_conv.weight", stride: stride, groups: x.c), p + "_bn1")))
            x = record(name + ".project", p + "_bn2", batchNorm(conv(x, p + "_project_conv.weight", stride: 1, groups: 1), p + "_bn2"))
            if stride == 1 && input.c == x.c { x.data = zip(x.data, input.data).map(+) }
            i += 1
        }
        _ = record("head", "_bn1", batchNorm(conv(x, "_conv_head.weight", stride: 1, groups: 1), "_bn1"))
        return out
    }

    /// One layer's term: `factor · (‖mean − β‖ + ‖std − |γ|‖)` over a batch.
    struct PriorTermReference {
        let name: String
        let factor: Double
        let meanDistance: Double
        let deviationDistance: Double
        var value: Double { factor * (meanDistance + deviationDistance) }
    }

    /// The prior's terms over a batch of planar images, for the layers `counted` accepts (by name).
    func statisticsPrior(_ images: [[Double]], side: Int, counted: (String) -> Bool = { _ in true }) -> [PriorTermReference] {
        let perImage = images.map { preactivations($0, side: side) }
        var terms: [PriorTermReference] = []
        for (l, first) in perImage[0].enumerated() where counted(first.name) {
            let beta = tensors[first.bn + ".bias"]!.values, gamma = tensors[first.bn + ".weight"]!.values
            let pixels = first.z.h * first.z.w, m = Double(images.count * pixels)
            var meanSquares = 0.0, deviationSquares = 0.0
            for c in 0..<first.z.c {
                var sum = 0.0
                for layers in perImage { for p in 0..<pixels { sum += layers[l].z.data[c * pixels + p] } }
                let mean = sum / m
                var squares = 0.0
                for layers in perImage {
                    for p in 0..<pixels { let d = layers[l].z.data[c * pixels + p] - mean; squares += d * d }
                }
                let std = (squares / m + 1e-5).squareRoot()
                meanSquares += (mean - Double(beta[c])) * (mean - Double(beta[c]))
                deviationSquares += (std - Double(abs(gamma[c]))) * (std - Double(abs(gamma[c])))
            }
            terms.append(PriorTermReference(name: first.name, factor: first.name == "stem" ? 10 : 1,
                                            meanDistance: meanSquares.squareRoot(), deviationDistance: deviationSquares.squareRoot()))
        }
        return terms
    }

    /// `Σ` of the terms' values.
    func statisticsPriorValue(_ images: [[Double]], side: Int, counted: (String) -> Bool = { _ in true }) -> Double {
        statisticsPrior(images, side: side, counted: counted).reduce(0) { $0 + $1.value }
    }
}
