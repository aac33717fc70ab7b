/// Platform-independent draws used by the genetic operators (the standard library's
/// `random(in:)` algorithms are not promised to stay fixed across toolchains).
extension RandomNumberGenerator {
    /// Uniform integer in 0..<n (n ≥ 1), by Lemire's multiply-shift with rejection.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below: n must be positive")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Uniform Float in [0, 1) with 24 random bits.
    mutating func unit() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216)
    }

    /// True with probability p.
    mutating func chance(_ p: Float) -> Bool { unit() < p }

    /// Standard normal draw (Box–Muller, one value per call).
    mutating func gaussian() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53 + 0x1p-54      // (0, 1)
        let u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * Double(FastMath.log(Float(u1)))).squareRoot()
        return Float(radius) * FastMath.cos(Float(6.283_185_307_179_586 * u2))
    }
}
