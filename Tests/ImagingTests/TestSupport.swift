import Foundation
import Imaging
import XCTest

/// The chelsea-224 photo as an `Image` in [0, 1], from its raw RGB dump.
func chelsea() throws -> Image {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "chelsea-224", withExtension: "rgb",
                                              subdirectory: "Fixtures"))
    return Image(width: 224, height: 224, interleavedRGB8: [UInt8](try Data(contentsOf: url)))
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
