/// Per-element meaning of every primitive: the one definition the renderer's kernels, the
/// reference evaluator and constant folding all call.
///
/// Each function maps finite `Float`s in [-bound, bound] to a finite `Float` in
/// [-bound, bound]; growing operations clamp. Channel-wise operators apply the function to each
/// channel; `mean3` reduces a triple for the "mean" arguments of `rgb`/`hsv`/`gray`.
public enum Semantics {
    /// Largest magnitude any value (and any constant) may have.
    public static let bound: Float = 1_000_000
    /// Smallest divisor magnitude used by `/` and `mod`.
    public static let minDivisor: Float = 1e-3

    /// Clamps v to [-bound, bound].
    @inlinable @inline(__always) public static func clamp(_ v: Float) -> Float {
        Swift.min(Swift.max(v, -bound), bound)
    }

    // MARK: Coordinates

    /// Coordinate of sample `index` of `count` samples across [-1, 1] (sample centres).
    @inlinable @inline(__always) public static func axis(_ index: Int, _ count: Int) -> Float {
        // Int32 conversions vectorise (the sizes the renderer accepts stay far below 2²⁴).
        Float(Int32(truncatingIfNeeded: 2 * index + 1)) / Float(Int32(truncatingIfNeeded: count)) - 1
    }
    /// Radius √(x² + y²).
    @inlinable @inline(__always) public static func radius(_ x: Float, _ y: Float) -> Float {
        clamp((x * x + y * y).squareRoot())
    }
    /// Angle atan2(y, x) / π in (-1, 1].
    @inlinable @inline(__always) public static func angle(_ x: Float, _ y: Float) -> Float {
        FastMath.atan2(y, x) * 0.318_309_886_183_790_67
    }

    // MARK: Unary

    /// `sin`: sine of a (radians).
    @inlinable @inline(__always) public static func sin(_ a: Float) -> Float { FastMath.sin(a) }
    /// `cos`: cosine of a (radians).
    @inlinable @inline(__always) public static func cos(_ a: Float) -> Float { FastMath.cos(a) }
    /// `tanh`: hyperbolic tangent.
    @inlinable @inline(__always) public static func tanh(_ a: Float) -> Float { FastMath.tanh(a) }
    /// `abs`: |a|.
    @inlinable @inline(__always) public static func abs(_ a: Float) -> Float { a.magnitude }
    /// `sqrt`: √|a|.
    @inlinable @inline(__always) public static func sqrt(_ a: Float) -> Float { a.magnitude.squareRoot() }
    /// `log`: ln max(|a|, 10⁻⁶).
    @inlinable @inline(__always) public static func log(_ a: Float) -> Float {
        FastMath.log(Swift.max(a.magnitude, 1e-6))
    }
    /// `gauss`: exp(-a²).
    @inlinable @inline(__always) public static func gauss(_ a: Float) -> Float {
        FastMath.exp(-Swift.min(a * a, 87))
    }
    /// `floor`: largest integer ≤ a.
    @inlinable @inline(__always) public static func floor(_ a: Float) -> Float { FastMath.floor(a) }
    /// `fract`: a − floor(a).
    @inlinable @inline(__always) public static func fract(_ a: Float) -> Float { a - FastMath.floor(a) }

    /// Mean of three channels, exact when they are equal (so a broadcast scalar stays itself).
    @inlinable @inline(__always) public static func mean3(_ a: Float, _ b: Float, _ c: Float) -> Float {
        a + ((b - a) + (c - a)) * (1.0 / 3.0)
    }

    // MARK: Binary

    /// `+`: a + b, clamped.
    @inlinable @inline(__always) public static func add(_ a: Float, _ b: Float) -> Float { clamp(a + b) }
    /// `-`: a − b, clamped.
    @inlinable @inline(__always) public static func sub(_ a: Float, _ b: Float) -> Float { clamp(a - b) }
    /// `*`: a · b, clamped.
    @inlinable @inline(__always) public static func mul(_ a: Float, _ b: Float) -> Float { clamp(a * b) }
    /// b pushed away from zero to magnitude ≥ `minDivisor`, keeping its sign (+ for 0).
    @inlinable @inline(__always) static func protectDivisor(_ b: Float) -> Float {
        b < 0 ? Swift.min(b, -minDivisor) : Swift.max(b, minDivisor)
    }
    /// `/`: a / b with |b| ≥ 10⁻³, clamped.
    @inlinable @inline(__always) public static func div(_ a: Float, _ b: Float) -> Float {
        clamp(a / protectDivisor(b))
    }
    /// `min`: the smaller of a and b.
    @inlinable @inline(__always) public static func min(_ a: Float, _ b: Float) -> Float { Swift.min(a, b) }
    /// `max`: the larger of a and b.
    @inlinable @inline(__always) public static func max(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
    /// `mod`: a − b·floor(a/b) with |b| ≥ 10⁻³.
    @inlinable @inline(__always) public static func mod(_ a: Float, _ b: Float) -> Float {
        let d = protectDivisor(b)
        return clamp(a - d * FastMath.floor(a / d))
    }
    /// `pow`: |a|^b, at most 10⁶.
    @inlinable @inline(__always) public static func pow(_ a: Float, _ b: Float) -> Float {
        let l = FastMath.log(Swift.max(a.magnitude, 1e-6))
        return FastMath.exp(Swift.min(b * l, 13.815_51))
    }
    /// `hypot`: √(a² + b²), clamped.
    @inlinable @inline(__always) public static func hypot(_ a: Float, _ b: Float) -> Float {
        clamp((a * a + b * b).squareRoot())
    }
    /// `noise`: gradient noise at (a, b).
    @inlinable @inline(__always) public static func noise(_ a: Float, _ b: Float) -> Float {
        Noise.gradient2D(a, b)
    }
    /// `fbm`: four octaves of gradient noise at (a, b).
    @inlinable @inline(__always) public static func fbm(_ a: Float, _ b: Float) -> Float { Noise.fbm(a, b) }

    // MARK: Ternary

    /// `mix`: a + (b − a)·clamp(0.5 + 0.5·c, 0, 1).
    @inlinable @inline(__always) public static func mix(_ a: Float, _ b: Float, _ c: Float) -> Float {
        let w = Swift.min(Swift.max(0.5 + 0.5 * c, 0), 1)
        return a + (b - a) * w
    }
    /// `if`: b where a > 0, else c.
    @inlinable @inline(__always) public static func ifPositive(_ a: Float, _ b: Float, _ c: Float) -> Float {
        a > 0 ? b : c
    }
    /// One channel of `hsv`: `n` is 5 (red), 3 (green) or 1 (blue); arguments are channel means.
    @inlinable @inline(__always)
    public static func hsvChannel(_ h: Float, _ s: Float, _ v: Float, _ n: Float) -> Float {
        let sat = Swift.min(Swift.max(0.5 + 0.5 * s, 0), 1)
        let val = Swift.min(Swift.max(0.5 + 0.5 * v, 0), 1)
        let u = n * (1.0 / 6.0) + 0.5 * h
        let k = 6 * (u - FastMath.floor(u))
        let ramp = Swift.min(Swift.max(Swift.min(k, 4 - k), 0), 1)
        return 2 * (val - val * sat * ramp) - 1
    }

    // MARK: Warps (new coordinates from the current ones and the warp's parameter)

    /// `warp`: (x + dx, y + dy).
    @inlinable @inline(__always)
    public static func translate(_ x: Float, _ y: Float, _ dx: Float, _ dy: Float) -> (Float, Float) {
        (add(x, dx), add(y, dy))
    }
    /// Rotation of (x, y) by `theta` radians.
    @inlinable @inline(__always)
    public static func rotation(_ x: Float, _ y: Float, _ theta: Float) -> (Float, Float) {
        let (s, c) = FastMath.sincos(theta)
        return (clamp(x * c - y * s), clamp(x * s + y * c))
    }
    /// `swirl`: rotation by π·k / (1 + x² + y²).
    @inlinable @inline(__always)
    public static func swirl(_ x: Float, _ y: Float, _ k: Float) -> (Float, Float) {
        rotation(x, y, 3.141_592_653_589_793 * k / (1 + x * x + y * y))
    }
    /// `rotate`: rotation by π·a.
    @inlinable @inline(__always)
    public static func rotate(_ x: Float, _ y: Float, _ a: Float) -> (Float, Float) {
        rotation(x, y, clamp(3.141_592_653_589_793 * a))
    }
    /// `polar`: (t, 2r − 1).
    @inlinable @inline(__always)
    public static func polar(_ x: Float, _ y: Float) -> (Float, Float) {
        (angle(x, y), clamp(2 * radius(x, y) - 1))
    }
    /// `scale`: (x·s, y·s).
    @inlinable @inline(__always)
    public static func scale(_ x: Float, _ y: Float, _ s: Float) -> (Float, Float) {
        (mul(x, s), mul(y, s))
    }
    /// One coordinate of `tile`: a triangle wave that maps [-1, 1] onto itself `k` times.
    @inlinable @inline(__always) public static func tileAxis(_ a: Float, _ k: Float) -> Float {
        let u = 0.25 * clamp(a * k) + 0.25
        return 1 - 2 * (2 * (u - FastMath.floor(u)) - 1).magnitude
    }
    /// `tile`: both coordinates folded by `tileAxis`.
    @inlinable @inline(__always)
    public static func tile(_ x: Float, _ y: Float, _ k: Float) -> (Float, Float) {
        (tileAxis(x, k), tileAxis(y, k))
    }
    /// `kaleido`: the angle folded into `n` mirrored segments (n taken as |n|, at least 1).
    @inlinable @inline(__always)
    public static func kaleido(_ x: Float, _ y: Float, _ n: Float) -> (Float, Float) {
        let segments = Swift.max(n.magnitude, 1)
        let width = 6.283_185_307_179_586 / segments
        let theta = FastMath.atan2(y, x) + 3.141_592_653_589_793      // [0, 2π]
        let q = theta / width
        let folded = ((q - FastMath.floor(q)) * width - 0.5 * width).magnitude
        let rad = radius(x, y)
        let (s, c) = FastMath.sincos(folded)
        return (clamp(rad * c), clamp(rad * s))
    }

    // MARK: Output

    /// Final colour of a channel value: clamp(0.5 + 0.5·v, 0, 1).
    @inlinable @inline(__always) public static func squash(_ v: Float) -> Float {
        Swift.min(Swift.max(0.5 + 0.5 * v, 0), 1)
    }
}
