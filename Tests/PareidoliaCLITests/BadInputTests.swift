import Foundation
import GRDB
import Store
import XCTest

/// Every mistake a user can make gets one clear message, a non-zero exit, and writes nothing
/// that should not be written.
final class BadInputTests: XCTestCase {
    func testUnknownClassSuggestsCandidatesAndWritesNothing() throws {
        let h = try CLIHarness()
        let r = try h.run(["evolve", "--class", "rock crabb", "--db", h.database])
        assertFails(r, mentioning: ["rock crab"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
    }

    func testAmbiguousClassListsTheMatches() throws {
        let h = try CLIHarness()
        let r = try h.run(["evolve", "--class", "crane", "--db", h.database])
        assertFails(r, mentioning: ["crane", "134", "517"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
    }

    func testInvalidNumbers() throws {
        let h = try CLIHarness()
        assertFails(try h.run(["evolve", "--class", "goldfish", "--population", "many", "--db", h.database]),
                    mentioning: ["population", "many"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--until", "2", "--db", h.database]),
                    mentioning: ["--until"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--generations", "-3", "--db", h.database]),
                    mentioning: ["--generations"])
        assertFails(try h.run(["evolve", "--class", "1000", "--db", h.database]), mentioning: ["1000"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
    }

    /// Objective texts and the commands built on them: one line naming the position, the name
    /// or the range, and nothing written.
    func testBadObjectivesNameWhatIsWrong() throws {
        let h = try CLIHarness()
        assertFails(try h.run(["evolve", "--objective", "class(rock crab", "--db", h.database]),
                    mentioning: ["column 16", "')'"])
        assertFails(try h.run(["evolve", "--objective", "klass(goldfish)", "--db", h.database]),
                    mentioning: ["column 1", "class, not, logit"])
        assertFails(try h.run(["evolve", "--objective", "channel(block40, 1)", "--db", h.database]),
                    mentioning: ["block40", "block15"])
        assertFails(try h.run(["evolve", "--objective", "neuron(block12, 900)", "--db", h.database]),
                    mentioning: ["900", "191"])
        assertFails(try h.run(["evolve", "--objective", "match(no-such-photo.png)", "--db", h.database]),
                    mentioning: ["no-such-photo.png"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--objective", "class(tench)", "--db", h.database]),
                    mentioning: ["--objective", "not both"])
        assertFails(try h.run(["polish", "x.genome", "--objective", "lite0:class(tench) - lite1:class(tench)", "-o", "y.png"]),
                    mentioning: ["one network", "lite0 and lite1"])
        assertFails(try h.run(["morph", "goldfish", "tench", "--frames", "1", "--db", h.database]), mentioning: ["--frames"])
        assertFails(try h.run(["opposite", "goldfsh", "--db", h.database]), mentioning: ["goldfish"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database))
    }

    /// Polish settings under a search that never polishes; atlas options out of range.
    func testContradictorySearchAndAtlasOptionsAreRefused() throws {
        let h = try CLIHarness()
        assertFails(try h.run(["evolve", "--class", "goldfish", "--search", "gp", "--polish-lr", "0.1", "--db", h.database]),
                    mentioning: ["--polish-lr", "--search gp", "--search memetic"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--views", "4", "--framings", "8", "--db", h.database]),
                    mentioning: ["--views 4", "--framings 8"])
        assertFails(try h.run(["atlas", "--classes", "goldfsh", "--db", h.database]), mentioning: ["goldfsh", "goldfish"])
        assertFails(try h.run(["atlas", "--classes", "@no-such-list.txt", "--db", h.database]),
                    mentioning: ["--classes", "no-such-list.txt"])
        assertFails(try h.run(["atlas", "--framings", "0", "--db", h.database]), mentioning: ["--framings"])
        assertFails(try h.run(["atlas", "--recent-share", "2", "--db", h.database]), mentioning: ["--recent-share", "[0, 1]"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--family", "waves", "--ground-waves", "8", "--db", h.database]),
                    mentioning: ["--ground-waves", "--family layered"])
        // The default family is layered: wave-sum and term options name the family they need.
        assertFails(try h.run(["evolve", "--class", "goldfish", "--waves", "12", "--db", h.database]),
                    mentioning: ["--waves", "layered", "--family waves"])
        assertFails(try h.run(["atlas", "--classes", "goldfish", "--term-mutation", "0.2", "--db", h.database]),
                    mentioning: ["--term-mutation", "--family waves"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--family", "cppn", "--wave-frequency", "4", "--db", h.database]),
                    mentioning: ["--wave-frequency", "cppn"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--family", "layered", "--ground-waves", "8", "--layer-waves", "2",
                               "--max-nodes", "200", "--db", h.database]),
                    mentioning: ["--max-nodes 200", "--ground-waves 8", "--max-nodes 236"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.database), "nothing was created")
    }

    func testMissingDatabaseDirectoryIsNamedAndNotCreated() throws {
        let h = try CLIHarness()
        let missing = h.directory.appendingPathComponent("no/such/dir")
        let r = try h.run(["evolve", "--class", "goldfish", "--generations", "1",
                           "--db", missing.appendingPathComponent("runs.sqlite").path])
        assertFails(r, mentioning: [missing.path])
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing.path))
    }

    func testDatabaseFromNewerSchemaIsRefusedUntouched() throws {
        let h = try CLIHarness()
        let store = try RunStore(path: h.database)
        _ = try store.createRun(NewRun(name: "old", target: "goldfish", config: "{}", model: "lite0", seed: 1))
        let queue = try DatabaseQueue(path: h.database)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        // The whole logical content: schema, migrations and every row of every table.
        func contents() throws -> [String] {
            try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                return try String.fetchAll(db, sql: "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_master ORDER BY name")
                    + tables.flatMap { table in
                        try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").map { "\(table): \($0)" }
                    }
            }
        }
        let before = try contents()
        XCTAssertTrue(before.contains { $0.contains("v99-future") })
        assertFails(try h.run(["runs", "--db", h.database]), mentioning: ["upgrade"])
        assertFails(try h.run(["evolve", "--class", "goldfish", "--db", h.database]), mentioning: ["upgrade"])
        XCTAssertEqual(try contents(), before)
    }

    func testUnknownRunNameSuggestsExistingRuns() throws {
        let h = try CLIHarness()
        let store = try RunStore(path: h.database)
        _ = try store.createRun(NewRun(name: "rock-crab-1", target: "rock crab", config: "{}", model: "lite0", seed: 1))
        assertFails(try h.run(["resume", "rock-crab-2", "--db", h.database]), mentioning: ["rock-crab-2", "rock-crab-1"])
        assertFails(try h.run(["show", "nothing", "--db", h.database]), mentioning: ["nothing"])
    }

    func testClassifyErrorsAreOneClearLine() throws {
        let h = try CLIHarness()
        let missing = try h.run(["classify", "nope.png"])
        assertFails(missing, mentioning: ["nope.png"])
        let text = h.directory.appendingPathComponent("notes.png")
        try "hello".write(to: text, atomically: true, encoding: .utf8)
        assertFails(try h.run(["classify", text.path]), mentioning: ["notes.png", "PNG"])
        let photo = h.repository.appendingPathComponent("Tests/NetTests/Fixtures/chelsea-224.png")
        let bytes = try Data(contentsOf: photo)
        let truncated = h.directory.appendingPathComponent("half.png")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        assertFails(try h.run(["classify", truncated.path]), mentioning: ["half.png"])
        for r in [missing] { XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr) }
    }

    /// Without weights anywhere the program looks, classify says which set-up command to run.
    func testMissingWeightsNameTheSetupCommand() throws {
        let h = try CLIHarness()
        let lone = h.directory.appendingPathComponent("pareidolia")
        try FileManager.default.copyItem(at: CLIHarness.executable, to: lone)
        let process = Process()
        process.executableURL = lone
        process.arguments = ["classify", h.repository.appendingPathComponent("Tests/NetTests/Fixtures/chelsea-224.png").path]
        process.currentDirectoryURL = h.directory
        var env = ProcessInfo.processInfo.environment
        env["PAREIDOLIA_MODELS"] = h.directory.appendingPathComponent("empty").path
        process.environment = env
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(message.contains("scripts/setup"), message)
    }

    func testClassifyGoldenPhoto() throws {
        let h = try CLIHarness()
        let r = try h.run(["classify", h.repository.appendingPathComponent("Tests/NetTests/Fixtures/chelsea-224.png").path,
                           "--top", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let first = try XCTUnwrap(r.stdout.split(separator: "\n").first)
        XCTAssertTrue(first.contains("282") && first.contains("tiger cat"), r.stdout)
    }
}
