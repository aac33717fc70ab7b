import Foundation
import ImageIO
import Imaging
import XCTest

/// A seeded mutation loop over valid PNGs: every mutant must give an image or an
/// `ImageIOError` naming the file, never a crash, a hang or an allocation past the budget.
final class PNGFuzzTests: XCTestCase {
    /// Seconds the loop may run (it also stops after `maxCases`); ~2.5 s in release.
    private let budgetSeconds = 2.5
    private let maxCases = 20_000
    /// A small pixel budget, so a mutated header cannot make a legitimate 1 GB decode.
    private let limits = PNGLimits(maxPixels: 1 << 20, maxChunkBytes: 1 << 16, maxAncillaryChunks: 16)

    func testMutatedPNGsGiveAnImageOrAnError() throws {
        let directory = try TemporaryDirectory()
        var seeds = try ["grey1.png", "grey16.png", "rgb16.png", "rgba8.png", "palette2.png", "palette8trns.png",
                         "interlaced.png", "text.png", "greyalpha8.png"].map { try Fixture.data($0) }
        let written = directory.file("written.png")
        try PNGFile.write(Image(width: 9, height: 5, fill: 0.3), to: written, text: ["genome": "(rgb x y r)"])
        seeds.append(try Fixture.data("written.png", in: directory))
        seeds.append(PNGBuilder.zeros(width: 64, height: 48, bitDepth: 16, colorType: 6,
                                      textAfter: [("genome", "(sin x)")]))

        var rng = FuzzGenerator(seed: 0x5EED_F022)
        let start = Date()
        var cases = 0, images = 0, errors = 0
        let peakBefore = peakResidentBytes()
        while cases < maxCases, Date().timeIntervalSince(start) < budgetSeconds {
            let seed = seeds[rng.below(seeds.count)]
            let mutant = Self.mutate(seed, using: &rng)
            let path = try directory.write(mutant, to: "case.png")
            cases += 1
            do {
                let decoded = try PNGFile.read(path, limits: limits)
                XCTAssertLessThanOrEqual(decoded.image.width * decoded.image.height, limits.maxPixels)
                images += 1
            } catch let error as ImageIOError {
                errors += 1
                XCTAssertTrue(error.description.contains(path), "case \(cases): \(error)")
            } catch {
                XCTFail("case \(cases): not an ImageIOError: \(error)")
            }
            do { _ = try PNGFile.readText(path, limits: limits) } catch is ImageIOError {} catch {
                XCTFail("case \(cases): readText threw \(error)")
            }
        }
        XCTAssertGreaterThan(cases, 200, "the loop ran too few cases to mean anything")
        XCTAssertGreaterThan(images, 0)
        XCTAssertGreaterThan(errors, 0)
        XCTAssertLessThan(peakResidentBytes() - peakBefore, 256 << 20, "peak memory grew during the fuzz loop")
        print("PNG fuzz: \(cases) cases, \(images) decoded, \(errors) refused")
    }

    /// One to three random edits, then usually every chunk's CRC fixed so the mutant gets past
    /// the CRC check into libpng's chunk and pixel code.
    static func mutate(_ original: [UInt8], using rng: inout FuzzGenerator) -> [UInt8] {
        var bytes = original
        let chunks = chunkRanges(original)
        for _ in 0...rng.below(3) {
            guard bytes.count > 8 else { break }
            switch rng.below(7) {
            case 0:   // flip bits of a random byte
                bytes[rng.below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 + rng.below(255))
            case 1:   // an extreme 32-bit value somewhere (lengths, sizes)
                let at = rng.below(bytes.count - 3)
                let values: [UInt32] = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 16000, 65535]
                bytes.replaceSubrange(at..<(at + 4), with: bigEndian(values[rng.below(values.count)]))
            case 2:   // truncate
                bytes.removeLast(rng.below(bytes.count - 8) + 1)
            case 3:   // duplicate a range
                let a = rng.below(bytes.count), b = min(bytes.count, a + rng.below(64) + 1)
                bytes.insert(contentsOf: bytes[a..<b], at: rng.below(bytes.count))
            case 4:   // delete a range
                let a = 8 + rng.below(bytes.count - 8), b = min(bytes.count, a + rng.below(32) + 1)
                bytes.removeSubrange(a..<b)
            default:  // edit inside one chunk's type or data, maybe fixing its CRC
                guard let chunk = chunks.randomElement(using: &rng), chunk.upperBound <= bytes.count else { continue }
                let body = (chunk.lowerBound + 4)..<(chunk.upperBound - 4)
                for _ in 0...rng.below(4) where !body.isEmpty {
                    bytes[body.lowerBound + rng.below(body.count)] = UInt8(truncatingIfNeeded: rng.next())
                }
                if rng.below(2) == 0 {
                    bytes.replaceSubrange((chunk.upperBound - 4)..<chunk.upperBound,
                                          with: bigEndian(CRC32.of(Array(bytes[body]))))
                }
            }
        }
        // Most of the time, make every CRC right so libpng looks past the CRC check.
        if rng.below(10) < 7 {
            for chunk in chunkRanges(bytes) {
                let body = Array(bytes[(chunk.lowerBound + 4)..<(chunk.upperBound - 4)])
                bytes.replaceSubrange((chunk.upperBound - 4)..<chunk.upperBound, with: bigEndian(CRC32.of(body)))
            }
        }
        return bytes
    }

    /// Byte ranges (length field to CRC, inclusive) of the chunks of a valid PNG.
    static func chunkRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var at = 8
        while at + 12 <= bytes.count {
            let length = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard at + 12 + length <= bytes.count else { break }
            ranges.append(at..<(at + 12 + length))
            at += 12 + length
        }
        return ranges
    }
}

/// Reproducible mutations: Imaging's SplitMix64.
typealias FuzzGenerator = SplitMix64

extension SplitMix64 {
    init(seed: UInt64) { self.init(state: seed) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

extension Fixture {
    /// The bytes of a file written into `directory`.
    static func data(_ name: String, in directory: TemporaryDirectory) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.file(name))))
    }
}
