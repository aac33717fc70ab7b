import Genome

/// Partial derivatives of every primitive's `Semantics` function, per element.
///
/// Subgradients at kinks and steps: 0 for `floor`-like steps (and the step parts of `fract`,
/// `mod`, `tile`, `kaleido`), sign(a) for `abs` (0 at 0), the chosen branch for `min`, `max`,
/// `if` and clamps (a clamped side gets 0). Protected operations differentiate the protected
/// expression (a divisor pushed to ±10⁻³ is constant). `noise`/`fbm` use central differences
/// of the noise function itself (step `noiseStep`; the noise is C², so the error is O(h²)).
enum GradientRules {
    /// Step of the central differences through `noise` and `fbm` (lattice units).
    static let noiseStep: Float = 1e-3
    static let pi: Float = 3.141_592_653_589_793
    /// `Noise` clamps its coordinates to ±2²⁰ (constant beyond).
    static let noiseLimit: Float = 1_048_576

    /// The divisor `/` and `mod` use: b pushed away from 0 to magnitude ≥ 10⁻³ (as `Semantics`).
    @inline(__always) static func protectDivisor(_ b: Float) -> Float {
        b < 0 ? Swift.min(b, -Semantics.minDivisor) : Swift.max(b, Semantics.minDivisor)
    }

    /// Derivative of `Semantics.clamp` at the unclamped value v: 1 inside the bound, else 0.
    @inline(__always) static func clampSlope(_ v: Float) -> Float {
        v.magnitude <= Semantics.bound ? 1 : 0
    }

    /// Slope of clamp(0.5 + 0.5·c, 0, 1) with respect to c.
    @inline(__always) static func unitSquashSlope(_ c: Float) -> Float {
        let w = 0.5 + 0.5 * c
        return w > 0 && w < 1 ? 0.5 : 0
    }

    @inline(__always) static func sign(_ a: Float) -> Float { a > 0 ? 1 : (a < 0 ? -1 : 0) }

    // MARK: Unary (d out / d a)

    @inline(__always) static func sin(_ a: Float) -> Float { FastMath.cos(a) }
    @inline(__always) static func cos(_ a: Float) -> Float { -FastMath.sin(a) }
    @inline(__always) static func tanh(_ a: Float) -> Float {
        let t = FastMath.tanh(a)
        return a.magnitude < 9 ? 1 - t * t : 0
    }
    @inline(__always) static func abs(_ a: Float) -> Float { sign(a) }
    @inline(__always) static func sqrt(_ a: Float) -> Float {
        a == 0 ? 0 : sign(a) * 0.5 / a.magnitude.squareRoot()
    }
    @inline(__always) static func log(_ a: Float) -> Float {
        a.magnitude > 1e-6 ? 1 / a : 0
    }
    @inline(__always) static func gauss(_ a: Float) -> Float {
        a * a < 87 ? -2 * a * Semantics.gauss(a) : 0
    }
    @inline(__always) static func fract(_ a: Float) -> Float { 1 }

    // MARK: Binary ((d/da, d/db))

    @inline(__always) static func radius(_ x: Float, _ y: Float) -> (Float, Float) {
        let r = (x * x + y * y).squareRoot()
        return r > 0 && r <= Semantics.bound ? (x / r, y / r) : (0, 0)
    }
    @inline(__always) static func angle(_ x: Float, _ y: Float) -> (Float, Float) {
        let r2 = x * x + y * y
        guard r2 > 0 else { return (0, 0) }
        let k = 1 / (pi * r2)
        return (-y * k, x * k)
    }
    @inline(__always) static func add(_ a: Float, _ b: Float) -> (Float, Float) {
        let s = clampSlope(a + b)
        return (s, s)
    }
    @inline(__always) static func sub(_ a: Float, _ b: Float) -> (Float, Float) {
        let s = clampSlope(a - b)
        return (s, -s)
    }
    @inline(__always) static func mul(_ a: Float, _ b: Float) -> (Float, Float) {
        let s = clampSlope(a * b)
        return (s * b, s * a)
    }
    @inline(__always) static func div(_ a: Float, _ b: Float) -> (Float, Float) {
        let d = protectDivisor(b)
        let s = clampSlope(a / d)
        let db: Float = d == b ? -a / (d * d) : 0
        return (s / d, s * db)
    }
    /// `Swift.min(a, b)` returns a unless b < a.
    @inline(__always) static func min(_ a: Float, _ b: Float) -> (Float, Float) { b < a ? (0, 1) : (1, 0) }
    /// `Swift.max(a, b)` returns b when b ≥ a.
    @inline(__always) static func max(_ a: Float, _ b: Float) -> (Float, Float) { b >= a ? (0, 1) : (1, 0) }
    @inline(__always) static func mod(_ a: Float, _ b: Float) -> (Float, Float) {
        let d = protectDivisor(b)
        let q = FastMath.floor(a / d)
        let s = clampSlope(a - d * q)
        return (s, d == b ? -s * q : 0)
    }
    @inline(__always) static func pow(_ a: Float, _ b: Float) -> (Float, Float) {
        let l = FastMath.log(Swift.max(a.magnitude, 1e-6))
        let e = b * l
        guard e < 13.815_51, e > -87 else { return (0, 0) }
        let v = FastMath.exp(e)
        let da: Float = a.magnitude > 1e-6 ? v * b / a : 0
        return (da, v * l)
    }
    @inline(__always) static func hypot(_ a: Float, _ b: Float) -> (Float, Float) { radius(a, b) }

    /// Central differences of `f` in each argument (exact step sizes after rounding).
    @inline(__always) static func centralDifference(_ a: Float, _ b: Float,
                                                    _ f: (Float, Float) -> Float) -> (Float, Float) {
        let ap = a + noiseStep, am = a - noiseStep, bp = b + noiseStep, bm = b - noiseStep
        let da = (f(ap, b) - f(am, b)) / (ap - am)
        let db = (f(a, bp) - f(a, bm)) / (bp - bm)
        return (da, db)
    }
    @inline(__always) static func noise(_ a: Float, _ b: Float) -> (Float, Float) {
        a.magnitude < noiseLimit && b.magnitude < noiseLimit
            ? centralDifference(a, b, Noise.gradient2D) : (0, 0)
    }
    @inline(__always) static func fbm(_ a: Float, _ b: Float) -> (Float, Float) {
        a.magnitude < noiseLimit / 8 && b.magnitude < noiseLimit / 8
            ? centralDifference(a, b, Noise.fbm) : (0, 0)
    }

    // MARK: Ternary

    @inline(__always) static func mix(_ a: Float, _ b: Float, _ c: Float) -> (Float, Float, Float) {
        let w = Swift.min(Swift.max(0.5 + 0.5 * c, 0), 1)
        return (1 - w, w, (b - a) * unitSquashSlope(c))
    }
    @inline(__always) static func ifPositive(_ a: Float, _ b: Float, _ c: Float) -> (Float, Float, Float) {
        a > 0 ? (0, 1, 0) : (0, 0, 1)
    }
    /// Partials of `Semantics.hsvChannel(h, s, v, n)` with respect to (h, s, v).
    @inline(__always) static func hsvChannel(_ h: Float, _ s: Float, _ v: Float, _ n: Float) -> (Float, Float, Float) {
        let sat = Swift.min(Swift.max(0.5 + 0.5 * s, 0), 1)
        let val = Swift.min(Swift.max(0.5 + 0.5 * v, 0), 1)
        let u = n * (1.0 / 6.0) + 0.5 * h
        let k = 6 * (u - FastMath.floor(u))
        let m = Swift.min(k, 4 - k)
        let ramp = Swift.min(Swift.max(m, 0), 1)
        let dRampDk: Float = m > 0 && m < 1 ? (k < 4 - k ? 1 : -1) : 0
        let dh = -2 * val * sat * dRampDk * 3
        let ds = -2 * val * ramp * unitSquashSlope(s)
        let dv = 2 * (1 - sat * ramp) * unitSquashSlope(v)
        return (dh, ds, dv)
    }

    // MARK: Warps: adjoints (gx, gy, gp) of the inputs from the outputs' adjoints (gu, gv)

    /// Rotation of (x, y) by θ: adjoints of x, y and θ.
    @inline(__always) static func rotation(_ x: Float, _ y: Float, _ theta: Float,
                                           _ gu: Float, _ gv: Float) -> (Float, Float, Float) {
        let c = FastMath.cos(theta), s = FastMath.sin(theta)
        let u = x * c - y * s, v = x * s + y * c
        let su = clampSlope(u) * gu, sv = clampSlope(v) * gv
        return (c * su + s * sv, -s * su + c * sv, -v * su + u * sv)
    }
    @inline(__always) static func swirl(_ x: Float, _ y: Float, _ k: Float,
                                        _ gu: Float, _ gv: Float) -> (Float, Float, Float) {
        let q = 1 + x * x + y * y
        let (gx, gy, gt) = rotation(x, y, pi * k / q, gu, gv)
        let dq = -pi * k / (q * q) * gt
        return (gx + 2 * x * dq, gy + 2 * y * dq, pi / q * gt)
    }
    @inline(__always) static func rotate(_ x: Float, _ y: Float, _ a: Float,
                                         _ gu: Float, _ gv: Float) -> (Float, Float, Float) {
        let (gx, gy, gt) = rotation(x, y, Semantics.clamp(pi * a), gu, gv)
        return (gx, gy, clampSlope(pi * a) * pi * gt)
    }
    @inline(__always) static func polar(_ x: Float, _ y: Float, _ gu: Float, _ gv: Float) -> (Float, Float, Float) {
        let (ax, ay) = angle(x, y)
        let (rx, ry) = radius(x, y)
        let s = clampSlope(2 * Semantics.radius(x, y) - 1) * 2 * gv
        return (ax * gu + rx * s, ay * gu + ry * s, 0)
    }
    @inline(__always) static func scale(_ x: Float, _ y: Float, _ s: Float,
                                        _ gu: Float, _ gv: Float) -> (Float, Float, Float) {
        let (ux, us) = mul(x, s), (vy, vs) = mul(y, s)
        return (ux * gu, vy * gv, us * gu + vs * gv)
    }
    /// d tileAxis(a, k) / (da, dk).
    @inline(__always) static func tileAxis(_ a: Float, _ k: Float) -> (Float, Float) {
        let u = 0.25 * Semantics.clamp(a * k) + 0.25
        let inner = 2 * (u - FastMath.floor(u)) - 1
        let du = -4 * sign(inner) * 0.25 * clampSlope(a * k)
        return (du * k, du * a)
    }
    @inline(__always) static func tile(_ x: Float, _ y: Float, _ k: Float,
                                       _ gu: Float, _ gv: Float) -> (Float, Float, Float) {
        let (ux, uk) = tileAxis(x, k), (vy, vk) = tileAxis(y, k)
        return (ux * gu, vy * gv, uk * gu + vk * gv)
    }
    @inline(__always) static func kaleido(_ x: Float, _ y: Float, _ n: Float,
                                          _ gu: Float, _ gv: Float) -> (Float, Float, Float) {
        let segments = Swift.max(n.magnitude, 1)
        let width = 2 * pi / segments
        let theta = FastMath.atan2(y, x) + pi
        let q = theta / width
        let fq = FastMath.floor(q)
        let inner = (q - fq) * width - 0.5 * width
        let folded = inner.magnitude
        let rad = Semantics.radius(x, y)
        let c = FastMath.cos(folded), s = FastMath.sin(folded)
        let u = rad * c, v = rad * s
        let su = clampSlope(u) * gu, sv = clampSlope(v) * gv
        let gRad = c * su + s * sv
        let gFolded = -rad * s * su + rad * c * sv
        let gInner = sign(inner) * gFolded
        // inner = θ − ⌊q⌋·width − width/2 (the floor held fixed).
        let gTheta = gInner
        let gWidth = gInner * (-fq - 0.5)
        let gN: Float = n.magnitude > 1 ? gWidth * (-2 * pi / (segments * segments)) * sign(n) : 0
        let (rx, ry) = radius(x, y)
        let r2 = x * x + y * y
        let (tx, ty): (Float, Float) = r2 > 0 ? (-y / r2, x / r2) : (0, 0)
        return (rx * gRad + tx * gTheta, ry * gRad + ty * gTheta, gN)
    }
}
