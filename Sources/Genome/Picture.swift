/// A picture a formula can sample with `photo`: square, 8-bit RGB, at most `maxSide` pixels a
/// side, named in genome text by a 24-bit content key (`photo@1a2b3c`).
///
/// Coordinates span the picture as they span a render: sample column j sits at
/// u = (2j + 1)/side − 1, so `(photo x y)` rendered at `side`² gives the picture back exactly.
/// Between sample centres the value is bilinear; beyond the outer centres it is the edge's
/// (edge-clamped, slope 0). Values are 2·byte/255 − 1, so the render's squash returns the byte.
public struct Picture: Sendable, Hashable {
    /// Largest side: renders are 224² to 448², so a larger picture would only cost memory.
    public static let maxSide = 512

    /// Pixels a side.
    public let side: Int
    /// Planar RGB bytes: side² red samples row by row from the top, then green, then blue.
    public let bytes: [UInt8]
    /// The 24-bit content key that genome text names the picture by.
    public let key: UInt32
    /// `bytes` in the value domain (2·b/255 − 1), for sampling.
    @usableFromInline let values: [Float]

    /// A picture from planar RGB bytes (`3·side²` of them).
    public init(side: Int, bytes: [UInt8]) throws {
        guard (1...Picture.maxSide).contains(side), bytes.count == 3 * side * side else {
            throw GenomeError.invalidPicture(side: side, byteCount: bytes.count)
        }
        self.side = side
        self.bytes = bytes
        self.key = Picture.key(side: side, bytes: bytes)
        self.values = bytes.map { Float($0) * (2 / 255) - 1 }
    }

    /// The key as genome text writes it: six lowercase hex digits.
    public var keyText: String { Picture.text(ofKey: key) }

    /// Six lowercase hex digits of a 24-bit key.
    public static func text(ofKey key: UInt32) -> String {
        let hex = String(key, radix: 16)
        return String(repeating: "0", count: Swift.max(0, 6 - hex.count)) + hex
    }

    /// FNV-1a over the side and the bytes, folded to 24 bits (a Float holds it exactly).
    static func key(side: Int, bytes: [UInt8]) -> UInt32 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for shift in stride(from: 0, to: 32, by: 8) {
            h = (h ^ UInt64(UInt8(truncatingIfNeeded: side >> shift))) &* 0x0000_0100_0000_01B3
        }
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return UInt32(truncatingIfNeeded: (h ^ (h >> 24) ^ (h >> 48)) & 0xFF_FFFF)
    }

    public static func == (a: Picture, b: Picture) -> Bool { a.key == b.key && a.side == b.side && a.bytes == b.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    /// Where coordinate `u` falls between sample centres: the lower index, the upper one and
    /// the weight of the upper; `inside` is false where the coordinate is clamped to an edge.
    @inlinable func cell(_ u: Float) -> (lower: Int, upper: Int, weight: Float, inside: Bool) {
        let s = Float(side)
        let f = (u + 1) * (s * 0.5) - 0.5
        guard f > 0 else { return (0, 0, 0, false) }
        guard f < s - 1 else { return (side - 1, side - 1, 0, false) }
        let i = Int(f)
        return (i, i + 1, f - Float(i), true)
    }

    /// Channel `channel`'s value at (u, v), bilinear between sample centres, edge-clamped.
    @inlinable public func sample(channel: Int, _ u: Float, _ v: Float) -> Float {
        values.withUnsafeBufferPointer { sample($0.baseAddress! + channel * side * side, u, v) }
    }

    /// `sample` on one value plane.
    @inlinable func sample(_ plane: UnsafePointer<Float>, _ u: Float, _ v: Float) -> Float {
        let x = cell(u), y = cell(v)
        let top = plane + y.lower * side, bottom = plane + y.upper * side
        let a = top[x.lower] + (top[x.upper] - top[x.lower]) * x.weight
        let b = bottom[x.lower] + (bottom[x.upper] - bottom[x.lower]) * x.weight
        return a + (b - a) * y.weight
    }

    /// (∂/∂u, ∂/∂v) of `sample(channel:u:v:)`: the bilinear slopes, 0 along a clamped axis.
    @inlinable public func slope(channel: Int, _ u: Float, _ v: Float) -> (Float, Float) {
        values.withUnsafeBufferPointer { slope($0.baseAddress! + channel * side * side, u, v) }
    }

    /// `slope` on one value plane.
    @inlinable func slope(_ plane: UnsafePointer<Float>, _ u: Float, _ v: Float) -> (Float, Float) {
        let x = cell(u), y = cell(v)
        let top = plane + y.lower * side, bottom = plane + y.upper * side
        let scale = Float(side) * 0.5
        let dTop = top[x.upper] - top[x.lower], dBottom = bottom[x.upper] - bottom[x.lower]
        let du = x.inside ? (dTop + (dBottom - dTop) * y.weight) * scale : 0
        let a = top[x.lower] + dTop * x.weight, b = bottom[x.lower] + dBottom * x.weight
        let dv = y.inside ? (b - a) * scale : 0
        return (du, dv)
    }

}

/// The pictures a genome's `photo` nodes name, by key (usually none, or the one its run stores).
public struct Pictures: Sendable, Hashable {
    /// Every picture, ordered by key, keys unique.
    public private(set) var all: [Picture] = []

    /// No pictures.
    public static let none = Pictures()

    public init() {}

    /// The given pictures (a repeated key keeps the first).
    public init(_ pictures: [Picture]) {
        for p in pictures where self[p.key] == nil { all.append(p) }
        all.sort { $0.key < $1.key }
    }

    public var isEmpty: Bool { all.isEmpty }

    /// The picture with `key`, if present.
    public subscript(key: UInt32) -> Picture? { all.first { $0.key == key } }

    /// The pictures of all of `genomes`.
    public static func of(_ genomes: some Sequence<Genome>) -> Pictures {
        genomes.reduce(Pictures.none) { $0.union($1.pictures) }
    }

    /// These pictures and `other`'s.
    public func union(_ other: Pictures) -> Pictures {
        if other.isEmpty || other == self { return self }
        if isEmpty { return other }
        return Pictures(all + other.all)
    }
}
