import Foundation
import Store
import XCTest

/// `pareidolia polish` end to end: the polished genome is a valid formula that scores at least
/// as well, and polishing a run stores a polished record.
final class PolishCLITests: XCTestCase {
    func testConstantPolishOfAGenomeFileRaisesConfidence() throws {
        let h = try CLIHarness()
        let out = h.directory.appendingPathComponent("reef.genome").path
        let r = try h.run(["polish", h.libraryPath + "/marble.genome", "--class", "coral reef",
                           "--polish-steps", "10", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("confidence") })
        // "confidence A% → B%, …": B ≥ A.
        let numbers = line.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: "%,"))) }
        XCTAssertGreaterThan(numbers[1], numbers[0], String(line))
        let rendered = try h.run(["render", out, "--size", "64", "--aa", "1", "-o", h.directory.appendingPathComponent("r.png").path])
        XCTAssertEqual(rendered.status, 0, rendered.stderr)
    }

    /// An objective of inner features has no confidence: polish prints the objective it climbed,
    /// before → after, and those numbers are what `classify --objective` reads from 224² renders
    /// of the start and polished genomes.
    func testPolishingAChannelPrintsTheObjectiveAsClassifyMeasuresIt() throws {
        let h = try CLIHarness()
        let objective = "channel(block12, 57)"
        let start = h.libraryPath + "/marble.genome", out = h.directory.appendingPathComponent("channel.genome").path
        let r = try h.run(["polish", start, "--objective", objective, "--polish-steps", "5", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertFalse(lines.contains { $0.contains("confidence") }, "no confidence for a channel: \(r.stdout)")
        let line = try XCTUnwrap(lines.first { $0.hasPrefix("objective \(objective): ") }, r.stdout)
        // "objective channel(block12, 57): A → B (…)"
        let values = line.dropFirst("objective \(objective): ".count).split(separator: " ")
        XCTAssertEqual(values[1], "→", line)
        let (before, after) = (try XCTUnwrap(Double(values[0]), line), try XCTUnwrap(Double(values[2]), line))
        XCTAssertNotEqual(before, after, "five steps move a channel: \(line)")

        func classified(_ genome: String) throws -> Double {
            let png = h.directory.appendingPathComponent(UUID().uuidString + ".png").path
            let rendered = try h.run(["render", genome, "--size", "224", "--aa", "1", "-o", png])
            XCTAssertEqual(rendered.status, 0, rendered.stderr)
            let c = try h.run(["classify", png, "--objective", objective, "--top", "1"])
            XCTAssertEqual(c.status, 0, c.stderr)
            let first = try XCTUnwrap(c.stdout.split(separator: "\n").first.map(String.init))
            XCTAssertFalse(first.contains("confidence"), first)
            let prefix = "objective \(objective) = "
            XCTAssertTrue(first.hasPrefix(prefix), first)
            return try XCTUnwrap(Double(first.dropFirst(prefix.count)), first)
        }
        XCTAssertEqual(try classified(start), before, accuracy: 1e-4 * max(1, abs(before)))
        XCTAssertEqual(try classified(out), after, accuracy: 1e-4 * max(1, abs(after)))
    }

    /// `dream` writes every frame as a PNG and a page that plays them; a zoom that does not
    /// magnify is refused with the range.
    func testDreamWritesItsFramesAndAPage() throws {
        let h = try CLIHarness()
        let out = h.directory.appendingPathComponent("zoom").path
        let r = try h.run(["dream", h.libraryPath + "/marble.genome", "--frames", "3", "--polish-steps", "2", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("frame 3/3: objective"), r.stdout)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(files, ["frame-000.png", "frame-001.png", "frame-002.png", "frames.html"])
        let page = try String(contentsOfFile: out + "/frames.html", encoding: .utf8)
        XCTAssertTrue(page.contains("\"frame-002.png\"") && page.contains("dream(block10)"), page)
        let bad = try h.run(["dream", h.libraryPath + "/marble.genome", "--zoom", "0.9", "-o", out])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--zoom must be above 1 and at most 4"), bad.stderr)
    }

    func testPolishingARunStoresAPolishedRecord() throws {
        let h = try CLIHarness()
        let evolve = try h.run(["evolve", "--class", "rock crab", "--population", "8", "--generations", "1",
                                "--run", "crab", "--db", h.database])
        XCTAssertEqual(evolve.status, 0, evolve.stderr)
        let out = h.directory.appendingPathComponent("crab-polished.png").path
        let r = try h.run(["polish", "crab", "--polish-steps", "5", "-o", out, "--db", h.database])
        XCTAssertEqual(r.status, 0, r.stderr)
        let store = try RunStore(path: h.database)
        let records = try store.records(run: try store.run(named: "crab").id)
        let polished = try XCTUnwrap(records.last)
        XCTAssertTrue(polished.polished)
        XCTAssertEqual(polished.imagePath, out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
    }
}
