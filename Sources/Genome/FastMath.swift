/// Branch-free `Float` elementary functions that the compiler can vectorise.
///
/// libm calls do not vectorise, so the renderer's per-element kernels (and the reference
/// evaluator, which must agree with them bit for bit) use these instead. Each is total on
/// finite input, accurate to a few 10⁻⁷ absolute on the ranges the primitives use, and built
/// only from `+ − × ÷`, `sqrt`, exact rounding, comparisons/selects and integer bit tricks.
public enum FastMath {
    /// Largest integer ≤ x (exact; `llvm.floor`, a single `vroundps` on x86-64-v3).
    @inlinable @inline(__always)
    public static func floor(_ x: Float) -> Float {
        x.rounded(.down)
    }

    /// Nearest integer to v (ties to even; exact).
    @inlinable @inline(__always)
    static func roundSmall(_ v: Float) -> Float {
        v.rounded(.toNearestOrEven)
    }

    /// Reduces x (clamped to ±2²⁰) to f ∈ [-π/2, π/2] with x = n·π + f; returns f and the
    /// sign bit (bit 31 set when n is odd) that (-1)ⁿ contributes.
    @inlinable @inline(__always)
    static func reduceHalfTurn(_ x: Float) -> (f: Float, sign: UInt32) {
        let xc = Swift.min(Swift.max(x, -1_048_576), 1_048_576)
        let n = roundSmall(xc * 0.318_309_886_183_790_67)
        // Cody–Waite: π split in three parts so n·part is (nearly) exact.
        var f = xc - n * 3.140_625
        f = f - n * 9.675_025_939_941_406_25e-4
        f = f - n * 1.509_957_990_978_376_432e-7
        return (f, UInt32(bitPattern: Int32(n)) << 31)
    }

    /// Sine of x (radians).
    @inlinable @inline(__always)
    public static func sin(_ x: Float) -> Float {
        let (f, sign) = reduceHalfTurn(x)
        let z = f * f
        // Taylor series to f¹¹ on [-π/2, π/2]: error < 6·10⁻⁸.
        var p: Float = -2.505_210_838_544_172e-8
        p = p * z + 2.755_731_922_398_589e-6
        p = p * z - 1.984_126_984_126_984e-4
        p = p * z + 8.333_333_333_333_333e-3
        p = p * z - 0.166_666_666_666_666_66
        let s = f + f * z * p
        return Float(bitPattern: s.bitPattern ^ sign)
    }

    /// Cosine of x (radians).
    @inlinable @inline(__always)
    public static func cos(_ x: Float) -> Float {
        let (f, sign) = reduceHalfTurn(x)
        let z = f * f
        // Taylor series to f¹² on [-π/2, π/2]: error < 10⁻⁸.
        var p: Float = 2.087_675_698_786_81e-9
        p = p * z - 2.755_731_922_398_589e-7
        p = p * z + 2.480_158_730_158_73e-5
        p = p * z - 1.388_888_888_888_889e-3
        p = p * z + 4.166_666_666_666_666_4e-2
        p = p * z - 0.5
        let c = 1 + z * p
        return Float(bitPattern: c.bitPattern ^ sign)
    }

    /// (sin x, cos x), sharing one range reduction (identical to `sin` and `cos` separately).
    @inlinable @inline(__always)
    public static func sincos(_ x: Float) -> (sin: Float, cos: Float) {
        let (f, sign) = reduceHalfTurn(x)
        let z = f * f
        var p: Float = -2.505_210_838_544_172e-8
        p = p * z + 2.755_731_922_398_589e-6
        p = p * z - 1.984_126_984_126_984e-4
        p = p * z + 8.333_333_333_333_333e-3
        p = p * z - 0.166_666_666_666_666_66
        let s = f + f * z * p
        var q: Float = 2.087_675_698_786_81e-9
        q = q * z - 2.755_731_922_398_589e-7
        q = q * z + 2.480_158_730_158_73e-5
        q = q * z - 1.388_888_888_888_889e-3
        q = q * z + 4.166_666_666_666_666_4e-2
        q = q * z - 0.5
        let c = 1 + z * q
        return (Float(bitPattern: s.bitPattern ^ sign), Float(bitPattern: c.bitPattern ^ sign))
    }

    /// e^x, with x clamped to [-87, 88] so the result is a finite normal number.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let xc = Swift.min(Swift.max(x, -87), 88)
        let n = roundSmall(xc * 1.442_695_040_888_963_4)
        var f = xc - n * 0.693_145_751_953_125
        f = f - n * 1.428_606_765_330_187_045e-6
        // Taylor series of e^f on |f| ≤ ln2/2 to f⁶: relative error < 2·10⁻⁷.
        var p: Float = 1.388_888_888_888_889e-3
        p = p * f + 8.333_333_333_333_333e-3
        p = p * f + 4.166_666_666_666_666_4e-2
        p = p * f + 0.166_666_666_666_666_66
        p = p * f + 0.5
        p = p * f + 1
        p = p * f + 1
        let scale = Float(bitPattern: UInt32(truncatingIfNeeded: Int32(n) + 127) << 23)
        return p * scale
    }

    /// Natural logarithm of x > 0 (x must be a positive normal number).
    @inlinable @inline(__always)
    public static func log(_ x: Float) -> Float {
        let bits = x.bitPattern
        var e = Float(Int32(truncatingIfNeeded: (bits >> 23) & 0xFF) - 127)
        var m = Float(bitPattern: (bits & 0x7F_FFFF) | 0x3F80_0000)   // [1, 2)
        let big = m > 1.414_213_562_373_095
        m = big ? m * 0.5 : m
        e = big ? e + 1 : e
        let s = (m - 1) / (m + 1)                                     // |s| ≤ 0.1716
        let z = s * s
        // 2·atanh(s) series to s⁹: error < 4·10⁻⁹.
        var p: Float = 0.111_111_111_111_111_11
        p = p * z + 0.142_857_142_857_142_85
        p = p * z + 0.2
        p = p * z + 0.333_333_333_333_333_3
        let lm = 2 * (s + s * z * p)
        return e * 0.693_147_180_559_945_3 + lm
    }

    /// Arctangent of z ∈ [0, 1]: z·P(z²), a least-squares-minimax fit of degree 15
    /// (error < 5·10⁻⁸, no division).
    @inlinable @inline(__always)
    static func atanUnit(_ z: Float) -> Float {
        let w = z * z
        var p: Float = -0.004_054_246_115_337_830_5
        p = p * w + 0.021_861_766_899_165_47
        p = p * w - 0.055_910_566_495_604_17
        p = p * w + 0.096_420_656_303_671_87
        p = p * w - 0.139_085_773_270_023_3
        p = p * w + 0.199_465_552_318_744_1
        p = p * w - 0.333_298_599_096_382_5
        p = p * w + 0.999_999_335_397_668_5
        return z * p
    }

    /// atan2(y, x) in (-π, π]; atan2(0, 0) = 0.
    @inlinable @inline(__always)
    public static func atan2(_ y: Float, _ x: Float) -> Float {
        let ax = x.magnitude, ay = y.magnitude
        let lo = Swift.min(ax, ay), hi = Swift.max(ax, ay)
        let z = lo / Swift.max(hi, Float.leastNormalMagnitude)
        var a = atanUnit(z)
        a = ay > ax ? 1.570_796_326_794_896_6 - a : a
        a = x < 0 ? 3.141_592_653_589_793 - a : a
        return y < 0 ? -a : a
    }

    /// Hyperbolic tangent of x.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let e = exp(-2 * Swift.min(x.magnitude, 9))
        let t = (1 - e) / (1 + e)
        return x < 0 ? -t : t
    }
}
