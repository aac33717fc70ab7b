/// The per-plane loops of Chambolle TV denoising (see `denoiseTVChambolle` for the maths).
///
/// Both passes run along rows in 8-wide SIMD with scalar edges; the dual field lives in two
/// contiguous H×W planes reused across channels.
struct ChambolleScratch {
    let width: Int
    let height: Int
    /// Dual field, vertical (axis 0) and horizontal (axis 1) components, H×W each.
    var py: [Float]
    var px: [Float]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        py = [Float](repeating: 0, count: width * height)
        px = [Float](repeating: 0, count: width * height)
    }

    /// Denoises one H×W plane `f` into `u` (both `width * height` samples).
    mutating func denoise(_ f: UnsafeBufferPointer<Float>, into u: UnsafeMutableBufferPointer<Float>,
                          weight: Float, eps: Float, maxIterations: Int) {
        let w = width, h = height
        py.withUnsafeMutableBufferPointer { py in
            px.withUnsafeMutableBufferPointer { px in
                guard let f = f.baseAddress, let u = u.baseAddress,
                      let py = py.baseAddress, let px = px.baseAddress else { return }
                py.update(repeating: 0, count: w * h)
                px.update(repeating: 0, count: w * h)
                var initial = 0.0, previous = 0.0
                for k in 0..<maxIterations {
                    let dSquared = ChambolleScratch.primal(f: f, u: u, py: py, px: px, width: w, height: h)
                    let gradientNorm = ChambolleScratch.dual(u: u, py: py, px: px, width: w, height: h,
                                                             tauOverWeight: 0.25 / weight)
                    let energy = (dSquared + Double(weight) * gradientNorm) / Double(w * h)
                    if k == 0 {
                        // A flat plane has no gradient: p stays 0 and u = f for ever.
                        if gradientNorm == 0 { return }
                        initial = energy
                        previous = energy
                    } else {
                        if abs(previous - energy) < Double(eps) * initial { return }
                        previous = energy
                    }
                }
            }
        }
    }

    /// `u = f − div p`; returns `Σ (u − f)²`.
    static func primal(f: UnsafePointer<Float>, u: UnsafeMutablePointer<Float>,
                       py: UnsafePointer<Float>, px: UnsafePointer<Float>, width w: Int, height h: Int) -> Double {
        var total = 0.0
        for y in 0..<h {
            let row = y * w
            let hasUp = y > 0
            var acc = SIMD8<Float>()
            // x = 0: no left neighbour.
            var d0 = -(py[row] + px[row])
            if hasUp { d0 += py[row - w] }
            u[row] = f[row] + d0
            var tail = d0 * d0
            var x = 1
            while x + 8 <= w {
                let i = row + x
                var d = load(px + i - 1) - load(py + i) - load(px + i)
                if hasUp { d += load(py + i - w) }
                store(load(f + i) + d, u + i)
                acc += d * d
                x += 8
            }
            while x < w {
                let i = row + x
                var d = px[i - 1] - py[i] - px[i]
                if hasUp { d += py[i - w] }
                u[i] = f[i] + d
                tail += d * d
                x += 1
            }
            total += Double(acc.sum() + tail)
        }
        return total
    }

    /// Forward differences `g` of `u`, `p = (p − τg) / (1 + (τ/weight)|g|)`; returns `Σ |g|`.
    ///
    /// The division is done as one reciprocal and two products (within an ulp of skimage's
    /// two divisions).
    static func dual(u: UnsafePointer<Float>, py: UnsafeMutablePointer<Float>, px: UnsafeMutablePointer<Float>,
                     width w: Int, height h: Int, tauOverWeight: Float) -> Double {
        let tau: Float = 0.25
        var total = 0.0
        for y in 0..<h {
            let row = y * w
            let hasDown = y + 1 < h
            var acc = SIMD8<Float>()
            var tail: Float = 0
            var x = 0
            while x + 8 < w { // strictly less: the last column (gx = 0) is handled below
                let i = row + x
                let here = load(u + i)
                let gx = load(u + i + 1) - here
                let gy = hasDown ? load(u + i + w) - here : SIMD8<Float>()
                let norm = (gx * gx + gy * gy).squareRoot()
                acc += norm
                let shrink = 1 / (1 + tauOverWeight * norm)
                store((load(py + i) - tau * gy) * shrink, py + i)
                store((load(px + i) - tau * gx) * shrink, px + i)
                x += 8
            }
            while x < w {
                let i = row + x
                let gx: Float = x + 1 < w ? u[i + 1] - u[i] : 0
                let gy: Float = hasDown ? u[i + w] - u[i] : 0
                let norm = (gx * gx + gy * gy).squareRoot()
                tail += norm
                let shrink = 1 / (1 + tauOverWeight * norm)
                py[i] = (py[i] - tau * gy) * shrink
                px[i] = (px[i] - tau * gx) * shrink
                x += 1
            }
            total += Double(acc.sum() + tail)
        }
        return total
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
