import Foundation
import Imaging
import XCTest

/// The chelsea-224 photo as an `Image` in [0, 1], from its raw RGB dump.
func chelsea() throws -> Image {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "chelsea-224", withExtension: "rgb",
                                              subdirectory: "Fixtures"))
    return Image(width: 224, height: 224, interleavedRGB8: [UInt8](try Data(contentsOf: url)))
}

/// A small seeded generator (SplitMix64) so test images are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An image of uniform random samples in `range`.
func randomImage(width: Int, height: Int, seed: UInt64, in range: ClosedRange<Float> = 0...1) -> Image {
    var rng = SplitMix64(state: seed)
    var image = Image(width: width, height: height)
    for i in image.pixels.indices { image.pixels[i] = Float.random(in: range, using: &rng) }
    return image
}

/// Largest absolute difference between two same-shaped images.
func maxDifference(_ a: Image, _ b: Image) -> Float {
    precondition(a.width == b.width && a.height == b.height)
    return zip(a.pixels, b.pixels).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
