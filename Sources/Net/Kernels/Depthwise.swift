/// k×k depthwise convolution over NHWC activations with TF "SAME" padding, bias and optional
/// ReLU6 fused into the store, vectorised over channels.
///
/// Interior pixels (window inside the input) go eight at a time (8 channels per register,
/// specialised for k ∈ {3, 5}, s ∈ {1, 2}), then in runs of up to four (16 channels); border
/// pixels clip their window, unless the map is narrow enough to copy into zero-padded rows.
public enum Depthwise {
    /// Narrow inputs (at most this wide) are copied into a zero-padded scratch first, so every
    /// pixel takes the fast interior path instead of the border path.
    public static let padBelowWidth = 32

    /// `output[oy, ox, c] = act(bias[c] + Σ_{ky,kx} input[oy·s − padTop + ky, ox·s − padLeft + kx, c] · weights[ky, kx, c])`
    /// for each of `images` dense images, taps outside the input counting as zero.
    ///
    /// - Parameters:
    ///   - input: `images × inHeight × inWidth × channels`.
    ///   - weights: `kernel × kernel × channels` (BN folded in).
    ///   - bias: `channels`.
    ///   - scratch: `scratchFloats(geometry:channels:inputRows: inHeight)` floats, or nil to
    ///     handle borders without copying.
    ///   - output: `images × outHeight × outWidth × channels`.
    package static func forward(input: UnsafePointer<Float>, images: Int, channels C: Int, geometry g: ConvGeometry,
                               weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, relu6 clamp: Bool,
                               scratch: UnsafeMutablePointer<Float>? = nil, output: UnsafeMutablePointer<Float>) {
        for n in 0..<images {
            forwardRows(input: input + n * g.inPixels * C, firstInputRow: 0, inputRowStride: g.inWidth * C, channels: C,
                        geometry: g, outputRows: 0..<g.outHeight, weights: weights, bias: bias, relu6: clamp,
                        scratch: scratch, output: output + n * g.outPixels * C, outputRowStride: g.outWidth * C)
        }
    }

    /// Scratch floats `forwardRows` needs to pad `inputRows` rows (0 when `inWidth > padBelowWidth`).
    public static func scratchFloats(geometry g: ConvGeometry, channels: Int, inputRows: Int) -> Int {
        g.inWidth > padBelowWidth ? 0 : inputRows * paddedWidth(g) * channels
    }

    /// Columns of a padded row: left pad, the row, and as much right pad as the last window needs.
    static func paddedWidth(_ g: ConvGeometry) -> Int {
        max(g.padLeft + g.inWidth, (g.outWidth - 1) * g.stride + g.kernel)
    }

    /// Output rows `outputRows` of one image, reading input rows from a window that starts at
    /// input row `firstInputRow` (it must hold every row those outputs need).
    ///
    /// - Parameters:
    ///   - input: input rows `firstInputRow...`, each `inWidth × channels`, consecutive rows
    ///     `inputRowStride` floats apart (`inWidth × channels` when dense).
    ///   - scratch: room for `scratchFloats(…, inputRows:)` of the rows these outputs need; used
    ///     for narrow inputs, ignored otherwise (nil: border pixels take the clipping path).
    ///   - output: the first requested output row; rows `outWidth × channels` floats each,
    ///     `outputRowStride` apart.
    package static func forwardRows(input: UnsafePointer<Float>, firstInputRow: Int, inputRowStride: Int, channels C: Int,
                                   geometry g: ConvGeometry, outputRows: Range<Int>, weights: UnsafePointer<Float>,
                                   bias: UnsafePointer<Float>, relu6 clamp: Bool, scratch: UnsafeMutablePointer<Float>? = nil,
                                   output: UnsafeMutablePointer<Float>, outputRowStride: Int) {
        guard !outputRows.isEmpty else { return }
        let s = g.stride
        if let scratch, g.inWidth <= padBelowWidth {
            // copy the needed rows into zero-padded rows; then every column is interior
            let rowLo = max(0, outputRows.lowerBound * s - g.padTop)
            let rowHi = min(g.inHeight, (outputRows.upperBound - 1) * s - g.padTop + g.kernel)
            let wide = paddedWidth(g), padded = wide * C
            for r in rowLo..<max(rowLo, rowHi) {
                let dst = scratch + (r - rowLo) * padded
                dst.update(repeating: 0, count: g.padLeft * C)
                (dst + g.padLeft * C).update(from: input + (r - firstInputRow) * inputRowStride, count: g.inWidth * C)
                (dst + (g.padLeft + g.inWidth) * C).update(repeating: 0, count: (wide - g.padLeft - g.inWidth) * C)
            }
            rowsOf(UnsafePointer(scratch), firstRow: rowLo, rowStride: padded, columnOffset: 0, C, g, outputRows,
                   interior: 0..<g.outWidth, weights, bias, clamp, output, outputRowStride)
            return
        }
        // interior columns: ox·s − padLeft ≥ 0 and ox·s − padLeft + k ≤ inWidth
        let first = min(g.outWidth, (g.padLeft + s - 1) / s)
        let end = max(first, min(g.outWidth, g.inWidth + g.padLeft - g.kernel >= 0 ? (g.inWidth + g.padLeft - g.kernel) / s + 1 : 0))
        rowsOf(input, firstRow: firstInputRow, rowStride: inputRowStride, columnOffset: -g.padLeft, C, g, outputRows,
               interior: first..<end, weights, bias, clamp, output, outputRowStride)
        for oy in outputRows {
            let outRow = output + (oy - outputRows.lowerBound) * outputRowStride
            for ox in 0..<g.outWidth where ox < first || ox >= end {
                pixel(input, firstInputRow, inputRowStride, C, g, oy, ox, weights, bias, clamp, outRow + ox * C)
            }
        }
    }

    /// The `interior` output columns of `rows`: input column of tap kx is `ox·s + columnOffset + kx`
    /// (never outside the row); rows above or below the input are skipped.
    @inline(__always)
    private static func rowsOf(_ input: UnsafePointer<Float>, firstRow: Int, rowStride R: Int, columnOffset: Int, _ C: Int,
                               _ g: ConvGeometry, _ rows: Range<Int>, interior: Range<Int>,
                               _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ clamp: Bool,
                               _ output: UnsafeMutablePointer<Float>, _ outputRowStride: Int) {
        let k = g.kernel, s = g.stride
        let eightWide = (k == 3 || k == 5) && (s == 1 || s == 2) && C % 8 == 0
        for oy in rows {
            let iy0 = oy * s - g.padTop
            let kyLo = max(0, -iy0), kyHi = min(k, g.inHeight - iy0)
            let outRow = output + (oy - rows.lowerBound) * outputRowStride
            var ox = interior.lowerBound
            while eightWide && ox + 8 <= interior.upperBound {
                let tap = (iy0 - firstRow) * R + (ox * s + columnOffset) * C
                let out = outRow + ox * C
                switch (k, s) {
                case (3, 1): eight(K3S1.self, input, tap, C, R, kyLo, kyHi, weights, bias, clamp, out)
                case (3, 2): eight(K3S2.self, input, tap, C, R, kyLo, kyHi, weights, bias, clamp, out)
                case (5, 1): eight(K5S1.self, input, tap, C, R, kyLo, kyHi, weights, bias, clamp, out)
                default: eight(K5S2.self, input, tap, C, R, kyLo, kyHi, weights, bias, clamp, out)
                }
                ox += 8
            }
            while ox < interior.upperBound {
                let count = min(4, interior.upperBound - ox)
                let tap = (iy0 - firstRow) * R + (ox * s + columnOffset) * C
                let out = outRow + ox * C
                switch (k, s, count) {
                case (3, 1, 4): run(4, input, tap, C, R, 3, 1, kyLo, kyHi, weights, bias, clamp, out)
                case (3, 2, 4): run(4, input, tap, C, R, 3, 2, kyLo, kyHi, weights, bias, clamp, out)
                case (5, 1, 4): run(4, input, tap, C, R, 5, 1, kyLo, kyHi, weights, bias, clamp, out)
                case (5, 2, 4): run(4, input, tap, C, R, 5, 2, kyLo, kyHi, weights, bias, clamp, out)
                case (_, _, 4): run(4, input, tap, C, R, k, s, kyLo, kyHi, weights, bias, clamp, out)
                case (3, _, 3): run(3, input, tap, C, R, 3, s, kyLo, kyHi, weights, bias, clamp, out)
                case (5, _, 3): run(3, input, tap, C, R, 5, s, kyLo, kyHi, weights, bias, clamp, out)
                case (_, _, 3): run(3, input, tap, C, R, k, s, kyLo, kyHi, weights, bias, clamp, out)
                case (_, _, 2): run(2, input, tap, C, R, k, s, kyLo, kyHi, weights, bias, clamp, out)
                default: run(1, input, tap, C, R, k, s, kyLo, kyHi, weights, bias, clamp, out)
                }
                ox += count
            }
        }
    }

    /// Eight neighbouring output pixels whose windows lie inside the rows, 8 channels (one AVX
    /// register) at a time: the eight accumulators share each weight load, and with the kernel
    /// shape a compile-time constant the overlapping input loads are shared too.
    private static func eight<Shape: KernelShape>(_: Shape.Type, _ input: UnsafePointer<Float>, _ tap: Int, _ C: Int, _ R: Int,
                                                  _ kyLo: Int, _ kyHi: Int, _ weights: UnsafePointer<Float>,
                                                  _ bias: UnsafePointer<Float>, _ clamp: Bool, _ out: UnsafeMutablePointer<Float>) {
        let k = Shape.k, s = Shape.s
        var c = 0
        while c + 8 <= C {
            let b = load8(bias + c)
            var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b
            for ky in kyLo..<kyHi {
                let row = input + (tap + ky * R + c)
                let wRow = weights + (ky * k * C + c)
                for kx in 0..<k {
                    let w = load8(wRow + kx * C)
                    a0.addProduct(load8(row + kx * C), w)
                    a1.addProduct(load8(row + (s + kx) * C), w)
                    a2.addProduct(load8(row + (2 * s + kx) * C), w)
                    a3.addProduct(load8(row + (3 * s + kx) * C), w)
                    a4.addProduct(load8(row + (4 * s + kx) * C), w)
                    a5.addProduct(load8(row + (5 * s + kx) * C), w)
                    a6.addProduct(load8(row + (6 * s + kx) * C), w)
                    a7.addProduct(load8(row + (7 * s + kx) * C), w)
                }
            }
            if clamp {
                a0 = relu6(a0); a1 = relu6(a1); a2 = relu6(a2); a3 = relu6(a3)
                a4 = relu6(a4); a5 = relu6(a5); a6 = relu6(a6); a7 = relu6(a7)
            }
            store8(a0, out + c); store8(a1, out + C + c); store8(a2, out + 2 * C + c); store8(a3, out + 3 * C + c)
            store8(a4, out + 4 * C + c); store8(a5, out + 5 * C + c); store8(a6, out + 6 * C + c); store8(a7, out + 7 * C + c)
            c += 8
        }
    }

    /// `P` (1…4) neighbouring output pixels whose windows lie inside the rows; inlined with
    /// constant `P`, `k`, `s` so the tap loop unrolls and overlapping input loads are shared.
    /// `tap` is the input offset of tap (0, 0) of the first pixel.
    @inline(__always)
    private static func run(_ P: Int, _ input: UnsafePointer<Float>, _ tap: Int, _ C: Int, _ R: Int, _ k: Int, _ s: Int,
                            _ kyLo: Int, _ kyHi: Int, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                            _ clamp: Bool, _ out: UnsafeMutablePointer<Float>) {
        let step = s * C
        var c = 0
        while c + 16 <= C {
            var a0 = load(bias + c)
            var a1 = a0, a2 = a0, a3 = a0
            for ky in kyLo..<kyHi {
                let row = input + (tap + ky * R + c)
                let wRow = weights + (ky * k * C + c)
                for kx in 0..<k {
                    let w = load(wRow + kx * C)
                    let x = row + kx * C
                    a0.addProduct(load(x), w)
                    if P > 1 { a1.addProduct(load(x + step), w) }
                    if P > 2 { a2.addProduct(load(x + 2 * step), w) }
                    if P > 3 { a3.addProduct(load(x + 3 * step), w) }
                }
            }
            if clamp { a0 = relu6(a0); a1 = relu6(a1); a2 = relu6(a2); a3 = relu6(a3) }
            store(a0, out + c)
            if P > 1 { store(a1, out + C + c) }
            if P > 2 { store(a2, out + 2 * C + c) }
            if P > 3 { store(a3, out + 3 * C + c) }
            c += 16
        }
        while c < C {
            for j in 0..<P {
                var a = bias[c]
                for ky in kyLo..<kyHi {
                    for kx in 0..<k { a += input[tap + ky * R + j * step + kx * C + c] * weights[(ky * k + kx) * C + c] }
                }
                out[j * C + c] = clamp ? relu6(a) : a
            }
            c += 1
        }
    }

    /// One output pixel, clipping its window to the input (the border path).
    private static func pixel(_ input: UnsafePointer<Float>, _ firstRow: Int, _ R: Int, _ C: Int, _ g: ConvGeometry, _ oy: Int, _ ox: Int,
                              _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ clamp: Bool,
                              _ out: UnsafeMutablePointer<Float>) {
        let k = g.kernel
        let iy0 = oy * g.stride - g.padTop, ix0 = ox * g.stride - g.padLeft
        let kyLo = max(0, -iy0), kyHi = min(k, g.inHeight - iy0)
        let kxLo = max(0, -ix0), kxHi = min(k, g.inWidth - ix0)
        let ry0 = iy0 - firstRow  // window row of tap ky = 0
        var c = 0
        while c + 64 <= C {
            var a0 = load(bias + c), a1 = load(bias + c + 16), a2 = load(bias + c + 32), a3 = load(bias + c + 48)
            for ky in kyLo..<kyHi {
                for kx in kxLo..<kxHi {
                    let x = input + ((ry0 + ky) * R + (ix0 + kx) * C + c)
                    let w = weights + ((ky * k + kx) * C + c)
                    a0.addProduct(load(x), load(w))
                    a1.addProduct(load(x + 16), load(w + 16))
                    a2.addProduct(load(x + 32), load(w + 32))
                    a3.addProduct(load(x + 48), load(w + 48))
                }
            }
            if clamp { a0 = relu6(a0); a1 = relu6(a1); a2 = relu6(a2); a3 = relu6(a3) }
            store(a0, out + c); store(a1, out + c + 16); store(a2, out + c + 32); store(a3, out + c + 48)
            c += 64
        }
        while c + 16 <= C {
            var a = load(bias + c)
            for ky in kyLo..<kyHi {
                for kx in kxLo..<kxHi {
                    a.addProduct(load(input + ((ry0 + ky) * R + (ix0 + kx) * C + c)), load(weights + ((ky * k + kx) * C + c)))
                }
            }
            store(clamp ? relu6(a) : a, out + c)
            c += 16
        }
        while c < C {
            var a = bias[c]
            for ky in kyLo..<kyHi {
                for kx in kxLo..<kxHi { a += input[(ry0 + ky) * R + (ix0 + kx) * C + c] * weights[(ky * k + kx) * C + c] }
            }
            out[c] = clamp ? relu6(a) : a
            c += 1
        }
    }
}

/// A depthwise kernel size and stride known at compile time (for the specialised kernels).
protocol KernelShape { static var k: Int { get }; static var s: Int { get } }
enum K3S1: KernelShape { static var k: Int { 3 }; static var s: Int { 1 } }
enum K3S2: KernelShape { static var k: Int { 3 }; static var s: Int { 2 } }
enum K5S1: KernelShape { static var k: Int { 5 }; static var s: Int { 1 } }
enum K5S2: KernelShape { static var k: Int { 5 }; static var s: Int { 2 } }

extension Depthwise {
    /// The kernel rotated by 180° (`flipped[ky, kx, c] = weights[k−1−ky, k−1−kx, c]`): with it a
    /// stride-1 SAME depthwise conv is its own transpose, so `backwardInput` reuses `forward`.
    public static func flipped(_ weights: [Float], kernel k: Int, channels: Int) -> [Float] {
        var out = weights
        for ky in 0..<k {
            for kx in 0..<k {
                for c in 0..<channels { out[(ky * k + kx) * channels + c] = weights[((k - 1 - ky) * k + (k - 1 - kx)) * channels + c] }
            }
        }
        return out
    }

    /// Backward of `forward` (without its ReLU6, which the caller applies to `gradOutput` first)
    /// with respect to the input: `gradInput[iy, ix, c] = Σ gradOutput[oy, ox, c] · weights[ky, kx, c]`
    /// over the output pixels whose window covers `(iy, ix)` at tap `(ky, kx)`.
    ///
    /// Stride 1 runs `forward` on `gradOutput` with the flipped kernel (SAME padding is
    /// symmetric); stride 2 scatters each output pixel's contribution.
    ///
    /// - Parameters:
    ///   - gradOutput: `images × outHeight × outWidth × channels`.
    ///   - weights: `k × k × channels`; `flippedWeights`: `flipped(weights, …)`.
    ///   - zeros: `channels` zeros (the transposed conv has no bias).
    ///   - scratch: as for `forward` (with `inputRows: outHeight`), or nil.
    ///   - gradInput: `images × inHeight × inWidth × channels`, overwritten.
    package static func backwardInput(gradOutput: UnsafePointer<Float>, images: Int, channels C: Int, geometry g: ConvGeometry,
                                     weights: UnsafePointer<Float>, flippedWeights: UnsafePointer<Float>,
                                     zeros: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>? = nil,
                                     gradInput: UnsafeMutablePointer<Float>) {
        if g.stride == 1 && g.outHeight == g.inHeight && g.outWidth == g.inWidth {
            forward(input: gradOutput, images: images, channels: C, geometry: g, weights: flippedWeights, bias: zeros,
                    relu6: false, scratch: scratch, output: gradInput)
            return
        }
        let k = g.kernel
        gradInput.update(repeating: 0, count: images * g.inPixels * C)
        for n in 0..<images {
            let gin = gradInput + n * g.inPixels * C
            for oy in 0..<g.outHeight {
                let iy0 = oy * g.stride - g.padTop
                for ox in 0..<g.outWidth {
                    let ix0 = ox * g.stride - g.padLeft
                    let go = gradOutput + ((n * g.outHeight + oy) * g.outWidth + ox) * C
                    for ky in max(0, -iy0)..<min(k, g.inHeight - iy0) {
                        for kx in max(0, -ix0)..<min(k, g.inWidth - ix0) {
                            let dst = gin + ((iy0 + ky) * g.inWidth + ix0 + kx) * C
                            let w = weights + (ky * k + kx) * C
                            var c = 0
                            while c + 16 <= C { store(load(dst + c).addingProduct(load(go + c), load(w + c)), dst + c); c += 16 }
                            while c < C { dst[c] += go[c] * w[c]; c += 1 }
                        }
                    }
                }
            }
        }
    }
}
