import Foundation
import XCTest

/// Objective texts a user can get wrong, end to end: each is refused with exit status 1 and one
/// message that names the input and the fix, and writes nothing; the documented leading '-'
/// form is read as an objective.
final class ObjectiveInputCLITests: XCTestCase {
    let photo = "Tests/NetTests/Fixtures/chelsea-224.png"

    func photoPath(_ h: CLIHarness) -> String { h.repository.appendingPathComponent(photo).path }

    /// Exit status 1, every word in the message, and no usage dump from the argument parser.
    func assertRefused(_ r: CLIHarness.Result, mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, "stdout: \(r.stdout) stderr: \(r.stderr)", file: file, line: line)
        for w in words {
            XCTAssertTrue(r.stderr.contains(w), "stderr lacks '\(w)': \(r.stderr)", file: file, line: line)
        }
        XCTAssertFalse(r.stderr.contains("Missing value"), r.stderr, file: file, line: line)
    }

    func testALeadingMinusIsPartOfTheObjective() throws {
        let h = try CLIHarness()
        let classify = try h.run(["classify", photoPath(h), "--objective", "-logit(tench)", "--top", "1"])
        XCTAssertEqual(classify.status, 0, classify.stderr)
        XCTAssertTrue(classify.stdout.hasPrefix("objective -logit(tench) = "), classify.stdout)
        XCTAssertTrue(classify.stdout.contains("1 − p"), "a negated class reports 1 − p: \(classify.stdout)")

        let out = h.directory.appendingPathComponent("opposite.genome").path
        let polish = try h.run(["polish", h.libraryPath + "/marble.genome", "--objective", "-logit(tench)",
                                "--polish-steps", "1", "-o", out])
        XCTAssertEqual(polish.status, 0, polish.stderr)
        XCTAssertTrue(polish.stdout.contains("objective -logit(tench): "), polish.stdout)

        let evolve = try h.run(["evolve", "--objective", "-logit(tench)", "--generations", "0", "--population", "4",
                                "--framings", "1", "--family", "waves", "--waves", "4", "--db", h.database])
        XCTAssertEqual(evolve.status, 0, evolve.stderr)

        // bench evolve reads it too: the command stops at its own bad --seeds, not at the objective.
        let bench = try h.run(["bench", "evolve", "--objective", "-logit(tench)", "--seeds", "0"])
        XCTAssertNotEqual(bench.status, 0)
        XCTAssertTrue(bench.stderr.contains("--seeds"), bench.stderr)
        XCTAssertFalse(bench.stderr.contains("Missing value"), bench.stderr)
    }

    func testWeightsOutsideTheStatedRangeAreRefusedByName() throws {
        let h = try CLIHarness()
        for weight in ["1e38", "1e39", "1e-400", "0", "2000000", "0.0000001"] {
            let text = "\(weight) * class(goldfish)"
            assertRefused(try h.run(["classify", photoPath(h), "--objective", text]),
                          mentioning: ["between 1e-6 and 1e6", "found \(weight)", "column 1"])
            assertRefused(try h.run(["evolve", "--objective", text, "--db", h.database]),
                          mentioning: ["between 1e-6 and 1e6", "found \(weight)"])
        }
        // A weight further on names its own column.
        assertRefused(try h.run(["classify", photoPath(h), "--objective", "class(tench) + 1e7 dream(block10)"]),
                      mentioning: ["column 16", "found 1e7"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
        // The limits are documented where the option is.
        for command in [["evolve"], ["polish"], ["classify"]] {
            let help = try h.run(command + ["--help"])
            XCTAssertTrue(help.stdout.contains("1e-6") && help.stdout.contains("1e6"), "\(command): \(help.stdout)")
        }
    }

    func testAnObjectiveWhoseTermsCancelIsRefused() throws {
        let h = try CLIHarness()
        for text in ["class(goldfish) - class(goldfish)", "0.5 * dream(block10) - 0.5 * dream(block10)",
                     "class(goldfish) - class(1)"] {
            assertRefused(try h.run(["classify", photoPath(h), "--objective", text]),
                          mentioning: ["objective \"\(text)\" is constant", "cancel"])
        }
        assertRefused(try h.run(["evolve", "--objective", "class(goldfish) - class(goldfish)", "--db", h.database]),
                      mentioning: ["is constant"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
    }

    /// Runs `arguments`, failing (and stopping the process) if it has not ended in 60 s.
    func runWithin60Seconds(_ h: CLIHarness, _ arguments: [String]) throws -> CLIHarness.Result {
        let (process, out, err) = try h.start(arguments)
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("\(arguments) still running after 60 s")
        }
        return CLIHarness.Result(status: process.terminationStatus,
                                 stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                                 stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testPicturesMustBeRegularFiles() throws {
        let h = try CLIHarness()
        let fifo = h.directory.appendingPathComponent("photo.png").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0, "mkfifo")
        let folder = h.directory.appendingPathComponent("photos.png").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let cases = [("match", fifo, "a named pipe (FIFO)"), ("style", fifo, "a named pipe (FIFO)"),
                     ("match", folder, "a directory"), ("match", "/dev/null", "a character device")]
        for (function, path, kind) in cases {
            let text = "\(function)(\(path))"
            assertRefused(try runWithin60Seconds(h, ["classify", photoPath(h), "--objective", text]),
                          mentioning: ["picture '\(path)'", "it is \(kind), not a regular file", "PNG file"])
            assertRefused(try runWithin60Seconds(h, ["evolve", "--objective", text, "--db", h.database]),
                          mentioning: ["picture '\(path)'", kind])
        }
    }

    func testAnUnknownNetworkPrefixNamesTheKnownNetworks() throws {
        let h = try CLIHarness()
        let r = try h.run(["classify", photoPath(h), "--objective", "lite3:class(goldfish)"])
        assertRefused(r, mentioning: ["unknown network 'lite3'", "lite0, lite1 or lite2"])
        XCTAssertFalse(r.stderr.contains("--model"), "the network is wrong, not --model: \(r.stderr)")
        assertRefused(try h.run(["evolve", "--objective", "class(goldfish) + vgg16:class(tench)", "--db", h.database]),
                      mentioning: ["unknown network 'vgg16'", "lite0, lite1 or lite2"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
    }
}
