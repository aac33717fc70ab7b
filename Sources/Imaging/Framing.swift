import Foundation

/// How a camera might frame a square picture: a square crop (side `scale` × the source side,
/// centred at (`centerX`, `centerY`) in fractions of the source), turned by `degrees` about its
/// centre and optionally mirrored left–right, seen at some output size.
///
/// Used to score an image as the mean over random framings (expectation over transformations),
/// so that what is bred holds up when the picture is cropped, shifted, turned, mirrored or
/// shown at another resolution. `FramingSampler` applies one, and its adjoint.
public struct Framing: Sendable, Equatable, Codable {
    /// Crop side over source side, in (0, 1].
    public var scale: Float
    /// Crop centre, fractions of the source width and height.
    public var centerX: Float, centerY: Float
    /// Rotation of the crop, degrees (counter-clockwise).
    public var degrees: Float
    /// Mirrored left–right.
    public var mirrored: Bool
    /// Shrink onto grey, keystone, blur, colour and noise (`FramingDiversity`; none by default).
    public var diversity: FramingDiversity

    public init(scale: Float = 1, centerX: Float = 0.5, centerY: Float = 0.5, degrees: Float = 0, mirrored: Bool = false,
                diversity: FramingDiversity = .none) {
        self.scale = scale
        self.centerX = centerX
        self.centerY = centerY
        self.degrees = degrees
        self.mirrored = mirrored
        self.diversity = diversity
    }

    /// The whole picture, as is.
    public static let identity = Framing()

    /// The ranges random framings are drawn from.
    public struct Ranges: Sendable, Equatable, Codable {
        /// Crop side over source side.
        public var scale: ClosedRange<Float>
        /// Largest rotation, degrees either way.
        public var degrees: Float
        /// Probability of a mirror image.
        public var mirror: Float
        /// What input diversity beyond the camera is drawn (none by default).
        public var diversity: FramingDiversity.Ranges

        public init(scale: ClosedRange<Float>, degrees: Float, mirror: Float, diversity: FramingDiversity.Ranges = .init()) {
            self.scale = scale
            self.degrees = degrees
            self.mirror = mirror
            self.diversity = diversity
        }

        enum CodingKeys: String, CodingKey { case scale, degrees, mirror, diversity }

        /// Ranges stored before diversity existed have none.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            scale = try c.decode(ClosedRange<Float>.self, forKey: .scale)
            degrees = try c.decode(Float.self, forKey: .degrees)
            mirror = try c.decode(Float.self, forKey: .mirror)
            diversity = try c.decodeIfPresent(FramingDiversity.Ranges.self, forKey: .diversity) ?? .init()
        }

        /// Diversity is written only when some is on, so plans without it keep their bytes.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(scale, forKey: .scale)
            try c.encode(degrees, forKey: .degrees)
            try c.encode(mirror, forKey: .mirror)
            if !diversity.isOff { try c.encode(diversity, forKey: .diversity) }
        }

        /// Crops of 70–100 % of the side anywhere inside the picture, turns up to ±10°, mirror
        /// half the time: the framings a person would call the same picture.
        public static let standard = Ranges(scale: 0.7...1, degrees: 10, mirror: 0.5)
    }

    /// A random framing: a crop side from `ranges.scale`, a centre where the crop fits inside
    /// the picture, a rotation and a mirror, then any diversity `ranges` turn on. Draws exactly
    /// five numbers from `rng` when they turn none on.
    public static func random(_ ranges: Ranges = .standard, using rng: inout some RandomNumberGenerator) -> Framing {
        func unit() -> Float { Float(rng.next() >> 40) / Float(1 << 24) }
        let scale = ranges.scale.lowerBound + (ranges.scale.upperBound - ranges.scale.lowerBound) * unit()
        let slack = 1 - scale
        let cx = 0.5 + slack * (unit() - 0.5), cy = 0.5 + slack * (unit() - 0.5)
        let degrees = ranges.degrees * (2 * unit() - 1)
        let mirrored = unit() < ranges.mirror
        let diversity = ranges.diversity.isOff ? .none : FramingDiversity.random(ranges.diversity, using: &rng)
        return Framing(scale: scale, centerX: cx, centerY: cy, degrees: degrees, mirrored: mirrored, diversity: diversity)
    }
}

/// One framing of a `sourceSize`² picture as an `outputSize`² image: a sparse linear map,
/// output = A · source, per channel. Each output pixel averages `k`² bilinear samples spread
/// over its footprint (k = ⌈source pixels per output pixel⌉), so shrinking does not alias;
/// samples past the edge take the edge's value.
public struct FramingSampler: Sendable {
    public let framing: Framing
    public let sourceSize: Int, outputSize: Int
    /// Taps per output pixel (4 per bilinear sample).
    let taps: Int
    /// Per output pixel, `taps` source indices (within one plane) and weights.
    let indices: [Int32]
    let weights: [Float]
    /// Per output pixel, the share of its samples that fell on the padding (empty: none did).
    let padShare: [Float]

    public init(_ framing: Framing, sourceSize s: Int, outputSize r: Int) {
        precondition(s > 0 && r > 0, "framing sizes must be positive")
        self.framing = framing
        sourceSize = s
        outputSize = r
        let footprint = framing.scale * Float(s) / Float(r)
        let k = max(1, Int(footprint.rounded(.up)))
        taps = 4 * k * k
        var indices = [Int32](repeating: 0, count: r * r * taps)
        var weights = [Float](repeating: 0, count: r * r * taps)
        let radians = framing.degrees * .pi / 180
        let c = cos(radians), sn = sin(radians)
        let w = 1 / Float(k * k)
        let last = Float(s - 1)
        let d = framing.diversity
        let shrunk = d.shrink < 1, keystone = d.keystoneX != 0 || d.keystoneY != 0
        var padShare = [Float](repeating: 0, count: shrunk ? r * r : 0)
        let originX = d.padX * (1 - d.shrink), originY = d.padY * (1 - d.shrink)
        for i in 0..<r {
            for j in 0..<r {
                var t = (i * r + j) * taps
                for a in 0..<k {
                    for b in 0..<k {
                        // Sample position in crop units [−½, ½], mirrored, turned.
                        var u = (Float(j) + (Float(b) + 0.5) / Float(k)) / Float(r) - 0.5
                        var v = (Float(i) + (Float(a) + 0.5) / Float(k)) / Float(r) - 0.5
                        if shrunk {
                            // Output position → position within the shrunk picture; outside it, grey.
                            u = (u + 0.5 - originX) / d.shrink - 0.5
                            v = (v + 0.5 - originY) / d.shrink - 0.5
                            if abs(u) > 0.5 || abs(v) > 0.5 {
                                padShare[i * r + j] += w
                                t += 4  // the four taps keep weight 0
                                continue
                            }
                        }
                        if keystone {
                            let depth = 1 + d.keystoneX * u + d.keystoneY * v
                            u /= depth
                            v /= depth
                        }
                        if framing.mirrored { u = -u }
                        let ru = c * u - sn * v, rv = sn * u + c * v
                        let x = min(max((framing.centerX + framing.scale * ru) * Float(s) - 0.5, 0), last)
                        let y = min(max((framing.centerY + framing.scale * rv) * Float(s) - 0.5, 0), last)
                        let x0 = min(Int(x), s - 1), y0 = min(Int(y), s - 1)
                        let x1 = min(x0 + 1, s - 1), y1 = min(y0 + 1, s - 1)
                        let fx = x - Float(x0), fy = y - Float(y0)
                        indices[t] = Int32(y0 * s + x0); weights[t] = (1 - fx) * (1 - fy) * w
                        indices[t + 1] = Int32(y0 * s + x1); weights[t + 1] = fx * (1 - fy) * w
                        indices[t + 2] = Int32(y1 * s + x0); weights[t + 2] = (1 - fx) * fy * w
                        indices[t + 3] = Int32(y1 * s + x1); weights[t + 3] = fx * fy * w
                        t += 4
                    }
                }
            }
        }
        self.indices = indices
        self.weights = weights
        self.padShare = padShare
    }

    /// The framed image (`outputSize`²) of `source` (`sourceSize`²).
    public func apply(_ source: Image) -> Image {
        precondition(source.width == sourceSize && source.height == sourceSize, "source is not \(sourceSize)²")
        var out = Image(width: outputSize, height: outputSize)
        let plane = sourceSize * sourceSize, outPlane = outputSize * outputSize, taps = self.taps
        source.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                indices.withUnsafeBufferPointer { idx in
                    weights.withUnsafeBufferPointer { wt in
                        for ch in 0..<3 {
                            let base = ch * plane
                            for p in 0..<outPlane {
                                var sum: Float = 0
                                for t in (p * taps)..<((p + 1) * taps) { sum += wt[t] * src[base + Int(idx[t])] }
                                dst[ch * outPlane + p] = sum
                            }
                        }
                    }
                }
            }
        }
        if !padShare.isEmpty {
            for ch in 0..<3 {
                for p in 0..<outPlane { out.pixels[ch * outPlane + p] += padShare[p] * FramingDiversity.padValue }
            }
        }
        if !framing.diversity.isNeutral { framing.diversity.finish(&out) }
        return out
    }

    /// The adjoint of `apply`'s linear part: adds Aᵀ · `outputGradient` into `gradient`
    /// (`3 × sourceSize²`); the padding's grey, colour offsets and noise have no gradient.
    public func accumulateAdjoint(_ outputGradient: Image, into gradient: inout [Float]) {
        precondition(outputGradient.width == outputSize && outputGradient.height == outputSize, "gradient is not \(outputSize)²")
        let outputGradient = framing.diversity.isNeutral ? outputGradient : framing.diversity.finishAdjoint(outputGradient)
        precondition(gradient.count == 3 * sourceSize * sourceSize, "gradient buffer is not 3 × \(sourceSize)²")
        let plane = sourceSize * sourceSize, outPlane = outputSize * outputSize, taps = self.taps
        outputGradient.pixels.withUnsafeBufferPointer { g in
            gradient.withUnsafeMutableBufferPointer { dst in
                indices.withUnsafeBufferPointer { idx in
                    weights.withUnsafeBufferPointer { wt in
                        for ch in 0..<3 {
                            let base = ch * plane
                            for p in 0..<outPlane {
                                let v = g[ch * outPlane + p]
                                for t in (p * taps)..<((p + 1) * taps) { dst[base + Int(idx[t])] += wt[t] * v }
                            }
                        }
                    }
                }
            }
        }
    }
}
