/// Conversions between `Image` and 8-bit interleaved RGB, and clamping to [0, 1].
extension Image {
    /// Builds an image from interleaved 8-bit RGB (`R G B R G B …`, rows top to bottom).
    ///
    /// - Parameter interleavedRGB8: `3 * width * height` bytes; each sample becomes `byte / 255`.
    public init(width: Int, height: Int, interleavedRGB8 bytes: [UInt8]) {
        precondition(bytes.count == 3 * width * height,
                     "expected \(3 * width * height) bytes for \(width)×\(height) RGB, got \(bytes.count)")
        self.init(width: width, height: height)
        let plane = width * height
        let scale: Float = 1 / 255
        bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<plane {
                    dst[i] = Float(src[3 * i]) * scale
                    dst[plane + i] = Float(src[3 * i + 1]) * scale
                    dst[2 * plane + i] = Float(src[3 * i + 2]) * scale
                }
            }
        }
    }

    /// The image as interleaved 8-bit RGB, `3 * width * height` bytes, rows top to bottom.
    ///
    /// Each sample is clamped to [0, 1] and mapped to `round(v * 255)` (halves round up);
    /// NaN maps to 0.
    public func interleavedRGB8() -> [UInt8] {
        let plane = planeSize
        return [UInt8](unsafeUninitializedCapacity: 3 * plane) { dst, count in
            pixels.withUnsafeBufferPointer { src in
                for c in 0..<3 {
                    for i in 0..<plane {
                        dst[3 * i + c] = Image.byte(src[c * plane + i])
                    }
                }
            }
            count = 3 * plane
        }
    }

    /// The byte for one sample: clamp to [0, 1] (NaN → 0), then `round(v * 255)`.
    @inlinable public static func byte(_ v: Float) -> UInt8 {
        UInt8(clampedUnit(v) * 255 + 0.5)
    }

    /// `v` clamped to [0, 1], with NaN mapped to 0.
    @inlinable public static func clampedUnit(_ v: Float) -> Float {
        v > 0 ? (v < 1 ? v : 1) : 0
    }

    /// Clamps every sample to [0, 1] in place (NaN → 0).
    public mutating func clamp() {
        pixels.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = Image.clampedUnit(p[i]) }
        }
    }

    /// A copy with every sample clamped to [0, 1] (NaN → 0).
    public func clamped() -> Image {
        var copy = self
        copy.clamp()
        return copy
    }
}
