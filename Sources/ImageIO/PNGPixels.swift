import Imaging

/// What `PNGFile.read` does with a PNG's alpha channel (or `tRNS` transparency).
public enum AlphaHandling: Sendable, Equatable {
    /// Blend each pixel over a white background: `v = a·c + (1 − a)`, as most viewers show it
    /// on a white page. The default.
    case compositeOverWhite
    /// Drop alpha and keep the stored colour, as PIL's `convert("RGB")` does.
    case ignore
}

/// Conversion of libpng's expanded RGBA rows into a planar `Image`: the one unsafe kernel
/// of decoding.
enum PNGPixels {
    /// Where one decoded row's pixels go: row `y`, columns `x0`, `x0 + dx`, … (`count` of them;
    /// `dx` > 1 for the passes of an interlaced file).
    struct RowTarget {
        var y: Int
        var x0: Int
        var dx: Int
        var count: Int
    }

    /// Writes `count` interleaved RGBA samples of type `Sample` into `image` at `target`.
    ///
    /// Samples are divided by `maxValue` (255 or 65535); alpha is applied per `alpha`.
    /// The caller (libpng's row geometry) guarantees the target lies inside the image.
    static func scatter<Sample: FixedWidthInteger & UnsignedInteger>(
        _ rgba: UnsafeBufferPointer<Sample>, to target: RowTarget, maxValue: Float,
        alpha: AlphaHandling, into image: inout Image
    ) {
        let width = image.width, plane = image.width * image.height
        let scale = 1 / maxValue
        precondition(target.y < image.height && target.x0 + (target.count - 1) * target.dx < width
                     && 4 * target.count <= rgba.count, "PNG row outside the image")
        image.pixels.withUnsafeMutableBufferPointer { dst in
            var i = target.y * width + target.x0
            for k in 0..<target.count {
                let r = Float(rgba[4 * k]) * scale
                let g = Float(rgba[4 * k + 1]) * scale
                let b = Float(rgba[4 * k + 2]) * scale
                switch alpha {
                case .ignore:
                    dst[i] = r
                    dst[plane + i] = g
                    dst[2 * plane + i] = b
                case .compositeOverWhite:
                    let a = Float(rgba[4 * k + 3]) * scale
                    let white = 1 - a
                    dst[i] = a * r + white
                    dst[plane + i] = a * g + white
                    dst[2 * plane + i] = a * b + white
                }
                i += target.dx
            }
        }
    }
}
