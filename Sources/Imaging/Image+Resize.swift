/// Resizing and the crop-and-resize that prepares an image for the classifier.
extension Image {
    /// The image resampled to `newWidth`×`newHeight`, each axis independently.
    ///
    /// An axis that shrinks uses area averaging (each output pixel is the mean of the input it
    /// covers, fractional pixels weighted by overlap, like OpenCV's `INTER_AREA`); an axis that
    /// grows uses Keys bicubic (a = −0.5, half-pixel centres, edge samples repeated); an axis
    /// that keeps its length is copied. Area averaging stays within the input's range; bicubic
    /// can overshoot slightly near sharp edges (use `clamped()` if that matters).
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth > 0 && newHeight > 0, "resize target must be positive, got \(newWidth)×\(newHeight)")
        if newWidth == width && newHeight == height { return self }
        let horizontal = Resampling(from: width, to: newWidth)
        let vertical = Resampling(from: height, to: newHeight)
        var rows = [Float](repeating: 0, count: 3 * newWidth * height)
        var out = Image(width: newWidth, height: newHeight)
        pixels.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { mid in
                ResizeKernels.horizontal(src, into: mid, rows: 3 * height, width: width, using: horizontal)
            }
        }
        rows.withUnsafeBufferPointer { mid in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    let from = UnsafeBufferPointer(rebasing: mid[(c * height * newWidth)...])
                    let to = UnsafeMutableBufferPointer(rebasing: dst[(c * newHeight * newWidth)...])
                    ResizeKernels.vertical(from, into: to, width: newWidth, using: vertical)
                }
            }
        }
        return out
    }

    /// The image as the classifier wants it: `size`×`size`.
    ///
    /// An image that is already `size`×`size` is returned unchanged. Otherwise the central
    /// square keeping 0.875 of the shorter side is cut out (the torchvision / TF-slim eval
    /// crop; for a square image this is `centreCropped(fraction: 0.875)`), resized to
    /// `size`×`size` with `resized(width:height:)`, and clamped to [0, 1].
    public func prepareForNetwork(size: Int) -> Image {
        precondition(size > 0, "network input size must be positive, got \(size)")
        if width == size && height == size { return self }
        return centreSquareCropped(fraction: 0.875).resized(width: size, height: size).clamped()
    }
}

/// The loops of a separable resize over contiguous planes.
enum ResizeKernels {
    /// Resamples each of `rows` rows of length `width` along x into rows of `r.outputLength`.
    static func horizontal(_ src: UnsafeBufferPointer<Float>, into dst: UnsafeMutableBufferPointer<Float>,
                           rows: Int, width: Int, using r: Resampling) {
        r.indices.withUnsafeBufferPointer { idx in
            r.weights.withUnsafeBufferPointer { w in
                let taps = r.taps, outWidth = r.outputLength
                for row in 0..<rows {
                    let input = row * width, output = row * outWidth
                    for x in 0..<outWidth {
                        var sum: Float = 0
                        for t in 0..<taps { sum += w[x * taps + t] * src[input + idx[x * taps + t]] }
                        dst[output + x] = sum
                    }
                }
            }
        }
    }

    /// Resamples one plane of rows of length `width` along y: each output row is a weighted
    /// sum of whole input rows (a vectorisable row axpy).
    static func vertical(_ src: UnsafeBufferPointer<Float>, into dst: UnsafeMutableBufferPointer<Float>,
                         width: Int, using r: Resampling) {
        r.indices.withUnsafeBufferPointer { idx in
            r.weights.withUnsafeBufferPointer { w in
                for y in 0..<r.outputLength {
                    let output = y * width
                    for x in 0..<width { dst[output + x] = 0 }
                    for t in 0..<r.taps {
                        let weight = w[y * r.taps + t]
                        if weight == 0 { continue }
                        let input = idx[y * r.taps + t] * width
                        for x in 0..<width { dst[output + x] += weight * src[input + x] }
                    }
                }
            }
        }
    }
}
