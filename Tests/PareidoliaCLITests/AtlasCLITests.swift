import Foundation
import Store
import XCTest

/// `pareidolia atlas` end to end with the real classifier: SIGKILL mid-batch loses nothing
/// committed and leaves no half-written elite; `--run NAME` and `resume NAME` continue it.
final class AtlasCLITests: XCTestCase {
    let common = ["--classes", "goldfish", "--classes", "rock crab", "--classes", "119", "--population", "6",
                  "--framings", "2", "--polish-steps", "2", "--seed", "4"]

    func testKilledAtlasKeepsEveryCommittedBatchAndResumes() throws {
        let h = try CLIHarness()
        let (process, _, _) = try h.start(["atlas"] + common + ["--run", "killed", "--generations", "100000", "--db", h.database])
        h.waitForRun("killed", generations: 3, while: process, timeout: 180)
        XCTAssertTrue(process.isRunning, "the atlas ended before it could be killed")
        let seen = try RunStore(path: h.database, readOnly: true)
        let seenElites = try seen.elites(run: try seen.run(named: "killed").id)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        let store = try RunStore(path: h.database)
        XCTAssertTrue(try store.integrityCheck())
        let run = try store.run(named: "killed")
        XCTAssertEqual(run.kind, .atlas)
        let last = try XCTUnwrap(store.lastBatch(run: run.id))
        XCTAssertEqual(last.stats.index, run.generations - 1)
        let elites = try store.elites(run: run.id)
        XCTAssertEqual(elites.map(\.cell), [1, 119], "two distinct classes (119 is rock crab)")
        XCTAssertTrue(elites.allSatisfy { $0.batch <= last.stats.index }, "no elite from a batch that was not committed")
        for (before, after) in zip(seenElites, elites) {
            XCTAssertTrue(after.quality > before.quality || after.genome == before.genome
                          || (after.quality == before.quality && after.naturalness <= before.naturalness),
                          "cell \(after.cell) lost its committed elite")
        }

        let resumed = try h.run(["atlas", "--run", "killed", "--generations", "2", "--db", h.database])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try RunStore(path: h.database).run(named: "killed").generations, run.generations + 2)
        let again = try h.run(["resume", "killed", "--generations", "1", "--db", h.database])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try RunStore(path: h.database).run(named: "killed").generations, run.generations + 3)
        let shown = try h.run(["show", "killed", "--db", h.database])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("cells       2"), shown.stdout)
        // An atlas is not an evolve run, and its cells stay as they are.
        assertFails(try h.run(["atlas", "--run", "killed", "--classes", "tench", "--db", h.database]),
                    mentioning: ["killed", "--classes"])
    }
}
