import Foundation
import Imaging
import Net

/// A seeded generator (Imaging's SplitMix64), so random test data is reproducible.
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    init(_ seed: UInt64) { self.init(state: seed) }
}

func randomFloats(_ n: Int, _ range: ClosedRange<Float>, _ rng: inout SeededGenerator) -> [Float] {
    (0..<n).map { _ in Float.random(in: range, using: &rng) }
}

/// A small EfficientNet-Lite-shaped network with random weights, as a legacy checkpoint, plus
/// a slow, obviously correct reference forward pass straight from the unfolded tensors.
struct TinyNet {
    /// (expanded channels or nil, kernel, output channels) per block; the input of block 0 is
    /// the stem's 8 channels.
    static let blocks: [(expand: Int?, kernel: Int, out: Int)] = [
        (nil, 3, 4), (24, 5, 6), (36, 3, 6), (36, 5, 20), (40, 3, 20),
    ]
    static let stem = 8, head = 16, classes = 5

    var writer = LegacyTorchWriter()
    var tensors: [String: (shape: [Int], values: [Float])] = [:]

    init(seed: UInt64) {
        var rng = SeededGenerator(seed)
        func conv(_ name: String, _ shape: [Int]) {
            let fanIn = shape.dropFirst().reduce(1, *)
            let scale = 1.5 / Float(fanIn).squareRoot()
            add(name, shape, randomFloats(shape.reduce(1, *), -scale...scale, &rng))
        }
        func bn(_ prefix: String, _ c: Int) {
            add(prefix + ".weight", [c], randomFloats(c, 0.5...1.5, &rng))
            add(prefix + ".bias", [c], randomFloats(c, -0.3...0.5, &rng))
            add(prefix + ".running_mean", [c], randomFloats(c, -0.2...0.2, &rng))
            add(prefix + ".running_var", [c], randomFloats(c, 0.3...1.5, &rng))
            writer.addCounter(prefix + ".num_batches_tracked", 100)
        }
        conv("_conv_stem.weight", [Self.stem, 3, 3, 3]); bn("_bn0", Self.stem)
        var c = Self.stem
        for (i, b) in Self.blocks.enumerated() {
            let p = "_blocks.\(i)."
            if let e = b.expand { conv(p + "_expand_conv.weight", [e, c, 1, 1]); bn(p + "_bn0", e) }
            let mid = b.expand ?? c
            conv(p + "_depthwise_conv.weight", [mid, 1, b.kernel, b.kernel]); bn(p + "_bn1", mid)
            conv(p + "_project_conv.weight", [b.out, mid, 1, 1]); bn(p + "_bn2", b.out)
            c = b.out
        }
        conv("_conv_head.weight", [Self.head, c, 1, 1]); bn("_bn1", Self.head)
        conv("_fc.weight", [Self.classes, Self.head])
        add("_fc.bias", [Self.classes], randomFloats(Self.classes, -0.1...0.1, &rng))
    }

    private mutating func add(_ name: String, _ shape: [Int], _ values: [Float]) {
        writer.add(name, shape, values, permutation: shape.count == 4 ? [2, 3, 1, 0] : nil)
        tensors[name] = (shape, values)
    }

    func checkpoint(path: String = "tiny.pth") throws -> TorchCheckpoint {
        try TorchCheckpoint(bytes: writer.bytes(), path: path)
    }

    /// Logits of one planar image `3 × side × side` by the Double reference.
    func referenceLogits(_ image: [Float], side: Int) -> [Double] {
        ReferenceNet(tensors: tensors).logits(image, side: side)
    }
}

/// A slow, obviously correct EfficientNet-Lite forward pass in `Double`, NCHW, straight from a
/// state dict's unfolded tensors (BN applied explicitly, ε = 1e-3, TF "SAME" padding). The block
/// list comes from the tensor names; a stage (and its stride) starts where channels change.
struct ReferenceNet {
    let tensors: [String: (shape: [Int], values: [Float])]

    init(tensors: [String: (shape: [Int], values: [Float])]) { self.tensors = tensors }

    init(checkpoint: TorchCheckpoint) {
        var t: [String: (shape: [Int], values: [Float])] = [:]
        for (name, tensor) in checkpoint.tensors { t[name] = (tensor.shape, tensor.values) }
        tensors = t
    }

    /// Logits of one planar image `3 × side × side`.
    func logits(_ image: [Float], side: Int) -> [Double] { logits(image.map(Double.init), side: side) }

    /// Logits of one planar image `3 × side × side` given in `Double`.
    func logits(_ image: [Double], side: Int) -> [Double] { features(image, side: side).logits }

    /// Every block's output (CHW), the pooled features and the logits of one planar image.
    func features(_ image: [Double], side: Int) -> (blocks: [Tensor3], pooled: [Double], logits: [Double]) {
        var blocks: [Tensor3] = []
        var x = Tensor3(c: 3, h: side, w: side, data: image)
        x = relu6(batchNorm(conv(x, "_conv_stem.weight", stride: 2, groups: 1), "_bn0"))
        var stage = -1, i = 0
        while tensors["_blocks.\(i)._depthwise_conv.weight"] != nil {
            let p = "_blocks.\(i)."
            let input = x
            let out = tensors[p + "_project_conv.weight"]!.shape[0]
            var stride = 1
            if out != x.c || i == 0 { stage += 1; stride = [1, 2, 2, 2, 1, 2, 1][stage] }
            if tensors[p + "_expand_conv.weight"] != nil {
                x = relu6(batchNorm(conv(x, p + "_expand_conv.weight", stride: 1, groups: 1), p + "_bn0"))
            }
            x = relu6(batchNorm(conv(x, p + "_depthwise_conv.weight", stride: stride, groups: x.c), p + "_bn1"))
            x = batchNorm(conv(x, p + "_project_conv.weight", stride: 1, groups: 1), p + "_bn2")
            if stride == 1 && input.c == x.c { x.data = zip(x.data, input.data).map(+) }
            blocks.append(x)
            i += 1
        }
        x = relu6(batchNorm(conv(x, "_conv_head.weight", stride: 1, groups: 1), "_bn1"))
        let pooled = (0..<x.c).map { c in (0..<(x.h * x.w)).reduce(0.0) { $0 + x.data[c * x.h * x.w + $1] } / Double(x.h * x.w) }
        let (fw, fb) = (tensors["_fc.weight"]!.values, tensors["_fc.bias"]!.values)
        let classes = fb.count, features = pooled.count
        let logits = (0..<classes).map { o in
            Double(fb[o]) + (0..<features).reduce(0.0) { $0 + Double(fw[o * features + $1]) * pooled[$1] }
        }
        return (blocks, pooled, logits)
    }

    struct Tensor3 { var c: Int, h: Int, w: Int, data: [Double] }

    /// Direct convolution with TensorFlow "SAME" padding: out = ⌈in/s⌉, total pad split low/high.
    func conv(_ x: Tensor3, _ key: String, stride s: Int, groups: Int) -> Tensor3 {
        let (shape, w) = tensors[key]!
        let (o, ipg, k) = (shape[0], shape[1], shape[2])
        let oh = (x.h + s - 1) / s, ow = (x.w + s - 1) / s
        let padT = max((oh - 1) * s + k - x.h, 0) / 2, padL = max((ow - 1) * s + k - x.w, 0) / 2
        var out = Tensor3(c: o, h: oh, w: ow, data: [Double](repeating: 0, count: o * oh * ow))
        let opg = o / groups
        let wd = w.map(Double.init)
        x.data.withUnsafeBufferPointer { xd in
            out.data.withUnsafeMutableBufferPointer { od in
                for oc in 0..<o {
                    let g = oc / opg
                    for oy in 0..<oh { for ox in 0..<ow {
                        var sum = 0.0
                        for i in 0..<ipg { for ky in 0..<k { for kx in 0..<k {
                            let iy = oy * s - padT + ky, ix = ox * s - padL + kx
                            guard iy >= 0, iy < x.h, ix >= 0, ix < x.w else { continue }
                            sum += xd[((g * ipg + i) * x.h + iy) * x.w + ix] * wd[((oc * ipg + i) * k + ky) * k + kx]
                        } } }
                        od[(oc * oh + oy) * ow + ox] = sum
                    } }
                }
            }
        }
        return out
    }

    func batchNorm(_ x: Tensor3, _ prefix: String) -> Tensor3 {
        let g = tensors[prefix + ".weight"]!.values, b = tensors[prefix + ".bias"]!.values
        let m = tensors[prefix + ".running_mean"]!.values, v = tensors[prefix + ".running_var"]!.values
        var y = x
        for c in 0..<x.c {
            for p in 0..<(x.h * x.w) {
                let i = c * x.h * x.w + p
                y.data[i] = (x.data[i] - Double(m[c])) / (Double(v[c]) + 1e-3).squareRoot() * Double(g[c]) + Double(b[c])
            }
        }
        return y
    }

    func relu6(_ x: Tensor3) -> Tensor3 {
        var y = x
        y.data = x.data.map { min(max($0, 0), 6) }
        return y
    }
}
