/// The stem: a dense k×k convolution of the planar RGB input straight into NHWC, with TF "SAME"
/// padding, bias and optional ReLU6; vectorised over output channels (each input tap is
/// broadcast against 16 output channels' weights).
public enum StemConv {
    /// Floats of scratch `forward` needs for its zero-padded copy of one image.
    public static func scratchFloats(geometry g: ConvGeometry, channels: Int) -> Int {
        channels * paddedHeight(g) * paddedWidth(g)
    }

    static func paddedHeight(_ g: ConvGeometry) -> Int { max(g.padTop + g.inHeight, (g.outHeight - 1) * g.stride + g.kernel) }
    static func paddedWidth(_ g: ConvGeometry) -> Int { max(g.padLeft + g.inWidth, (g.outWidth - 1) * g.stride + g.kernel) }

    /// `output[n, oy, ox, o] = act(bias[o] + Σ_{ci,ky,kx} input[n, ci, oy·s − padTop + ky, ox·s − padLeft + kx] · weights[ci, ky, kx, o])`,
    /// taps outside the input counting as zero.
    ///
    /// - Parameters:
    ///   - input: `images × channels × inHeight × inWidth` (planar, preprocessed).
    ///   - weights: `channels × k × k × outChannels` (BN folded in).
    ///   - bias: `outChannels`.
    ///   - scratch: `scratchFloats(geometry:channels:)` floats for a zero-padded copy (then
    ///     every pixel takes the fast path), or nil to clip windows at the borders.
    ///   - output: `images × outHeight × outWidth × outChannels` (NHWC).
    package static func forward(input: UnsafePointer<Float>, images: Int, channels: Int, geometry g: ConvGeometry,
                               weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, outChannels O: Int,
                               relu6 clamp: Bool, scratch: UnsafeMutablePointer<Float>? = nil,
                               output: UnsafeMutablePointer<Float>) {
        for n in 0..<images {
            let image = input + n * channels * g.inPixels
            let out = output + n * g.outPixels * O
            guard let scratch else {
                clipped(image, channels, g, weights, bias, O, clamp, out)
                continue
            }
            let ph = paddedHeight(g), pw = paddedWidth(g)
            scratch.update(repeating: 0, count: channels * ph * pw)
            for c in 0..<channels {
                for y in 0..<g.inHeight {
                    (scratch + (c * ph + y + g.padTop) * pw + g.padLeft).update(from: image + (c * g.inHeight + y) * g.inWidth, count: g.inWidth)
                }
            }
            switch (g.kernel, g.stride, channels) {
            case (3, 2, 3): padded(UnsafePointer(scratch), ph, pw, 3, g, 3, 2, weights, bias, O, clamp, out)
            default: padded(UnsafePointer(scratch), ph, pw, channels, g, g.kernel, g.stride, weights, bias, O, clamp, out)
            }
        }
    }

    /// All pixels of a zero-padded planar image (`channels × ph × pw`): two output pixels × 32
    /// channels share each weight load; inlined with constant `k`, `s`, `channels` for the stem.
    @inline(__always)
    private static func padded(_ x: UnsafePointer<Float>, _ ph: Int, _ pw: Int, _ channels: Int, _ g: ConvGeometry,
                               _ k: Int, _ s: Int, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ O: Int,
                               _ clamp: Bool, _ output: UnsafeMutablePointer<Float>) {
        let wide = O & ~31
        for oy in 0..<g.outHeight {
            var ox = 0
            while ox < g.outWidth {
                let pair = ox + 1 < g.outWidth
                let out0 = output + (oy * g.outWidth + ox) * O, out1 = out0 + O
                var o = 0
                while o < wide {
                    var a0 = load(bias + o), a1 = load(bias + o + 16)
                    var b0 = a0, b1 = a1
                    for ci in 0..<channels {
                        for ky in 0..<k {
                            let row = x + (ci * ph + oy * s + ky) * pw + ox * s
                            let w = weights + ((ci * k + ky) * k) * O + o
                            for kx in 0..<k {
                                let w0 = load(w + kx * O), w1 = load(w + kx * O + 16)
                                let x0 = Vec(repeating: row[kx])
                                a0.addProduct(x0, w0); a1.addProduct(x0, w1)
                                if pair {
                                    let x1 = Vec(repeating: row[kx + s])
                                    b0.addProduct(x1, w0); b1.addProduct(x1, w1)
                                }
                            }
                        }
                    }
                    store(clamp ? relu6(a0) : a0, out0 + o); store(clamp ? relu6(a1) : a1, out0 + o + 16)
                    if pair { store(clamp ? relu6(b0) : b0, out1 + o); store(clamp ? relu6(b1) : b1, out1 + o + 16) }
                    o += 32
                }
                for p in 0..<(pair ? 2 : 1) where o < O {
                    for oc in o..<O {
                        var a = bias[oc]
                        for ci in 0..<channels {
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    a += x[(ci * ph + oy * s + ky) * pw + (ox + p) * s + kx] * weights[((ci * k + ky) * k + kx) * O + oc]
                                }
                            }
                        }
                        (out0 + p * O)[oc] = clamp ? relu6(a) : a
                    }
                }
                ox += pair ? 2 : 1
            }
        }
    }

    /// One unpadded image, each pixel's window clipped to the input.
    private static func clipped(_ image: UnsafePointer<Float>, _ channels: Int, _ g: ConvGeometry,
                                _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ O: Int, _ clamp: Bool,
                                _ output: UnsafeMutablePointer<Float>) {
        let k = g.kernel, H = g.inHeight, W = g.inWidth
        for oy in 0..<g.outHeight {
            let iy0 = oy * g.stride - g.padTop
            let kyLo = max(0, -iy0), kyHi = min(k, H - iy0)
            for ox in 0..<g.outWidth {
                let ix0 = ox * g.stride - g.padLeft
                let kxLo = max(0, -ix0), kxHi = min(k, W - ix0)
                let out = output + (oy * g.outWidth + ox) * O
                var o = 0
                while o + 16 <= O {
                    var a = load(bias + o)
                    for ci in 0..<channels {
                        for ky in kyLo..<kyHi {
                            let src = ci * g.inPixels + (iy0 + ky) * W + ix0
                            let w = weights + ((ci * k + ky) * k) * O + o
                            for kx in kxLo..<kxHi { a.addProduct(Vec(repeating: image[src + kx]), load(w + kx * O)) }
                        }
                    }
                    store(clamp ? relu6(a) : a, out + o)
                    o += 16
                }
                while o < O {
                    var a = bias[o]
                    for ci in 0..<channels {
                        for ky in kyLo..<kyHi {
                            for kx in kxLo..<kxHi {
                                a += image[ci * g.inPixels + (iy0 + ky) * W + ix0 + kx] * weights[((ci * k + ky) * k + kx) * O + o]
                            }
                        }
                    }
                    out[o] = clamp ? relu6(a) : a
                    o += 1
                }
            }
        }
    }
}

extension StemConv {
    /// Backward of `forward` (without its ReLU6, which the caller applies to `gradOutput` first)
    /// with respect to the planar input: per image one GEMM `columns = gradOutput · weightsᵀ`
    /// (`[pixels, O] × [O, channels·k·k]`), then each column scattered back to its input pixel.
    ///
    /// - Parameters:
    ///   - gradOutput: `images × outHeight × outWidth × outChannels`.
    ///   - weights: `channels × k × k × outChannels`, as in `forward`.
    ///   - columns: scratch of `outPixels × channels·k·k` floats.
    ///   - gradInput: `images × channels × inHeight × inWidth`, overwritten.
    package static func backwardInput(gradOutput: UnsafePointer<Float>, images: Int, channels: Int, geometry g: ConvGeometry,
                                     weights: UnsafePointer<Float>, outChannels O: Int,
                                     columns: UnsafeMutablePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
        let k = g.kernel, taps = channels * k * k
        gradInput.update(repeating: 0, count: images * channels * g.inPixels)
        for n in 0..<images {
            BLAS.gemm(m: g.outPixels, n: taps, k: O, a: gradOutput + n * g.outPixels * O, lda: O,
                      b: weights, ldb: O, transposeB: true, c: columns, ldc: taps, beta: 0)
            let gin = gradInput + n * channels * g.inPixels
            for oy in 0..<g.outHeight {
                let iy0 = oy * g.stride - g.padTop
                for ox in 0..<g.outWidth {
                    let ix0 = ox * g.stride - g.padLeft
                    let col = columns + (oy * g.outWidth + ox) * taps
                    for ci in 0..<channels {
                        for ky in max(0, -iy0)..<min(k, g.inHeight - iy0) {
                            let row = gin + ci * g.inPixels + (iy0 + ky) * g.inWidth
                            for kx in max(0, -ix0)..<min(k, g.inWidth - ix0) { row[ix0 + kx] += col[(ci * k + ky) * k + kx] }
                        }
                    }
                }
            }
        }
    }
}
