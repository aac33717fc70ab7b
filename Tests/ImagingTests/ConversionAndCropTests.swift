import Imaging
import XCTest

/// Interleaved 8-bit conversions, clamping and crops.
final class ConversionAndCropTests: XCTestCase {
    func testInterleavedRoundTripIsExact() {
        var rng = SplitMix64(state: 7)
        let bytes = (0..<(3 * 5 * 4)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let image = Image(width: 5, height: 4, interleavedRGB8: bytes)
        XCTAssertEqual(image.interleavedRGB8(), bytes)
        // Planar layout: pixel (x, y) channel c comes from byte 3·(y·W + x) + c.
        XCTAssertEqual(image[2, 3, 1], Float(bytes[3 * (1 * 5 + 3) + 2]) / 255)
    }

    func testQuantisationClampsAndRounds() {
        let pixels: [Float] = [-1, 2, .nan, 0.5 / 255, 0.49 / 255, 254.5 / 255]
        let image = Image(width: 2, height: 1, pixels: pixels)
        XCTAssertEqual(image.interleavedRGB8(), [0, 0, 0, 255, 1, 255]) // R G B of pixel 0, then pixel 1
        let clamped: [Float] = [0, 1, 0, 0.5 / 255, 0.49 / 255, 254.5 / 255]
        XCTAssertEqual(image.clamped().pixels, clamped)
    }

    /// `embedded` is the adjoint of `cropped`: ⟨crop(A), B⟩ = ⟨A, embed(B)⟩, zeros outside.
    func testEmbedIsTheAdjointOfCrop() {
        let a = randomImage(width: 9, height: 7, seed: 2), b = randomImage(width: 4, height: 3, seed: 3)
        let crop = a.cropped(x: 5, y: 2, width: 4, height: 3)
        let embedded = b.embedded(width: 9, height: 7, x: 5, y: 2)
        let left = zip(crop.pixels, b.pixels).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(a.pixels, embedded.pixels).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        XCTAssertEqual(left, right, accuracy: 1e-9)
        XCTAssertEqual(embedded.cropped(x: 5, y: 2, width: 4, height: 3), b)
        XCTAssertEqual(embedded.pixels.filter { $0 != 0 }.count, b.pixels.filter { $0 != 0 }.count)
    }

    func testCropCopiesTheRectangle() {
        let image = randomImage(width: 9, height: 7, seed: 1)
        let crop = image.cropped(x: 2, y: 3, width: 4, height: 3)
        XCTAssertEqual(crop.width, 4)
        XCTAssertEqual(crop.height, 3)
        for c in 0..<3 {
            for y in 0..<3 {
                for x in 0..<4 { XCTAssertEqual(crop[c, x, y], image[c, x + 2, y + 3]) }
            }
        }
    }

    func testCentreCropSizesMatchTFSlim() {
        // TF-slim central_crop: start = Int((n − 0.875 n) / 2), kept n − 2·start.
        let cases: [(Int, Int, Int, Int)] = [(224, 14, 196, 196), (256, 16, 224, 224), (100, 6, 88, 88)]
        for (n, start, kept, _) in cases {
            let image = randomImage(width: n, height: n, seed: UInt64(n))
            let crop = image.centreCropped(fraction: 0.875)
            XCTAssertEqual(crop.width, kept)
            XCTAssertEqual(crop.height, kept)
            XCTAssertEqual(crop, image.cropped(x: start, y: start, width: kept, height: kept))
        }
        let wide = randomImage(width: 300, height: 200, seed: 3)
        let perAxis = wide.centreCropped(fraction: 0.875)
        XCTAssertEqual([perAxis.width, perAxis.height], [264, 176])
        let square = wide.centreSquareCropped(fraction: 0.875)
        XCTAssertEqual(square, wide.cropped(x: 62, y: 12, width: 176, height: 176))
        XCTAssertEqual(wide.centreCropped(fraction: 1), wide)
    }
}
