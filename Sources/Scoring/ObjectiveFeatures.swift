import Foundation
import Net

/// One inner-layer quantity of a block's output (`[height, width, channels]`, after the block's
/// residual add).
public struct LayerFeature: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Mean activation of one channel over all positions.
        case channel
        /// One channel at the centre position.
        case neuron
        /// Mean squared activation over all positions and channels (DeepDream).
        case dream
    }

    public var kind: Kind
    public var block: Int
    /// The channel (ignored by `.dream`).
    public var channel: Int

    public init(_ kind: Kind, block: Int, channel: Int = 0) {
        self.kind = kind
        self.block = block
        self.channel = channel
    }

    /// The value for `x` (HWC, `shape` = [height, width, channels]); adds its derivative times
    /// `scale` into `derivative` when given.
    func evaluate(_ x: [Float], shape: [Int], scale: Float, derivative: inout [Float]?) -> Float {
        let (h, w, c) = (shape[0], shape[1], shape[2])
        switch kind {
        case .channel:
            var sum: Float = 0
            for p in 0..<(h * w) { sum += x[p * c + channel] }
            if derivative != nil {
                let d = scale / Float(h * w)
                for p in 0..<(h * w) { derivative![p * c + channel] += d }
            }
            return sum / Float(h * w)
        case .neuron:
            let i = ((h / 2) * w + w / 2) * c + channel
            derivative?[i] += scale
            return x[i]
        case .dream:
            var sum: Float = 0
            for v in x { sum += v * v }
            if derivative != nil {
                let d = 2 * scale / Float(x.count)
                for i in x.indices { derivative![i] += d * x[i] }
            }
            return sum / Float(x.count)
        }
    }
}

/// A picture's pooled features on each network it is compared on, and its top-1 class there.
public struct FeatureReference: Sendable, Equatable, Codable {
    /// Where the picture came from, as written in the objective.
    public var source: String
    /// Network variant name → pooled features (`headChannels` values).
    public var pooled: [String: PackedFloats]
    /// Network variant name → the picture's top-1 class on it.
    public var topClasses: [String: Int]

    public init(source: String, pooled: [String: [Float]], topClasses: [String: Int]) {
        self.source = source
        self.pooled = pooled.mapValues(PackedFloats.init)
        self.topClasses = topClasses
    }

    func topClass(network: String?) -> Int? {
        network.flatMap { topClasses[$0] } ?? topClasses.values.min()
    }

    /// cos(p, r) of pooled features `p` against network `network`'s reference; adds
    /// ∂cos/∂p times `scale` into `derivative` when given.
    func cosine(_ p: [Float], network: String, scale: Float, derivative: inout [Float]?) -> Float {
        guard let r = pooled[network]?.values, r.count == p.count else { return 0 }
        var dot: Float = 0, pp: Float = 0, rr: Float = 0
        for i in p.indices { dot += p[i] * r[i]; pp += p[i] * p[i]; rr += r[i] * r[i] }
        let np = max(pp.squareRoot(), 1e-12), nr = max(rr.squareRoot(), 1e-12)
        let cos = dot / (np * nr)
        if derivative != nil {
            // ∂cos/∂p = r/(|p||r|) − cos · p/|p|²
            for i in p.indices { derivative![i] += scale * (r[i] / (np * nr) - cos * p[i] / (np * np)) }
        }
        return cos
    }
}

/// A picture's Gram matrices at a few blocks of each network it is compared on.
public struct StyleReference: Sendable, Equatable, Codable {
    public var source: String
    /// Network variant name → the blocks compared, ascending.
    public var blocks: [String: [Int]]
    /// Network variant name → one `channels × channels` Gram matrix per block.
    public var grams: [String: [PackedFloats]]

    public init(source: String, blocks: [String: [Int]], grams: [String: [[Float]]]) {
        self.source = source
        self.blocks = blocks
        self.grams = grams.mapValues { $0.map(PackedFloats.init) }
    }

    /// The blocks whose Gram matrices describe a style on `architecture`: the last block of
    /// stages 1 to 4 (edges and colours up to textures and parts), as Gatys et al. take one layer
    /// per stage of VGG.
    public static func blocks(of architecture: Architecture) -> [Int] {
        (1...4).compactMap { stage in architecture.blocks.last(where: { $0.stage == stage })?.index }
    }

    /// The Gram matrix `Fᵀ F / (height · width)` of an HWC tensor: `channels × channels`.
    public static func gram(_ x: [Float], shape: [Int]) -> [Float] {
        let positions = shape[0] * shape[1], c = shape[2]
        var g = [Float](repeating: 0, count: c * c)
        for p in 0..<positions {
            let row = p * c
            for a in 0..<c {
                let xa = x[row + a]
                if xa == 0 { continue }
                for b in a..<c { g[a * c + b] += xa * x[row + b] }
            }
        }
        let scale = 1 / Float(positions)
        for a in 0..<c {
            for b in a..<c {
                g[a * c + b] *= scale
                g[b * c + a] = g[a * c + b]
            }
        }
        return g
    }

    /// −mean((G − R)²) for block tensor `x` against reference `r`; adds its derivative times
    /// `scale` into `derivative` when given: −4 F (G − R) / (c² · positions).
    static func closeness(_ x: [Float], shape: [Int], reference r: [Float], scale: Float,
                          derivative: inout [Float]?) -> Float {
        let positions = shape[0] * shape[1], c = shape[2]
        var diff = gram(x, shape: shape)
        var loss: Float = 0
        for i in diff.indices { diff[i] -= r[i]; loss += diff[i] * diff[i] }
        loss /= Float(c * c)
        if derivative != nil {
            let k = -4 * scale / Float(c * c * positions)
            for p in 0..<positions {
                let row = p * c
                for a in 0..<c {
                    var s: Float = 0
                    for b in 0..<c { s += x[row + b] * diff[b * c + a] }
                    derivative![row + a] += k * s
                }
            }
        }
        return -loss
    }
}

/// A picture's activations at one block of each network it is compared on (HWC, the block's
/// output after its residual add, the picture prepared as photos are).
public struct ContentReference: Sendable, Equatable, Codable {
    /// Where the picture came from, as written in the objective.
    public var source: String
    /// The block compared.
    public var block: Int
    /// Network variant name → the block's output on the picture.
    public var activations: [String: PackedFloats]
    /// Network variant name → its shape `[height, width, channels]`.
    public var shapes: [String: [Int]]

    public init(source: String, block: Int, activations: [String: [Float]], shapes: [String: [Int]]) {
        self.source = source
        self.block = block
        self.activations = activations.mapValues(PackedFloats.init)
        self.shapes = shapes
    }

    /// −mean((x − r)²); adds its derivative times `scale`, −2 (x − r) / n, into `derivative`
    /// when given.
    static func closeness(_ x: [Float], reference r: [Float], scale: Float, derivative: inout [Float]?) -> Float {
        guard x.count == r.count, !x.isEmpty else { return 0 }
        var loss: Float = 0
        for i in x.indices {
            let e = x[i] - r[i]
            loss += e * e
        }
        if derivative != nil {
            let k = -2 * scale / Float(x.count)
            for i in x.indices { derivative![i] += k * (x[i] - r[i]) }
        }
        return -loss / Float(x.count)
    }
}

/// Floats stored compactly in JSON: little-endian Float32, base64.
public struct PackedFloats: Sendable, Equatable, Codable {
    public var values: [Float]

    public init(_ values: [Float]) { self.values = values }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not base64 Float32 values"))
        }
        let bytes = [UInt8](data)
        values = stride(from: 0, to: bytes.count, by: 4).map { i -> Float in
            var bits = UInt32(bytes[i])
            bits |= UInt32(bytes[i + 1]) << 8
            bits |= UInt32(bytes[i + 2]) << 16
            bits |= UInt32(bytes[i + 3]) << 24
            return Float(bitPattern: bits)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var data = Data(capacity: values.count * 4)
        for v in values {
            let b = v.bitPattern
            data.append(contentsOf: [UInt8(b & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b >> 16 & 0xFF), UInt8(b >> 24)])
        }
        var c = encoder.singleValueContainer()
        try c.encode(data.base64EncodedString())
    }
}

extension Objective {
    /// What the objective reads on network `network` (a variant name); `output` is forced when
    /// the caller needs the log-softmax anyway (for the confidence).
    public func taps(network: String, output: Bool = false) -> FeatureTaps {
        var blocks: [Int] = [], readsOutput = output
        collectTaps(network: network, blocks: &blocks, output: &readsOutput)
        return FeatureTaps(blocks: blocks, output: readsOutput)
    }

    private func collectTaps(network: String, blocks: inout [Int], output: inout Bool) {
        switch self {
        case .classes, .opposite, .logit, .match, .margin: output = true
        case .layer(let f): blocks.append(f.block)
        case .style(let reference): blocks += reference.blocks[network] ?? []
        case .content(let reference): if reference.activations[network] != nil { blocks.append(reference.block) }
        case .stats: break
        case .sum(let a, let b):
            a.collectTaps(network: network, blocks: &blocks, output: &output)
            b.collectTaps(network: network, blocks: &blocks, output: &output)
        case .scaled(_, let a), .worst(let a): a.collectTaps(network: network, blocks: &blocks, output: &output)
        case .on(let name, let a):
            if name == network { a.collectTaps(network: network, blocks: &blocks, output: &output) }
        }
    }

    /// The value on network `network` from the features its taps read.
    public func value(features: NetworkFeatures, taps: FeatureTaps, network: String) -> Float {
        var none: FeatureDerivative?
        return accumulate(features, taps: taps, network: network, scale: 1, into: &none)
    }

    /// The value and its derivatives with respect to what the taps read, on network `network`.
    public func derivative(features: NetworkFeatures, taps: FeatureTaps, network: String) -> FeatureDerivative {
        var d: FeatureDerivative? = FeatureDerivative(value: 0, blocks: Array(repeating: nil, count: taps.blocks.count))
        let value = accumulate(features, taps: taps, network: network, scale: 1, into: &d)
        d!.value = value
        return d!
    }

    /// The value times 1 (`scale` only weighs the derivatives added into `d`).
    private func accumulate(_ f: NetworkFeatures, taps: FeatureTaps, network: String, scale: Float,
                            into d: inout FeatureDerivative?) -> Float {
        let derive = d != nil
        switch self {
        case .classes, .opposite, .margin:
            if derive {
                if d!.logSoftmax == nil { d!.logSoftmax = [Float](repeating: 0, count: f.logSoftmax.count) }
                accumulateGradient(logProbabilities: f.logSoftmax, scale: scale, into: &d!.logSoftmax!)
            }
            return value(logProbabilities: f.logSoftmax)
        case .logit(let c):
            if derive {
                if d!.logits == nil { d!.logits = [Float](repeating: 0, count: f.logits.count) }
                d!.logits![c] += scale
            }
            return f.logits[c]
        case .layer(let feature):
            guard let tap = taps.blocks.firstIndex(of: feature.block) else { return 0 }
            var slot: [Float]? = derive ? (d!.blocks[tap] ?? [Float](repeating: 0, count: f.blocks[tap].count)) : nil
            let v = feature.evaluate(f.blocks[tap], shape: f.shapes[tap], scale: scale, derivative: &slot)
            if derive { d!.blocks[tap] = slot }
            return v
        case .match(let reference):
            var slot: [Float]? = derive ? (d!.pooled ?? [Float](repeating: 0, count: f.pooled.count)) : nil
            let v = reference.cosine(f.pooled, network: network, scale: scale, derivative: &slot)
            if derive { d!.pooled = slot }
            return v
        case .style(let reference):
            guard let blocks = reference.blocks[network], let grams = reference.grams[network] else { return 0 }
            var total: Float = 0
            for (block, gram) in zip(blocks, grams) {
                guard let tap = taps.blocks.firstIndex(of: block) else { continue }
                var slot: [Float]? = derive ? (d!.blocks[tap] ?? [Float](repeating: 0, count: f.blocks[tap].count)) : nil
                total += StyleReference.closeness(f.blocks[tap], shape: f.shapes[tap], reference: gram.values, scale: scale,
                                                  derivative: &slot)
                if derive { d!.blocks[tap] = slot }
            }
            return total
        case .content(let reference):
            guard let r = reference.activations[network]?.values, let tap = taps.blocks.firstIndex(of: reference.block),
                  reference.shapes[network] == f.shapes[tap] else { return 0 }
            var slot: [Float]? = derive ? (d!.blocks[tap] ?? [Float](repeating: 0, count: f.blocks[tap].count)) : nil
            let v = ContentReference.closeness(f.blocks[tap], reference: r, scale: scale, derivative: &slot)
            if derive { d!.blocks[tap] = slot }
            return v
        case .stats:
            // A batch quantity: the scorer computes the prior in the engine pass (see `.stats`).
            return 0
        case .sum(let a, let b):
            return a.accumulate(f, taps: taps, network: network, scale: scale, into: &d)
                + b.accumulate(f, taps: taps, network: network, scale: scale, into: &d)
        case .scaled(let k, let a):
            return k * a.accumulate(f, taps: taps, network: network, scale: scale * k, into: &d)
        case .worst(let a):
            // One network's part; `FramedScoring` takes the minimum over an ensemble.
            return a.accumulate(f, taps: taps, network: network, scale: scale, into: &d)
        case .on(let name, let a):
            guard name == network else { return 0 }
            return a.accumulate(f, taps: taps, network: network, scale: scale, into: &d)
        }
    }
}
