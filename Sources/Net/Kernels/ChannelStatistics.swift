/// Per-channel batch statistics of NHWC activations and their gradient: the kernels of the
/// statistics prior (`StatisticsPrior`), vectorised over channels.
public enum ChannelStatistics {
    /// Rows summed in `Float` before each flush into the `Double` totals.
    static let chunkRows = 32

    /// Adds, per channel `c`, `Σ_r (z[r, c] − shift[c])` to `sums[c]` and `Σ_r (z[r, c] − shift[c])²`
    /// to `squares[c]`. Shifting by the expected mean keeps `E[(z − s)²] − E[z − s]²` well
    /// conditioned when the variance is taken from the two sums.
    ///
    /// - Parameters:
    ///   - z: `rows × channels`, row-major.
    ///   - shift: `channels`.
    ///   - sums, squares: `channels` each, accumulated into.
    ///   - clamped: when given, `rows × channels` receiving `min(max(z, 0), 6)` in the same pass
    ///     (as `relu6Copy`).
    package static func accumulate(_ z: UnsafePointer<Float>, rows: Int, channels C: Int, shift: UnsafePointer<Float>,
                                   sums: UnsafeMutablePointer<Double>, squares: UnsafeMutablePointer<Double>,
                                   clamped: UnsafeMutablePointer<Float>? = nil) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * C + 1) { buffer in
            guard let s1 = buffer.baseAddress else { return }
            let s2 = s1 + C
            var r = 0
            while r < rows {
                let end = min(rows, r + chunkRows)
                s1.update(repeating: 0, count: 2 * C)
                var c = 0
                while c + 16 <= C {
                    let b = load(shift + c)
                    var a1 = Vec.zero, a2 = Vec.zero
                    if let clamped {
                        for row in r..<end {
                            let v = load(z + row * C + c), d = v - b
                            store(relu6(v), clamped + row * C + c)
                            a1 += d
                            a2.addProduct(d, d)
                        }
                    } else {
                        for row in r..<end {
                            let d = load(z + row * C + c) - b
                            a1 += d
                            a2.addProduct(d, d)
                        }
                    }
                    store(a1, s1 + c)
                    store(a2, s2 + c)
                    c += 16
                }
                while c < C {
                    var a1: Float = 0, a2: Float = 0
                    for row in r..<end {
                        let d = z[row * C + c] - shift[c]
                        clamped?[row * C + c] = relu6(z[row * C + c])
                        a1 += d
                        a2 += d * d
                    }
                    s1[c] = a1
                    s2[c] = a2
                    c += 1
                }
                for c in 0..<C {
                    sums[c] += Double(s1[c])
                    squares[c] += Double(s2[c])
                }
                r = end
            }
        }
    }

    /// `output[i] = min(max(z[i], 0), 6)` for `count` floats (the ReLU6 the forward kernels fuse,
    /// applied after the pre-activation was kept).
    package static func relu6Copy(_ z: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 16 <= count { store(relu6(load(z + i)), output + i); i += 16 }
        while i < count { output[i] = relu6(z[i]); i += 1 }
    }

    /// `output[i] = a[i] − b[i]` for `count` floats (a residual block's project output from the
    /// block's output and input).
    package static func difference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                                   into output: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 16 <= count { store(load(a + i) - load(b + i), output + i); i += 16 }
        while i < count { output[i] = a[i] - b[i]; i += 1 }
    }

    /// `grad[r, c] += constant[c] + slope[c] · (z[r, c] − centre[c])`: the gradient of a function
    /// of a channel's batch mean and standard deviation at one of its values.
    ///
    /// - Parameters:
    ///   - z: `rows × channels`.
    ///   - constant, slope, centre: `channels` each.
    ///   - grad: `rows × channels`, added to.
    package static func addGradient(_ z: UnsafePointer<Float>, rows: Int, channels C: Int, constant: UnsafePointer<Float>,
                                    slope: UnsafePointer<Float>, centre: UnsafePointer<Float>, into grad: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let zr = z + r * C, gr = grad + r * C
            var c = 0
            while c + 16 <= C {
                var g = load(gr + c) + load(constant + c)
                g.addProduct(load(slope + c), load(zr + c) - load(centre + c))
                store(g, gr + c)
                c += 16
            }
            while c < C {
                gr[c] += constant[c] + slope[c] * (zr[c] - centre[c])
                c += 1
            }
        }
    }

    /// `addGradient` after the backward of the ReLU6 that follows `z`, in one pass:
    /// `grad[r, c] = (0 < z[r, c] < 6 ? grad[r, c] : 0) + constant[c] + slope[c] · (z[r, c] − centre[c])`.
    package static func relu6BackwardAddingGradient(_ z: UnsafePointer<Float>, rows: Int, channels C: Int,
                                                    constant: UnsafePointer<Float>, slope: UnsafePointer<Float>,
                                                    centre: UnsafePointer<Float>, into grad: UnsafeMutablePointer<Float>) {
        let zero = Vec(repeating: 0), six = Vec(repeating: 6)
        for r in 0..<rows {
            let zr = z + r * C, gr = grad + r * C
            var c = 0
            while c + 16 <= C {
                let v = load(zr + c)
                var g = load(gr + c).replacing(with: 0, where: .!((v .> zero) .& (v .< six))) + load(constant + c)
                g.addProduct(load(slope + c), v - load(centre + c))
                store(g, gr + c)
                c += 16
            }
            while c < C {
                let g = zr[c] > 0 && zr[c] < 6 ? gr[c] : 0
                gr[c] = g + constant[c] + slope[c] * (zr[c] - centre[c])
                c += 1
            }
        }
    }
}
