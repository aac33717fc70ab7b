import Foundation
import Imaging

/// A small random similarity transform (shift, scale, rotation about the centre), applied by
/// bilinear resampling with edge clamping, and its adjoint for the gradient.
///
/// Output pixel p samples the input at `s·R(θ)·(p − c) + c + t` (pixel units, c the centre).
struct Jitter {
    /// For each output pixel: the top-left source index (row-major) and the bilinear weights
    /// of its four neighbours (x0y0, x1y0, x0y1, x1y1), with the +1 offsets in `dx`/`dy`
    /// (0 where the edge is clamped).
    private var index: [Int32], dx: [Int32], dy: [Int32]
    private var weights: [SIMD4<Float>]
    let width: Int, height: Int

    init(width: Int, height: Int, shiftX: Float, shiftY: Float, scale: Float, radians: Float) {
        self.width = width
        self.height = height
        let n = width * height
        index = [Int32](repeating: 0, count: n)
        dx = index
        dy = index
        weights = [SIMD4<Float>](repeating: .zero, count: n)
        let cx = Float(width - 1) / 2, cy = Float(height - 1) / 2
        let c = cos(radians) * scale, s = sin(radians) * scale
        for i in 0..<height {
            for j in 0..<width {
                let u = Float(j) - cx, v = Float(i) - cy
                let sx = min(max(c * u - s * v + cx + shiftX, 0), Float(width - 1))
                let sy = min(max(s * u + c * v + cy + shiftY, 0), Float(height - 1))
                let x0 = min(Int(sx), width - 1), y0 = min(Int(sy), height - 1)
                let fx = sx - Float(x0), fy = sy - Float(y0)
                let k = i * width + j
                index[k] = Int32(y0 * width + x0)
                dx[k] = x0 + 1 < width ? 1 : 0
                dy[k] = y0 + 1 < height ? Int32(width) : 0
                weights[k] = SIMD4((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy)
            }
        }
    }

    /// A random jitter: shift up to ±`shift` px, scale in `1 ± scaleRange`, rotation up to
    /// ±`degrees`.
    static func random(width: Int, height: Int, shift: Float, scaleRange: Float, degrees: Float,
                       using rng: inout some RandomNumberGenerator) -> Jitter {
        func symmetric(_ a: Float) -> Float { a > 0 ? Float.random(in: -a...a, using: &rng) : 0 }
        return Jitter(width: width, height: height, shiftX: symmetric(shift), shiftY: symmetric(shift),
                      scale: 1 + symmetric(scaleRange), radians: symmetric(degrees) * .pi / 180)
    }

    /// The transformed image.
    func apply(_ image: Image) -> Image {
        var out = Image(width: width, height: height)
        let plane = width * height
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    let base = c * plane
                    for k in 0..<plane {
                        let a = base + Int(index[k]), w = weights[k]
                        dst[base + k] = w[0] * src[a] + w[1] * src[a + Int(dx[k])]
                            + w[2] * src[a + Int(dy[k])] + w[3] * src[a + Int(dx[k]) + Int(dy[k])]
                    }
                }
            }
        }
        return out
    }

    /// The adjoint of `apply`: scatters a gradient on the transformed image back to the input,
    /// adding into `gradient`.
    func accumulateAdjoint(_ outputGradient: Image, into gradient: inout [Float]) {
        let plane = width * height
        outputGradient.pixels.withUnsafeBufferPointer { g in
            gradient.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    let base = c * plane
                    for k in 0..<plane {
                        let a = base + Int(index[k]), w = weights[k] * g[base + k]
                        dst[a] += w[0]
                        dst[a + Int(dx[k])] += w[1]
                        dst[a + Int(dy[k])] += w[2]
                        dst[a + Int(dx[k]) + Int(dy[k])] += w[3]
                    }
                }
            }
        }
    }
}

/// A [1 2 1]/4 × [1 2 1]/4 blur with edge clamping, blended with the image by `amount` (0…1).
func softened(_ image: Image, amount: Float) -> Image {
    let w = image.width, h = image.height
    var out = image
    image.pixels.withUnsafeBufferPointer { p in
        out.pixels.withUnsafeMutableBufferPointer { o in
            for c in 0..<3 {
                let base = c * w * h
                for y in 0..<h {
                    let up = max(y - 1, 0), down = min(y + 1, h - 1)
                    for x in 0..<w {
                        let left = max(x - 1, 0), right = min(x + 1, w - 1)
                        func row(_ r: Int) -> Float {
                            (p[base + r * w + left] + 2 * p[base + r * w + x] + p[base + r * w + right]) * 0.25
                        }
                        let blurred = (row(up) + 2 * row(y) + row(down)) * 0.25
                        let k = base + y * w + x
                        o[k] = p[k] + amount * (blurred - p[k])
                    }
                }
            }
        }
    }
    return out
}
