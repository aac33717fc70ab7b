import Imaging

/// What `PNGFile.read` does with a PNG's alpha channel (or `tRNS` transparency).
public enum AlphaHandling: Sendable, Equatable {
    /// Blend each pixel over a white background: `v = a·c + (1 − a)`, as most viewers show it
    /// on a white page. The default.
    case compositeOverWhite
    /// Drop alpha and keep the stored colour, as PIL's `convert("RGB")` does.
    case ignore
}

/// Conversion of libpng's expanded RGBA rows into a planar `Image`.
enum PNGPixels {
    /// Planar RGB samples from `width * height` interleaved RGBA samples of type `Sample`.
    ///
    /// Samples are divided by `maxValue` (255 or 65535); alpha is applied per `alpha`.
    static func planar<Sample: FixedWidthInteger & UnsignedInteger>(
        rgba: UnsafePointer<Sample>, width: Int, height: Int, maxValue: Float, alpha: AlphaHandling
    ) -> Image {
        var image = Image(width: width, height: height)
        let plane = width * height
        let scale = 1 / maxValue
        image.pixels.withUnsafeMutableBufferPointer { dst in
            for i in 0..<plane {
                let r = Float(rgba[4 * i]) * scale
                let g = Float(rgba[4 * i + 1]) * scale
                let b = Float(rgba[4 * i + 2]) * scale
                switch alpha {
                case .ignore:
                    dst[i] = r
                    dst[plane + i] = g
                    dst[2 * plane + i] = b
                case .compositeOverWhite:
                    let a = Float(rgba[4 * i + 3]) * scale
                    let white = 1 - a
                    dst[i] = a * r + white
                    dst[plane + i] = a * g + white
                    dst[2 * plane + i] = a * b + white
                }
            }
        }
        return image
    }
}
