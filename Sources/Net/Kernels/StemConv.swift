/// The stem: a dense k×k convolution of the planar RGB input straight into NHWC, with TF "SAME"
/// padding, bias and optional ReLU6; vectorised over output channels (each input tap is
/// broadcast against 16 output channels' weights).
public enum StemConv {
    /// `output[n, oy, ox, o] = act(bias[o] + Σ_{ci,ky,kx} input[n, ci, oy·s − padTop + ky, ox·s − padLeft + kx] · weights[ci, ky, kx, o])`,
    /// taps outside the input counting as zero.
    ///
    /// - Parameters:
    ///   - input: `images × channels × inHeight × inWidth` (planar, preprocessed).
    ///   - weights: `channels × k × k × outChannels` (BN folded in).
    ///   - bias: `outChannels`.
    ///   - output: `images × outHeight × outWidth × outChannels` (NHWC).
    public static func forward(input: UnsafePointer<Float>, images: Int, channels: Int, geometry g: ConvGeometry,
                               weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, outChannels O: Int,
                               relu6 clamp: Bool, output: UnsafeMutablePointer<Float>) {
        let k = g.kernel, H = g.inHeight, W = g.inWidth
        let vectorEnd = O & ~15
        for n in 0..<images {
            let image = input + n * channels * g.inPixels
            let outImage = output + n * g.outPixels * O
            for oy in 0..<g.outHeight {
                let iy0 = oy * g.stride - g.padTop
                let kyLo = max(0, -iy0), kyHi = min(k, H - iy0)
                for ox in 0..<g.outWidth {
                    let ix0 = ox * g.stride - g.padLeft
                    let kxLo = max(0, -ix0), kxHi = min(k, W - ix0)
                    let out = outImage + (oy * g.outWidth + ox) * O
                    var o = 0
                    while o + 32 <= vectorEnd {
                        var a0 = load(bias + o), a1 = load(bias + o + 16)
                        for ci in 0..<channels {
                            for ky in kyLo..<kyHi {
                                let src = ci * g.inPixels + (iy0 + ky) * W + ix0
                                let w = weights + ((ci * k + ky) * k) * O + o
                                for kx in kxLo..<kxHi {
                                    let x = Vec(repeating: image[src + kx])
                                    a0.addProduct(x, load(w + kx * O))
                                    a1.addProduct(x, load(w + kx * O + 16))
                                }
                            }
                        }
                        store(clamp ? relu6(a0) : a0, out + o)
                        store(clamp ? relu6(a1) : a1, out + o + 16)
                        o += 32
                    }
                    while o < vectorEnd {
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
}
