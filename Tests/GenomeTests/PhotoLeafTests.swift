import Foundation
import Genome
import XCTest

/// A smooth synthetic picture (no file): each channel a different product of waves.
func wavePicture(side: Int = 16) -> Picture {
    var bytes: [UInt8] = []
    for c in 0..<3 {
        for y in 0..<side {
            for x in 0..<side {
                let v = 128 + 100 * sin(Double(x) * 0.4 + Double(c)) * cos(Double(y) * 0.3 - Double(c))
                bytes.append(UInt8(v.rounded()))
            }
        }
    }
    return try! Picture(side: side, bytes: bytes)
}

/// `photo`: the picture leaf's sampling, its text form with the picture's key, and the
/// operators carrying the picture along.
final class PhotoLeafTests: XCTestCase {
    let picture = wavePicture()

    func testSamplesHitPixelCentresExactlyAndClampAtTheEdges() {
        let side = picture.side
        for c in 0..<3 {
            for (j, i) in [(0, 0), (3, 5), (15, 15), (7, 0)] {
                let u = Float(2 * j + 1) / Float(side) - 1, v = Float(2 * i + 1) / Float(side) - 1
                let byte = picture.bytes[c * side * side + i * side + j]
                XCTAssertEqual(picture.sample(channel: c, u, v), Float(byte) * (2 / 255) - 1, accuracy: 1e-6)
            }
            // Beyond the outer centres: the edge's value, and no slope across the edge.
            XCTAssertEqual(picture.sample(channel: c, -5, -1e6), picture.sample(channel: c, -1, -1))
            XCTAssertEqual(picture.slope(channel: c, 3, 0.1).0, 0)
            XCTAssertEqual(picture.slope(channel: c, 0.1, -3).1, 0)
        }
        // Half-way between two centres: their mean.
        let a = picture.sample(channel: 1, 1 / 16 - 1, 0.3), b = picture.sample(channel: 1, 3 / 16 - 1, 0.3)
        XCTAssertEqual(picture.sample(channel: 1, 2 / 16 - 1, 0.3), (a + b) / 2, accuracy: 1e-6)
    }

    func testSlopesEqualFiniteDifferencesInsideACell() {
        for (u, v) in [(Float(0.11), Float(-0.37)), (-0.52, 0.63), (0.8, 0.02)] {
            for c in 0..<3 {
                let (du, dv) = picture.slope(channel: c, u, v)
                let h: Float = 1e-3
                let fu = (picture.sample(channel: c, u + h, v) - picture.sample(channel: c, u - h, v)) / (2 * h)
                let fv = (picture.sample(channel: c, u, v + h) - picture.sample(channel: c, u, v - h)) / (2 * h)
                XCTAssertEqual(du, fu, accuracy: 2e-2 * max(1, abs(fu)))
                XCTAssertEqual(dv, fv, accuracy: 2e-2 * max(1, abs(fv)))
            }
        }
    }

    func testTextRoundTripsWithThePictureKey() throws {
        let pictures = Pictures([picture])
        let key = picture.keyText
        XCTAssertEqual(key.count, 6)
        let text = "(mix (photo@\(key) (+ x (* 0.1 (sin y))) y) (rgb 0.5 -0.2 x) -0.4)"
        let genome = try Genome(parsing: text, pictures: pictures)
        XCTAssertEqual(genome.description, text)
        XCTAssertEqual(try Genome(parsing: genome.prettyDescription(width: 20), pictures: pictures), genome)
        XCTAssertEqual(genome.pictures, pictures)
        // A bare `photo` names the only picture given.
        XCTAssertEqual(try Genome(parsing: "(photo x y)", pictures: pictures).description, "(photo@\(key) x y)")
        // The key is part of the structural hash (another picture, another formula).
        let other = try Picture(side: 2, bytes: [UInt8](repeating: 9, count: 12))
        let a = try Genome(parsing: "(photo@\(key) x y)", pictures: pictures)
        let b = try Genome(parsing: "(photo@\(other.keyText) x y)", pictures: Pictures([other]))
        XCTAssertNotEqual(a.structuralHash, b.structuralHash)
        XCTAssertNotEqual(a, b)
    }

    func testAMissingPictureIsNamedWithItsPositionAndTheWayOut() {
        let text = "(rgb x\n  (photo@abcdef x y) y)"
        XCTAssertThrowsError(try Genome(parsing: text, pictures: Pictures([picture]))) { error in
            XCTAssertEqual(error as? GenomeError, .missingPicture(key: "abcdef", available: [picture.keyText], line: 2, column: 4))
            XCTAssertTrue("\(error)".contains("photo@\(picture.keyText)"), "\(error)")
        }
        XCTAssertThrowsError(try Genome(parsing: "(photo x y)")) { error in
            XCTAssertTrue("\(error)".contains("--start-from"), "\(error)")
        }
        XCTAssertThrowsError(try Genome(parsing: "(photo@12 x y)", pictures: Pictures([picture])))
        XCTAssertThrowsError(try Genome(nodes: [.photo(key: 5), Node(.x), Node(.y)])) { error in
            XCTAssertEqual(error as? GenomeError, .missingPicture(key: "000005", available: [], line: 0, column: 0))
        }
        var bad = Node.photo(key: 0)
        bad.value = -2.5
        XCTAssertThrowsError(try Genome(nodes: [bad, Node(.x), Node(.y)], pictures: Pictures([picture])))
        XCTAssertThrowsError(try PrimitiveSet(functions: [.photo], terminals: [.x]))
    }

    func testSeedsAndTheirChildrenKeepThePicture() {
        var rng = SeededGenerator(seed: 4)
        let limits = try! Limits(maxDepth: 12, maxNodes: 80)
        let seeds = Genome.photoSeeds(picture, count: 24, limits: limits, using: &rng)
        XCTAssertEqual(seeds.count, 24)
        XCTAssertEqual(seeds[0].description, "(photo@\(picture.keyText) x y)")
        XCTAssertGreaterThan(Set(seeds).count, 20, "varied warps and recolourings")
        for g in seeds { XCTAssertTrue(g.usesPictures && limits.admits(g) && g.pictures[picture.key] != nil, "\(g)") }
        // Every operator's child that samples the picture carries it (a child of a photo-free
        // immigrant and a photo parent included).
        let immigrant = Genome.rampedHalfAndHalf(count: 1, depths: 3...3, limits: limits, using: &rng)[0]
        for i in 0..<200 {
            let a = i % 3 == 0 ? immigrant : seeds[i % seeds.count], b = seeds[(i * 7 + 1) % seeds.count]
            let crossed = Genome.crossover(a, b, limits: limits, using: &rng)
            let mutated = b.mutated(Mutation.allCases[i % Mutation.allCases.count], limits: limits, using: &rng)
            for child in [crossed.0, crossed.1, mutated, b.simplified()] where child.usesPictures {
                XCTAssertNotNil(child.pictures[picture.key], "\(child)")
                XCTAssertEqual(try Genome(parsing: child.description, pictures: Pictures([picture])), child)
            }
        }
    }
}
