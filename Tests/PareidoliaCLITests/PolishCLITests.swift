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
                           "--steps", "10", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("confidence") })
        // "confidence A% → B%, …": B ≥ A.
        let numbers = line.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: "%,"))) }
        XCTAssertGreaterThan(numbers[1], numbers[0], String(line))
        let rendered = try h.run(["render", out, "--size", "64", "--aa", "1", "-o", h.directory.appendingPathComponent("r.png").path])
        XCTAssertEqual(rendered.status, 0, rendered.stderr)
    }

    func testPolishingARunStoresAPolishedRecord() throws {
        let h = try CLIHarness()
        let evolve = try h.run(["evolve", "--class", "rock crab", "--population", "8", "--generations", "1",
                                "--run", "crab", "--db", h.database])
        XCTAssertEqual(evolve.status, 0, evolve.stderr)
        let out = h.directory.appendingPathComponent("crab-polished.png").path
        let r = try h.run(["polish", "crab", "--steps", "5", "-o", out, "--db", h.database])
        XCTAssertEqual(r.status, 0, r.stderr)
        let store = try RunStore(path: h.database)
        let records = try store.records(run: try store.run(named: "crab").id)
        let polished = try XCTUnwrap(records.last)
        XCTAssertTrue(polished.polished)
        XCTAssertEqual(polished.imagePath, out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
    }
}
