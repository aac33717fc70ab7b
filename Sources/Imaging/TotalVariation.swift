/// Anisotropic total variation of an image and its gradient with respect to the pixels.
///
/// `TV(x) = (Σ_c Σ |x[c,y,i+1] − x[c,y,i]| + Σ_c Σ |x[c,y+1,i] − x[c,y,i]|) / (3·W·H)`:
/// the mean absolute forward difference per sample, horizontal plus vertical.

/// The anisotropic total variation of `image`: summed absolute horizontal and vertical
/// neighbour differences over all channels, divided by the number of samples `3·W·H`.
///
/// Units: sample units per sample (0 for a constant image; 0.0592 for chelsea-224.png).
public func anisotropicTotalVariation(_ image: Image) -> Float {
    let w = image.width, h = image.height
    var total: Double = 0
    image.pixels.withUnsafeBufferPointer { p in
        for plane in 0..<3 {
            let base = plane * w * h
            for y in 0..<h {
                let row = base + y * w
                var sum: Float = 0
                for x in 0..<(w - 1) { sum += abs(p[row + x + 1] - p[row + x]) }
                if y + 1 < h {
                    for x in 0..<w { sum += abs(p[row + w + x] - p[row + x]) }
                }
                total += Double(sum)
            }
        }
    }
    return Float(total / Double(3 * w * h))
}

/// The gradient of `anisotropicTotalVariation` with respect to every sample.
///
/// Same shape as `image`. With `sign(0) = 0` (a subgradient at kinks, where two neighbours
/// are equal): `∂TV/∂x[c,y,i] = (sign(x − left) − sign(right − x) + sign(x − up)
/// − sign(down − x)) / (3·W·H)`, missing neighbours contributing nothing.
public func totalVariationGradient(_ image: Image) -> Image {
    let w = image.width, h = image.height
    var gradient = Image(width: w, height: h)
    let scale = 1 / Float(3 * w * h)
    image.pixels.withUnsafeBufferPointer { p in
        gradient.pixels.withUnsafeMutableBufferPointer { g in
            for plane in 0..<3 {
                let base = plane * w * h
                for y in 0..<h {
                    let row = base + y * w
                    for x in 0..<(w - 1) {
                        let s = signum(p[row + x + 1] - p[row + x]) * scale
                        g[row + x] -= s
                        g[row + x + 1] += s
                    }
                    if y + 1 < h {
                        for x in 0..<w {
                            let s = signum(p[row + w + x] - p[row + x]) * scale
                            g[row + x] -= s
                            g[row + w + x] += s
                        }
                    }
                }
            }
        }
    }
    return gradient
}

/// −1, 0 or +1 (0 for NaN).
@inline(__always) func signum(_ v: Float) -> Float {
    v > 0 ? 1 : (v < 0 ? -1 : 0)
}
