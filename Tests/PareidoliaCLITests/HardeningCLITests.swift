import Foundation
import Store
import XCTest

/// Limits, signals, locks and run clean-up, as a careless or hostile user meets them.
final class HardeningCLITests: XCTestCase {
    /// Negative, non-finite and huge numbers get the range in the message, not "missing value".
    func testNegativeNonFiniteAndHugeNumbers() throws {
        let h = try CLIHarness()
        assertFails(try h.run(["evolve", "--class", "goldfish", "--population", "-5", "--db", h.database]),
                    mentioning: ["--population must be 4…1024", "-5"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--population", "1000000000", "--db", h.database]),
                    mentioning: ["--population must be 4…1024", "memory"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--minutes", "-1", "--db", h.database]),
                    mentioning: ["--minutes must be a positive number"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--minutes", "inf", "--db", h.database]),
                    mentioning: ["--minutes must be a positive number"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--generations", "100000000000", "--db", h.database]),
                    mentioning: ["--generations must be 0…10000000"])
        assertFails(try h.run(["classify", "x.png", "--top", "-1"]), mentioning: ["--top must be 1…1000"])
        assertFails(try h.run(["render", h.libraryPath + "/marble.genome", "--size", "-1", "-o", "m.png"]),
                    mentioning: ["cannot render", "-1"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
    }

    /// Ctrl-C during a huge render ends it within seconds, writing nothing.
    func testInterruptStopsABigRender() throws {
        let h = try CLIHarness()
        let out = h.directory.appendingPathComponent("big.png").path
        let (process, _, err) = try h.start(["render", h.libraryPath + "/marble.genome", "--size", "8192", "--aa", "16", "-o", out])
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertTrue(process.isRunning)
        let sent = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(sent), 10, "stopped promptly")
        XCTAssertNotEqual(process.terminationStatus, 0)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(stderr.contains("interrupted"), stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// A second writer on a run is refused at once, naming the holder; after a SIGKILL the run
    /// reads as interrupted, and its lock is taken over by the next resume.
    func testSecondWriterIsRefusedAndAKilledRunIsInterrupted() throws {
        let h = try CLIHarness()
        let (process, _, _) = try h.start(["evolve", "--class", "goldfish", "--population", "8", "--search", "gp",
                                           "--run", "held", "--generations", "10000", "--db", h.database])
        h.waitForRun("held", generations: 2, while: process)
        XCTAssertTrue(process.isRunning)
        let started = Date()
        let second = try h.run(["resume", "held", "--generations", "1", "--db", h.database])
        assertFails(second, mentioning: ["held", "pid \(process.processIdentifier)"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "refused at once, not after a generation")
        let listed = try h.run(["runs", "--db", h.database])
        XCTAssertTrue(listed.stdout.contains("running"), listed.stdout)

        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let after = try h.run(["runs", "--db", h.database])
        XCTAssertTrue(after.stdout.contains("interrupted"), after.stdout)
        let resumed = try h.run(["resume", "held", "--generations", "1", "--db", h.database])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    /// A run killed before its first generation can be deleted and started again, and the
    /// messages on the way say so.
    func testRunWithoutGenerationsCanBeDeleted() throws {
        let h = try CLIHarness()
        let (process, _, _) = try h.start(["evolve", "--class", "goldfish", "--population", "1024", "--framings", "2",
                                           "--run", "p", "--db", h.database])
        XCTAssertNotNil(h.waitForRun("p", while: process, timeout: 60))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(try RunStore(path: h.database, readOnly: true).run(named: "p").generations, 0)
        assertFails(try h.run(["resume", "p", "--db", h.database]), mentioning: ["runs --delete p"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--run", "p", "--db", h.database]),
                    mentioning: ["never committed", "runs --delete p"])
        let deleted = try h.run(["runs", "--delete", "p", "--db", h.database])
        XCTAssertEqual(deleted.status, 0, deleted.stderr)
        XCTAssertThrowsError(try RunStore(path: h.database, readOnly: true).run(named: "p"))
    }

    /// Ctrl-C while the first population is being built ends the command cleanly and leaves
    /// no empty run behind.
    func testInterruptWhileBuildingThePopulation() throws {
        let h = try CLIHarness()
        let (process, _, err) = try h.start(["evolve", "--class", "goldfish", "--population", "1024", "--framings", "2",
                                             "--run", "big", "--db", h.database])
        h.waitForRun("big", while: process, timeout: 60)
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(stderr.contains("before run 'big' committed its first generation"), stderr)
        XCTAssertThrowsError(try RunStore(path: h.database, readOnly: true).run(named: "big"))
    }

    /// Ctrl-C in the middle of a run finishes the generation in flight, commits it, says how to
    /// resume, and leaves the run paused and free for the next writer.
    func testInterruptMidRunCommitsAndReleases() throws {
        let h = try CLIHarness()
        let (process, _, err) = try h.start(["evolve", "--class", "goldfish", "--population", "8", "--search", "gp",
                                             "--run", "c", "--generations", "10000", "--db", h.database])
        let committed = h.waitForRun("c", generations: 2, while: process) ?? 0
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("Resume with: pareidolia resume c"), stderr)
        let run = try RunStore(path: h.database, readOnly: true).run(named: "c")
        XCTAssertEqual(run.status, .paused)
        XCTAssertGreaterThanOrEqual(run.generations, committed)
        let resumed = try h.run(["resume", "c", "--generations", "1", "--db", h.database])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }
}
