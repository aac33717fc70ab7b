import Foundation
import Store
import XCTest

/// Names and files a user meets: a database on read-only media, hints that name the command's
/// own options, control characters in names, names derived from --run, and the records folder
/// of a deleted run.
final class NamesAndFilesCLITests: XCTestCase {
    private func quickRun(_ name: String, _ h: CLIHarness, db: String? = nil) -> [String] {
        ["evolve", "--class", "goldfish", "--run", name, "--population", "4", "--generations", "0",
         "--framings", "1", "--family", "waves", "--waves", "4", "--db", db ?? h.database]
    }

    func testRunsAndShowReadADatabaseOnReadOnlyMedia() throws {
        let h = try CLIHarness()
        let source = h.directory.appendingPathComponent("disc")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let db = source.appendingPathComponent("runs.sqlite").path
        let made = try h.run(quickRun("kept", h, db: db))
        XCTAssertEqual(made.status, 0, made.stderr)
        // A read-only bind mount of the folder, in a mount namespace of its own (as root, or as
        // the root of a user namespace): what a CD or a read-only snapshot looks like.
        let mount = h.directory.appendingPathComponent("mnt")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        let program = CLIHarness.executable.path
        for command in [["runs"], ["show", "kept"]] {
            let script = "mount --bind \"$1\" \"$2\" && mount -o remount,ro,bind \"$2\" && shift 2 && exec \"$@\""
            let result = try h.run(external: "/usr/bin/unshare", ["-rm", "sh", "-c", script, "sh", source.path, mount.path,
                                                                  program] + command + ["--db", mount.path + "/runs.sqlite"])
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("kept"), "\(command): \(result.stdout)")
            XCTAssertFalse(result.stderr.contains("cannot open"), result.stderr)
        }
        // The mount really was read-only: nothing could be written there.
        let probe = try h.run(external: "/usr/bin/unshare", ["-rm", "sh", "-c",
            "mount --bind \"$1\" \"$2\" && mount -o remount,ro,bind \"$2\" && touch \"$2/probe\"", "sh", source.path, mount.path])
        XCTAssertNotEqual(probe.status, 0, "the mount accepted a write")
    }

    func testAnUnwritableRecordsFolderNamesTheDatabaseOption() throws {
        let h = try CLIHarness()
        // A file where the records folder runs/ would go: no folder can be made there.
        XCTAssertTrue(FileManager.default.createFile(atPath: h.directory.appendingPathComponent("runs").path, contents: Data()))
        let result = try h.run(quickRun("blocked", h))
        assertFails(result, mentioning: ["records folder", "--db"])
        XCTAssertFalse(result.stderr.contains("--out"), "evolve has no --out: \(result.stderr)")
    }

    func testControlCharactersInANameAreShownEscaped() throws {
        let h = try CLIHarness()
        XCTAssertEqual(try h.run(quickRun("ok", h)).status, 0)
        for arguments in [quickRun("evil\u{1B}]0;owned\u{07}name", h), ["show", "x\u{1B}[2Jy", "--db", h.database],
                          ["runs", "--delete", "a\u{9B}b", "--db", h.database]] {
            let result = try h.run(arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertFalse(result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B },
                           "raw control character reached the terminal: \(result.stderr.debugDescription)")
            XCTAssertTrue(result.stderr.contains("\\u{1B}") || result.stderr.contains("\\u{9B}"), result.stderr)
        }
    }

    func testANameDerivedFromRunIsCheckedBeforeTheRunStarts() throws {
        let h = try CLIHarness()
        let long = String(repeating: "a", count: 64)
        let start = Date()
        let result = try h.run(["evolve", "--class", "goldfish", "--run", long, "--island", "1", "--db", h.database])
        assertFails(result, mentioning: ["\(long).island-1", "shorter --run"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "refused before loading anything")
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database), "no database was created")
        assertFails(try h.run(["evolve", "--class", "goldfish", "--run", long + "b", "--db", h.database]),
                    mentioning: ["invalid run name", "65 characters"])
        assertFails(try h.run(["atlas", "--run", "bad/name", "--db", h.database]), mentioning: ["invalid run name", "'/'"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
    }

    func testANewRunNeverWritesIntoADeletedRunsRecordsFolder() throws {
        let h = try CLIHarness()
        let folder = h.directory.appendingPathComponent("runs/busy").path
        XCTAssertEqual(try h.run(quickRun("busy", h)).status, 0)
        let first = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertFalse(first.filter { $0.hasSuffix(".png") }.isEmpty, "the run wrote its records")
        let deleted = try h.run(["runs", "--delete", "busy", "--db", h.database])
        XCTAssertEqual(deleted.status, 0, deleted.stderr)
        XCTAssertTrue(deleted.stdout.contains("record PNG"), deleted.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder), "the deleted run's PNGs went with it")

        // Files of unknown origin in the folder a new run is about to use are moved aside.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/g000000.png", contents: Data("old".utf8)))
        let again = try h.run(quickRun("busy", h))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("moved them to"), again.stderr)
        XCTAssertEqual(try String(contentsOfFile: folder + ".earlier-1/g000000.png", encoding: .utf8), "old")
        let record = try Data(contentsOf: URL(fileURLWithPath: folder + "/g000000.png"))
        XCTAssertEqual(Array(record.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "the new run's own record is a PNG")
    }
}

extension CLIHarness {
    /// Runs another program (not pareidolia) in the temporary directory, with the models set.
    func run(external executable: String, _ arguments: [String]) throws -> Result {
        try run(arguments, executable: URL(fileURLWithPath: executable))
    }
}
