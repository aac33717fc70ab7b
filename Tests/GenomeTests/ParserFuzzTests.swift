import Foundation
import Genome
import XCTest

/// A seeded mutation loop over the library genomes: every mutant parses to a genome that
/// prints and parses back to itself, or fails with a positioned `GenomeError`; never a crash
/// or a hang.
final class ParserFuzzTests: XCTestCase {
    /// Seconds the loop may run (it also stops after `maxCases`); ~2.5 s in release.
    private let budgetSeconds = 2.5
    private let maxCases = 100_000

    func testMutatedLibraryGenomesParseOrFailWithAPosition() throws {
        let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../genomes/library").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: library.path)
            .filter { $0.hasSuffix(".genome") }.sorted()
        let seeds = try names.map { Array(try Data(contentsOf: library.appendingPathComponent($0))) }
        XCTAssertGreaterThan(seeds.count, 5, "library genomes not found in \(library.path)")
        for (name, seed) in zip(names, seeds) {
            XCTAssertNoThrow(try Genome(parsing: String(decoding: seed, as: UTF8.self)), name)
        }

        var rng = SeededGenerator(seed: 0xF022)
        let start = Date()
        var cases = 0, parsed = 0
        while cases < maxCases, Date().timeIntervalSince(start) < budgetSeconds {
            let mutant = Self.mutate(seeds[Int(rng.next() % UInt64(seeds.count))], seeds: seeds, using: &rng)
            let text = String(decoding: mutant, as: UTF8.self)
            cases += 1
            do {
                let genome = try Genome(parsing: text)
                parsed += 1
                let back = try Genome(parsing: genome.description)
                XCTAssertEqual(back.nodes, genome.nodes, "case \(cases): print/parse round trip")
            } catch let error as GenomeError {
                XCTAssertFalse(error.description.isEmpty)
            } catch {
                XCTFail("case \(cases): not a GenomeError: \(error)")
            }
        }
        XCTAssertGreaterThan(cases, 500)
        XCTAssertGreaterThan(parsed, 0)
        XCTAssertLessThan(parsed, cases)
        print("genome fuzz: \(cases) cases, \(parsed) parsed")
    }

    /// One to four edits: byte flips, deleted or duplicated spans, inserted tokens and
    /// splices from another genome.
    static func mutate(_ original: [UInt8], seeds: [[UInt8]], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        let tokens = ["(", ")", " ", "x", "y", "r", "sin", "rgb", "-", "1e9", "nan", "inf", "-0", ";", "\n",
                      "\u{FEFF}", "é", "\u{0}", "((((((((", "))))", "0x1p3", "1.5.5", "+"]
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        for _ in 0...below(4) {
            switch below(6) {
            case 0 where !bytes.isEmpty:
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 1 where !bytes.isEmpty:
                let a = below(bytes.count), b = min(bytes.count, a + below(24) + 1)
                bytes.removeSubrange(a..<b)
            case 2 where !bytes.isEmpty:
                let a = below(bytes.count), b = min(bytes.count, a + below(40) + 1)
                bytes.insert(contentsOf: bytes[a..<b], at: below(bytes.count))
            case 3:
                bytes.insert(contentsOf: Array(tokens[below(tokens.count)].utf8), at: below(bytes.count + 1))
            case 4:
                let other = seeds[below(seeds.count)]
                let a = below(other.count), b = min(other.count, a + below(80) + 1)
                bytes.insert(contentsOf: other[a..<b], at: below(bytes.count + 1))
            default:
                if !bytes.isEmpty { bytes.removeLast(below(bytes.count) + 1) }
            }
        }
        return bytes
    }
}
