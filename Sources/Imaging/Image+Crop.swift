/// Cropping: arbitrary rectangles and centre crops by a fraction.
extension Image {
    /// The `width`×`height` rectangle whose top-left pixel is (`x`, `y`).
    ///
    /// The rectangle must lie inside the image.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Image {
        precondition(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
                     "crop \(w)×\(h) at (\(x), \(y)) does not fit in \(width)×\(height)")
        var out = Image(width: w, height: h)
        let plane = planeSize
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    for row in 0..<h {
                        let from = c * plane + (y + row) * width + x
                        let to = (c * h + row) * w
                        for i in 0..<w { dst[to + i] = src[from + i] }
                    }
                }
            }
        }
        return out
    }

    /// This image placed at (`x`, `y`) in a `width`×`height` image of zeros: the adjoint of
    /// `cropped`, so a gradient with respect to a crop becomes one with respect to the whole.
    ///
    /// The image must fit inside the new bounds at that position.
    public func embedded(width w: Int, height h: Int, x: Int, y: Int) -> Image {
        precondition(x >= 0 && y >= 0 && x + width <= w && y + height <= h,
                     "\(width)×\(height) at (\(x), \(y)) does not fit in \(w)×\(h)")
        var out = Image(width: w, height: h)
        let plane = planeSize
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    for row in 0..<height {
                        let from = c * plane + row * width
                        let to = (c * h + y + row) * w + x
                        for i in 0..<width { dst[to + i] = src[from + i] }
                    }
                }
            }
        }
        return out
    }

    /// The central part keeping `fraction` of each side, as TF-slim's eval `central_crop`.
    ///
    /// Per axis of length `n`: `start = Int((n − n·fraction) / 2)`, kept length `n − 2·start`
    /// (so 224 → 196 at 0.875, 256 → 224). `fraction` must be in (0, 1].
    public func centreCropped(fraction: Double) -> Image {
        precondition(fraction > 0 && fraction <= 1, "crop fraction must be in (0, 1], got \(fraction)")
        let x0 = Image.cropStart(width, fraction), y0 = Image.cropStart(height, fraction)
        return cropped(x: x0, y: y0, width: width - 2 * x0, height: height - 2 * y0)
    }

    /// The central square whose side keeps `fraction` of the shorter side.
    ///
    /// Side `s = m − 2·Int((m − m·fraction) / 2)` with `m = min(width, height)`, placed at
    /// `((width − s) / 2, (height − s) / 2)`. For a square image this equals `centreCropped`;
    /// for other shapes it keeps the aspect ratio, as torchvision's `Resize` + `CenterCrop` does.
    public func centreSquareCropped(fraction: Double) -> Image {
        precondition(fraction > 0 && fraction <= 1, "crop fraction must be in (0, 1], got \(fraction)")
        let shorter = min(width, height)
        let side = shorter - 2 * Image.cropStart(shorter, fraction)
        return cropped(x: (width - side) / 2, y: (height - side) / 2, width: side, height: side)
    }

    /// First kept index when keeping `fraction` of `length` centred (never past the middle).
    static func cropStart(_ length: Int, _ fraction: Double) -> Int {
        min(Int((Double(length) - Double(length) * fraction) / 2), (length - 1) / 2)
    }
}
