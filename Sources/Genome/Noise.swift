/// Deterministic 2-D gradient noise (Perlin-style, hash-based), written to vectorise.
///
/// Lattice points are integer (x, y); each gets a pseudo-random gradient from an integer hash
/// of its coordinates (fixed seed, so every process and platform renders the same noise).
/// Values blend with the quintic fade 6t⁵ − 15t⁴ + 10t³, so noise is C² smooth, zero on the
/// lattice and about [-1, 1] in range. No tables, no branches: only integer multiplies, shifts,
/// conversions and selects.
public enum Noise {
    /// Coordinates are clamped to ±2²⁰ before the lattice split so the Int32 math is exact.
    @usableFromInline static let coordinateLimit: Float = 1_048_576

    /// Lattice hash multipliers: a point's key is `ix·hashX + iy·hashY` (wrapping), so the four
    /// corners of a cell need only additions.
    @usableFromInline static let hashX: UInt32 = 0x8DA6_B343
    @usableFromInline static let hashY: UInt32 = 0xD816_3841

    /// Scrambles a lattice key: xor-shift, one multiply, xor-shift (enough to pick a gradient).
    @inlinable @inline(__always)
    static func scramble(_ key: UInt32) -> UInt32 {
        var h = key ^ (key >> 16)
        h = h &* 0x045D_9F3B
        return h ^ (h >> 16)
    }

    /// Dot product of the lattice point's gradient with the offset (dx, dy).
    @inlinable @inline(__always)
    static func gradient(_ h: UInt32, _ dx: Float, _ dy: Float) -> Float {
        let gx = Float(Int32(bitPattern: h & 0xFFFF)) * (1.0 / 32768) - 1
        let gy = Float(Int32(bitPattern: h >> 16)) * (1.0 / 32768) - 1
        return gx * dx + gy * dy
    }

    /// Quintic fade 6t⁵ − 15t⁴ + 10t³ for t ∈ [0, 1].
    @inlinable @inline(__always)
    static func fade(_ t: Float) -> Float {
        t * t * t * (t * (t * 6 - 15) + 10)
    }

    /// Gradient noise at (x, y), about [-1, 1]; 0 at integer points; period-free.
    @inlinable @inline(__always)
    public static func gradient2D(_ x: Float, _ y: Float) -> Float {
        let xc = Swift.min(Swift.max(x, -coordinateLimit), coordinateLimit)
        let yc = Swift.min(Swift.max(y, -coordinateLimit), coordinateLimit)
        let x0 = FastMath.floor(xc), y0 = FastMath.floor(yc)
        let fx = xc - x0, fy = yc - y0
        let ix = Int32(x0), iy = Int32(y0)
        let k00 = UInt32(bitPattern: ix) &* hashX &+ UInt32(bitPattern: iy) &* hashY
        let n00 = gradient(scramble(k00), fx, fy)
        let n10 = gradient(scramble(k00 &+ hashX), fx - 1, fy)
        let n01 = gradient(scramble(k00 &+ hashY), fx, fy - 1)
        let n11 = gradient(scramble(k00 &+ hashX &+ hashY), fx - 1, fy - 1)
        let u = fade(fx), v = fade(fy)
        let a = n00 + u * (n10 - n00)
        let b = n01 + u * (n11 - n01)
        // The random gradients have mean length ≈ 0.77, so raw values stay within about ±0.6.
        return 1.6 * (a + v * (b - a))
    }

    /// Fractional Brownian motion: four octaves of `gradient2D` (frequency ×2, amplitude ×½)
    /// divided by the amplitude sum: about [-0.75, 0.75], smoother than one octave. Octaves are
    /// offset so they do not all vanish at the origin.
    @inlinable @inline(__always)
    public static func fbm(_ x: Float, _ y: Float) -> Float {
        var s = gradient2D(x, y)
        s += 0.5 * gradient2D(2 * x + 17.31, 2 * y - 9.17)
        s += 0.25 * gradient2D(4 * x - 41.7, 4 * y + 23.9)
        s += 0.125 * gradient2D(8 * x + 5.53, 8 * y + 61.1)
        return s * (1 / 1.875)
    }
}
