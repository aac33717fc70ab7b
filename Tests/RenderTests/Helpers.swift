import Foundation
import Genome
import Imaging
import Render
import XCTest

/// A varied, seeded population covering every primitive (ramped half-and-half plus variants).
func samplePopulation(count: Int, seed: UInt64, limits: Limits) -> [Genome] {
    var rng = SeededGenerator(seed: seed)
    var out = Genome.rampedHalfAndHalf(count: count / 2, depths: 1...7, limits: limits, using: &rng)
    while out.count < count {
        let a = out[Int(rng.next() % UInt64(out.count))], b = out[Int(rng.next() % UInt64(out.count))]
        let (c, _) = Genome.crossover(a, b, limits: limits, using: &rng)
        let kind = Mutation.allCases[Int(rng.next() % UInt64(Mutation.allCases.count))]
        out.append(c.mutated(kind, limits: limits, using: &rng))
    }
    return out
}

/// Largest |a − b| over all samples; fails on a size mismatch.
func maxDifference(_ a: Image, _ b: Image, file: StaticString = #filePath, line: UInt = #line) -> Float {
    guard a.width == b.width, a.height == b.height else {
        XCTFail("size \(a.width)×\(a.height) vs \(b.width)×\(b.height)", file: file, line: line)
        return .infinity
    }
    var worst: Float = 0
    for i in a.pixels.indices { worst = max(worst, abs(a.pixels[i] - b.pixels[i])) }
    return worst
}

/// The checked-in library genomes (name, genome).
func libraryGenomes() throws -> [(String, Genome)] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../genomes/library").standardizedFileURL
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".genome") }.sorted()
    return try files.map { name in
        (name, try Genome(parsing: String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)))
    }
}

/// A smooth picture made by rendering a formula at `side`² and quantising it to bytes.
func renderedPicture(side: Int = 24) throws -> Picture {
    let image = try Renderer.render(try Genome(parsing: "(rgb (sin (* 3 x)) (cos (* 2 (+ y (* 0.5 x)))) (* 1.5 (* x y)))"),
                                    width: side, height: side, threads: 1)
    return try Picture(side: side, bytes: image.pixels.map { UInt8(($0 * 255).rounded()) })
}
