import Foundation
import Store
import XCTest

/// End-to-end tests of evolve/resume with the real classifier (small populations, two
/// framings, few generations and polish steps): resume exactness, crash safety, and what a run
/// leaves behind.
final class EvolveCLITests: XCTestCase {
    let common = ["--class", "rock crab", "--population", "8", "--framings", "2", "--seed", "5"]
    /// The polish of the tests that polish: four steps (the default is 20).
    let polish = ["--polish-steps", "4"]

    /// k generations + `resume` for N − k equals N generations straight: same population, same
    /// best genome and fitness, same records.
    func testResumeEqualsUninterruptedRun() throws {
        try assertResumeEqualsUninterruptedRun(extra: ["--search", "gp"])
    }

    /// The same with constant polish every two generations (gradients through the classifier
    /// and the renderer must be deterministic too), and polished records are marked.
    func testResumeWithConstantPolishEqualsUninterruptedRun() throws {
        let records = try assertResumeEqualsUninterruptedRun(extra: polish + ["--polish-every", "2"])
        XCTAssertTrue(records.contains { $0.polished }, "the run polished")
        XCTAssertTrue(records.allSatisfy { !$0.polished || $0.generation % 2 == 0 })
    }

    /// Under Pareto selection too; and `show --front` lists the last generation's pictures that
    /// no other picture of the population beats on confidence, naturalness and size together.
    func testParetoRunResumesExactlyAndShowsItsFront() throws {
        let (h, _) = try assertResumeEqualsUninterruptedRun(harnessFor: ["--search", "gp", "--select", "pareto"])
        let shown = try h.run(["show", "straight", "--front", "--db", h.database])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.hasPrefix("Pareto front of generation 5 of straight:"), shown.stdout)
        // Rows "k  confidence%  naturalness  nodes  fitness".
        let lines: [[String]] = shown.stdout.split(separator: "\n").map { (line: Substring) -> [String] in
            line.split(separator: " ").map(String.init)
        }
        let rows: [[String]] = lines.filter { (row: [String]) -> Bool in row.count == 5 && Int(row[0]) != nil && row[1].hasSuffix("%") }
        XCTAssertFalse(rows.isEmpty, shown.stdout)
        let points: [[Double]] = rows.map { (row: [String]) -> [Double] in
            [Double(row[1].dropLast())!, -Double(row[2])!, -Double(row[3])!]
        }
        // Confidence and naturalness are printed to 4 significant digits: a row shows that it
        // dominates another only where it is better beyond that rounding in both, and no
        // smaller (node counts are exact).
        func clearlyBetter(_ x: Double, _ y: Double) -> Bool { x - y > 1e-3 * max(abs(x), abs(y)) }
        for a in points {
            for b in points {
                let dominates = clearlyBetter(a[0], b[0]) && clearlyBetter(a[1], b[1]) && a[2] >= b[2]
                XCTAssertFalse(dominates, "\(a) dominates \(b): \(shown.stdout)")
            }
        }
        XCTAssertTrue(shown.stdout.contains("\n\(rows.count) ("), "each front picture's formula is printed: \(shown.stdout)")
    }

    @discardableResult
    func assertResumeEqualsUninterruptedRun(extra: [String]) throws -> [RecordRow] {
        try assertResumeEqualsUninterruptedRun(harnessFor: extra).records
    }

    /// The resume comparison; returns the harness (its database holds runs "straight" and
    /// "split") and the records.
    func assertResumeEqualsUninterruptedRun(harnessFor extra: [String]) throws -> (h: CLIHarness, records: [RecordRow]) {
        let h = try CLIHarness()
        let common = self.common + extra
        let straight = try h.run(["evolve"] + common + ["--run", "straight", "--generations", "5", "--db", h.database])
        XCTAssertEqual(straight.status, 0, straight.stderr)
        let first = try h.run(["evolve"] + common + ["--run", "split", "--generations", "2", "--db", h.database])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("pareidolia resume split"), first.stderr)
        let rest = try h.run(["resume", "split", "--generations", "3", "--db", h.database])
        XCTAssertEqual(rest.status, 0, rest.stderr)

        let store = try RunStore(path: h.database)
        let a = try store.run(named: "straight"), b = try store.run(named: "split")
        // Generation rows 0 (the initial population) through 5.
        XCTAssertEqual(a.generations, 6)
        XCTAssertEqual(b.generations, 6)
        let pa = try XCTUnwrap(store.lastGeneration(run: a.id)), pb = try XCTUnwrap(store.lastGeneration(run: b.id))
        XCTAssertEqual(pa.population, pb.population)
        XCTAssertEqual(pa.rngState, pb.rngState)
        let ra = try store.records(run: a.id), rb = try store.records(run: b.id)
        XCTAssertEqual(ra.map(\.genome), rb.map(\.genome))
        XCTAssertEqual(ra.map(\.fitness), rb.map(\.fitness))
        XCTAssertEqual(ra.map(\.generation), rb.map(\.generation))
        // Every record image exists and carries its genome.
        for r in rb { XCTAssertTrue(FileManager.default.fileExists(atPath: try XCTUnwrap(r.imagePath))) }
        let shown = try h.run(["show", "split", "--db", h.database])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains(try XCTUnwrap(rb.last).genome))
        let listed = try h.run(["runs", "--db", h.database])
        XCTAssertTrue(listed.stdout.contains("straight") && listed.stdout.contains("split"), listed.stdout)
        return (h, rb)
    }

    /// SIGKILL in the middle of a run: the database is intact, nothing committed is lost, and
    /// `resume` completes the run.
    func testKilledRunResumesWithNothingLost() throws {
        let h = try CLIHarness()
        let (process, _, _) = try h.start(["evolve"] + common + polish + ["--run", "killed", "--generations", "1000",
                                                                 "--db", h.database])
        h.waitForRun("killed", generations: 3, while: process, timeout: 180)
        XCTAssertTrue(process.isRunning, "the run ended before it could be killed")
        let before = try RunStore(path: h.database)
        let seen = try before.run(named: "killed")
        let recordsSeen = try before.records(run: seen.id)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        let store = try RunStore(path: h.database)
        XCTAssertTrue(try store.integrityCheck())
        let after = try store.run(named: "killed")
        XCTAssertGreaterThanOrEqual(after.generations, seen.generations)
        let recordsAfter = try store.records(run: after.id)
        XCTAssertEqual(Array(recordsAfter.prefix(recordsSeen.count)), recordsSeen)
        XCTAssertNotNil(try store.lastGeneration(run: after.id))

        let resumed = try h.run(["resume", "killed", "--generations", "2", "--db", h.database])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let final = try RunStore(path: h.database).run(named: "killed")
        XCTAssertEqual(final.generations, after.generations + 2)
        XCTAssertEqual(final.status, .paused)
    }

    /// A run asked for 8 generations, SIGKILLed in the middle, then resumed with no options:
    /// it finishes exactly those 8 (the stop condition is part of the run) and says so.
    func testBareResumeAfterKillFinishesTheAskedGenerations() throws {
        let h = try CLIHarness()
        let (process, _, _) = try h.start(["evolve"] + common + ["--search", "gp", "--run", "asked", "--generations", "8",
                                                                 "--db", h.database])
        h.waitForRun("asked", generations: 3, while: process, timeout: 180)
        XCTAssertTrue(process.isRunning, "the run ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let killedAt = try RunStore(path: h.database).run(named: "asked").generations
        XCTAssertLessThan(killedAt, 9, "killed before its last generation")

        let resumed = try h.run(["resume", "asked", "--db", h.database])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let final = try RunStore(path: h.database).run(named: "asked")
        XCTAssertEqual(final.generations, 9, "generation rows 0…8")
        let shown = try h.run(["show", "asked", "--db", h.database])
        XCTAssertTrue(shown.stdout.contains("until generation 8"), shown.stdout)
        // Nothing is left to do: a second bare resume commits no generation.
        let again = try h.run(["resume", "asked", "--db", h.database])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try RunStore(path: h.database).run(named: "asked").generations, 9)
    }
}
