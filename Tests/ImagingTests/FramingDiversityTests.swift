import Foundation
import Imaging
import XCTest

/// Input diversity (`FramingDiversity`): each kind and all together pass the adjoint identity of
/// the framing's affine map (⟨A x − A 0, y⟩ = ⟨x, Aᵀ y⟩); a framing is the same every time it
/// is applied (the noise comes from its seed); ranges that are off draw nothing and leave the
/// framings, and their stored form, as before.
final class FramingDiversityTests: XCTestCase {
    func image(_ size: Int, seed: UInt64) -> Image { randomImage(width: size, height: size, seed: seed) }

    func assertAdjoint(_ framing: Framing, source: Int, output: Int, seed: UInt64, _ what: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        let sampler = FramingSampler(framing, sourceSize: source, outputSize: output)
        let x = image(source, seed: seed), y = image(output, seed: seed &+ 1)
        let ax = sampler.apply(x), a0 = sampler.apply(Image(width: source, height: source))
        var aty = [Float](repeating: 0, count: 3 * source * source)
        sampler.accumulateAdjoint(y, into: &aty)
        var lhs: Double = 0, rhs: Double = 0
        for k in y.pixels.indices { lhs += Double(ax.pixels[k] - a0.pixels[k]) * Double(y.pixels[k]) }
        for k in x.pixels.indices { rhs += Double(x.pixels[k]) * Double(aty[k]) }
        XCTAssertEqual(lhs, rhs, accuracy: 1e-9 + 1e-4 * abs(lhs), what, file: file, line: line)
    }

    func testEveryKindPassesTheAdjointIdentity() {
        let kinds: [(String, FramingDiversity.Ranges)] = [
            ("pad", .init(pad: 0.4)), ("perspective", .init(perspective: 0.3)), ("blur", .init(blur: 1.5)),
            ("colour", .init(colour: 0.2)), ("noise", .init(noise: 0.05)), ("all", .mild),
        ]
        var rng = SplitMix64(state: 17)
        for (name, diversity) in kinds {
            let ranges = Framing.Ranges(scale: 0.7...1, degrees: 10, mirror: 0.5, diversity: diversity)
            for (source, output) in [(64, 40), (40, 64), (50, 50)] {
                for _ in 0..<3 {
                    let framing = Framing.random(ranges, using: &rng)
                    XCTAssertFalse(framing.diversity.isNeutral, name)
                    assertAdjoint(framing, source: source, output: output, seed: rng.next(), "\(name) \(source)→\(output)")
                }
            }
        }
    }

    /// Each kind changes the picture; the same framing gives the same picture twice.
    func testEachKindChangesThePictureAndIsRepeatable() {
        let x = image(48, seed: 5)
        let plain = FramingSampler(.identity, sourceSize: 48, outputSize: 48).apply(x)
        var d = FramingDiversity()
        let variants: [(String, (inout FramingDiversity) -> Void)] = [
            ("shrink", { $0.shrink = 0.8; $0.padX = 0.2 }), ("keystone", { $0.keystoneX = 0.2 }), ("blur", { $0.blur = 1 }),
            ("gain", { $0.gain = [1.1, 0.9, 1] }), ("offset", { $0.offset = [0.05, 0, -0.05] }),
            ("noise", { $0.noise = 0.02; $0.noiseSeed = 9 }),
        ]
        for (name, change) in variants {
            d = FramingDiversity()
            change(&d)
            let sampler = FramingSampler(Framing(diversity: d), sourceSize: 48, outputSize: 48)
            let once = sampler.apply(x), twice = sampler.apply(x)
            XCTAssertEqual(once, twice, "\(name) is repeatable")
            XCTAssertNotEqual(once, plain, "\(name) changes the picture")
        }
        // A shrunk picture's margin is the padding's grey.
        d = FramingDiversity()
        d.shrink = 0.5
        d.padX = 0
        d.padY = 0
        let shrunk = FramingSampler(Framing(diversity: d), sourceSize: 48, outputSize: 48).apply(x)
        XCTAssertEqual(shrunk.pixels[47 * 48 + 47], FramingDiversity.padValue, accuracy: 1e-6)
    }

    /// Off ranges draw the same five numbers as before and store the same bytes.
    func testOffRangesLeaveFramingsAndTheirStoredFormAsBefore() throws {
        var a = SplitMix64(state: 3), b = SplitMix64(state: 3)
        let before = Framing.random(.standard, using: &a)
        let withOff = Framing.random(Framing.Ranges(scale: 0.7...1, degrees: 10, mirror: 0.5, diversity: .init()), using: &b)
        XCTAssertEqual(before, withOff)
        XCTAssertEqual(a.next(), b.next())
        let json = String(decoding: try JSONEncoder().encode(Framing.Ranges.standard), as: UTF8.self)
        XCTAssertFalse(json.contains("diversity"), json)
        XCTAssertEqual(try JSONDecoder().decode(Framing.Ranges.self, from: Data(json.utf8)), .standard)
        var mild = Framing.Ranges.standard
        mild.diversity = .mild
        XCTAssertEqual(try JSONDecoder().decode(Framing.Ranges.self, from: try JSONEncoder().encode(mild)), mild)
    }
}
