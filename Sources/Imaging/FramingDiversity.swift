import Foundation

/// Input diversity beyond the camera's crop, turn and mirror (issue 23's "input diversity"):
/// the picture shrunk onto a grey ground (resize-and-pad), a mild keystone (perspective), a
/// blur, a colour jitter and sensor noise. Each is drawn with the framing from the run's seed,
/// so a resumed run scores exactly as before, and each has an exact adjoint, so gradients flow
/// through it (`FramingSampler.accumulateAdjoint`). All are off (neutral) by default.
///
/// The map a framing applies is affine, `output = B · A · source + c` per channel, then gains
/// and offsets: `A` samples (crop, turn, mirror, keystone, shrink), `B` blurs, `c` carries the
/// padding's grey, the colour offsets and the noise. Gradients see the linear part only.
public struct FramingDiversity: Sendable, Equatable, Codable {
    /// Side of the picture inside the output, as a fraction (1: fills it); the rest is `padValue`.
    public var shrink: Float = 1
    /// Where the shrunk picture sits in the free margin, fractions in [0, 1].
    public var padX: Float = 0.5, padY: Float = 0.5
    /// Keystone coefficients: a crop-unit sample (u, v) is divided by 1 + kx·u + ky·v.
    public var keystoneX: Float = 0, keystoneY: Float = 0
    /// Gaussian blur σ in output pixels (0: none).
    public var blur: Float = 0
    /// Per-channel gain and offset (RGB), applied after the blur.
    public var gain: [Float] = [1, 1, 1]
    public var offset: [Float] = [0, 0, 0]
    /// Standard deviation of additive Gaussian noise, and the seed its values come from.
    public var noise: Float = 0
    public var noiseSeed: UInt64 = 0

    /// The grey of the padding.
    public static let padValue: Float = 0.5

    public init() {}

    /// No diversity: the framing is the camera's alone.
    public static let none = FramingDiversity()

    public var isNeutral: Bool { self == .none }

    /// The ranges diversity is drawn from; every range 0 (the default) leaves it off and draws
    /// nothing from the generator, so framings without it are the ones earlier releases drew.
    public struct Ranges: Sendable, Equatable, Codable {
        /// Largest shrink: the picture's side is drawn from [1 − pad, 1].
        public var pad: Float = 0
        /// Largest keystone coefficient, either way.
        public var perspective: Float = 0
        /// Largest blur σ, output pixels.
        public var blur: Float = 0
        /// Largest gain deviation and offset, either way, per channel.
        public var colour: Float = 0
        /// Largest noise σ.
        public var noise: Float = 0

        public init(pad: Float = 0, perspective: Float = 0, blur: Float = 0, colour: Float = 0, noise: Float = 0) {
            self.pad = pad
            self.perspective = perspective
            self.blur = blur
            self.colour = colour
            self.noise = noise
        }

        public var isOff: Bool { self == Ranges() }

        /// Mild settings of every kind: the picture at 75–100 % on grey, keystone up to 0.15,
        /// blur up to σ 1 px, ±10 % gain and ±0.05 offset per channel, noise up to σ 0.03.
        public static let mild = Ranges(pad: 0.25, perspective: 0.15, blur: 1, colour: 0.1, noise: 0.03)

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            pad = try c.decodeIfPresent(Float.self, forKey: .pad) ?? 0
            perspective = try c.decodeIfPresent(Float.self, forKey: .perspective) ?? 0
            blur = try c.decodeIfPresent(Float.self, forKey: .blur) ?? 0
            colour = try c.decodeIfPresent(Float.self, forKey: .colour) ?? 0
            noise = try c.decodeIfPresent(Float.self, forKey: .noise) ?? 0
        }
    }

    /// Diversity drawn from `ranges`: one number per enabled kind (three for colour's gains and
    /// three for its offsets, two for the pad's place and the keystone), none for a kind that is off.
    public static func random(_ ranges: Ranges, using rng: inout some RandomNumberGenerator) -> FramingDiversity {
        func unit() -> Float { Float(rng.next() >> 40) / Float(1 << 24) }
        func symmetric(_ a: Float) -> Float { a * (2 * unit() - 1) }
        var d = FramingDiversity()
        if ranges.pad > 0 {
            d.shrink = 1 - ranges.pad * unit()
            d.padX = unit()
            d.padY = unit()
        }
        if ranges.perspective > 0 {
            d.keystoneX = symmetric(ranges.perspective)
            d.keystoneY = symmetric(ranges.perspective)
        }
        if ranges.blur > 0 { d.blur = ranges.blur * unit() }
        if ranges.colour > 0 {
            d.gain = (0..<3).map { _ in 1 + symmetric(ranges.colour) }
            d.offset = (0..<3).map { _ in symmetric(ranges.colour / 2) }
        }
        if ranges.noise > 0 {
            d.noise = ranges.noise * unit()
            d.noiseSeed = rng.next()
        }
        return d
    }

    // MARK: The parts after sampling: blur, colour, noise

    /// The normalised Gaussian taps of the blur (radius ⌈2σ⌉), or nil without blur.
    var blurKernel: [Float]? {
        guard blur > 0 else { return nil }
        let radius = max(1, Int((2 * blur).rounded(.up)))
        let spread = 2 * Double(blur) * Double(blur)
        let taps: [Float] = (-radius...radius).map { (k: Int) -> Float in Float(exp(-Double(k * k) / spread)) }
        let total: Float = taps.reduce(0, +)
        return taps.map { $0 / total }
    }

    /// Blurs a `size`² plane in place, separably, with edges clamped (the kernel's weights past
    /// an edge land on the edge pixel): B = Bᵧ · Bₓ.
    static func blur(_ plane: inout [Float], size: Int, kernel: [Float], transposed: Bool) {
        let radius = kernel.count / 2
        var out = [Float](repeating: 0, count: plane.count)
        // One pass along rows (dx = 1) or columns (dx = size): out[p] = Σ k[t] · in[clamp(p + t)].
        // Its transpose scatters instead: out[clamp(p + t)] += k[t] · in[p].
        func pass(stride: Int) {
            for i in 0..<size {
                for j in 0..<size {
                    let p = stride == 1 ? i * size + j : j * size + i
                    let along = j
                    for (n, w) in kernel.enumerated() {
                        let q = min(max(along + n - radius, 0), size - 1)
                        let source = stride == 1 ? i * size + q : q * size + i
                        if transposed { out[source] += w * plane[p] } else { out[p] += w * plane[source] }
                    }
                }
            }
            plane = out
            for k in out.indices { out[k] = 0 }
        }
        // B = By · Bx, so Bᵀ = Bxᵀ · Byᵀ: the transpose runs the passes in reverse order.
        if transposed { pass(stride: size); pass(stride: 1) } else { pass(stride: 1); pass(stride: size) }
    }

    /// Applies the blur, colour and noise to a sampled `size`² image (planar RGB).
    func finish(_ image: inout Image) {
        let size = image.width, plane = size * size
        if let kernel = blurKernel {
            for ch in 0..<3 {
                var p = Array(image.pixels[(ch * plane)..<((ch + 1) * plane)])
                Self.blur(&p, size: size, kernel: kernel, transposed: false)
                image.pixels.replaceSubrange((ch * plane)..<((ch + 1) * plane), with: p)
            }
        }
        if gain != [1, 1, 1] || offset != [0, 0, 0] {
            for ch in 0..<3 {
                for i in (ch * plane)..<((ch + 1) * plane) { image.pixels[i] = gain[ch] * image.pixels[i] + offset[ch] }
            }
        }
        if noise > 0 {
            var rng = SplitMix64(state: noiseSeed)
            var i = 0
            while i < image.pixels.count {
                // Box–Muller: two normals per pair of uniforms.
                let u1 = max(Float(rng.next() >> 40) / Float(1 << 24), 1e-7), u2 = Float(rng.next() >> 40) / Float(1 << 24)
                let r = (-2 * log(u1)).squareRoot() * noise
                image.pixels[i] += r * cos(2 * .pi * u2)
                if i + 1 < image.pixels.count { image.pixels[i + 1] += r * sin(2 * .pi * u2) }
                i += 2
            }
        }
    }

    /// The adjoint of `finish`'s linear part on a gradient of the finished image: noise and
    /// offsets have none, gains scale, the blur's transpose spreads.
    func finishAdjoint(_ gradient: Image) -> Image {
        var g = gradient
        let size = g.width, plane = size * size
        if gain != [1, 1, 1] {
            for ch in 0..<3 {
                for i in (ch * plane)..<((ch + 1) * plane) { g.pixels[i] *= gain[ch] }
            }
        }
        if let kernel = blurKernel {
            for ch in 0..<3 {
                var p = Array(g.pixels[(ch * plane)..<((ch + 1) * plane)])
                Self.blur(&p, size: size, kernel: kernel, transposed: true)
                g.pixels.replaceSubrange((ch * plane)..<((ch + 1) * plane), with: p)
            }
        }
        return g
    }
}
