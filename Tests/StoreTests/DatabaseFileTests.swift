import Foundation
import GRDB
import Store
import XCTest

/// Opening database files: persistence, WAL, refusal of bad paths, foreign and newer files.
final class DatabaseFileTests: StoreTestCase {
    func testReopeningKeepsEverything() throws {
        var rng = SplitMix64(seed: 11)
        var expected: (runs: [RunSummary], stats: [GenerationStats], records: [RecordRow],
                       last: GenerationSnapshot?, run: Run)
        do {
            let store = try RunStore(path: dbPath())
            let run = try store.createRun(newRun("crab", seed: 1 << 63 | 12345))
            _ = try store.createRun(newRun("cat"))
            for index in 0..<5 {
                try store.commitGeneration(makeCommit(run: run.id, index: index, rng: &rng))
            }
            try store.setStatus(.interrupted, run: run.id)
            expected = (try store.runs(), try store.generations(run: run.id),
                        try store.records(run: run.id), try store.lastGeneration(run: run.id),
                        try store.run(id: run.id))
        }
        let store = try RunStore(path: dbPath())
        let run = try store.run(named: "crab")
        XCTAssertEqual(run, expected.run)
        XCTAssertEqual(run.seed, 1 << 63 | 12345)
        XCTAssertEqual(run.status, .interrupted)
        XCTAssertEqual(try store.runs(), expected.runs)
        XCTAssertEqual(try store.generations(run: run.id), expected.stats)
        XCTAssertEqual(try store.records(run: run.id), expected.records)
        XCTAssertEqual(try store.lastGeneration(run: run.id), expected.last)
        XCTAssertEqual(expected.last?.stats.index, 4)
        // Resuming appends after the last committed generation.
        try store.commitGeneration(makeCommit(run: run.id, index: 5, rng: &rng))
        XCTAssertTrue(try store.integrityCheck())
    }

    func testFileDatabasesUseWAL() throws {
        _ = try RunStore(path: dbPath())
        let mode = try DatabaseQueue(path: dbPath()).read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        XCTAssertEqual(mode, "wal")
    }

    func testNewerSchemaIsRefusedAndLeftAlone() throws {
        _ = try RunStore(path: dbPath()).createRun(newRun("crab"))
        let raw = try DatabaseQueue(path: dbPath())
        try raw.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2'), ('v3')")
        }
        let schemaBefore = try schema(raw)
        assertThrows(.schemaTooNew(path: dbPath(), unknown: ["v2", "v3"], supported: ["v1"])) {
            try RunStore(path: dbPath())
        }
        XCTAssertEqual(try schema(raw), schemaBefore)
        XCTAssertEqual(RunStore.supportedSchema, ["v1"])
        let message = StoreError.schemaTooNew(path: "p", unknown: ["v2"], supported: ["v1"])
            .description
        XCTAssertTrue(message.contains("upgrade pareidolia") && message.contains("v2"), message)
    }

    func testMissingDirectoryIsNamed() throws {
        let missing = directory.appendingPathComponent("nope/deeper").path
        let path = missing + "/runs.sqlite"
        assertThrows(.directoryMissing(path: path, directory: missing)) {
            try RunStore(path: path)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
        let message = StoreError.directoryMissing(path: path, directory: missing).description
        XCTAssertTrue(message.contains("mkdir -p '\(missing)'") && message.contains("--db"), message)
    }

    func testDirectoryPathIsRefused() throws {
        assertThrows(.pathIsDirectory(path: directory.path)) { try RunStore(path: directory.path) }
    }

    func testRandomBytesAreNotADatabase() throws {
        var rng = SplitMix64(seed: 77)
        let bytes = Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        let path = dbPath("photo.jpg")
        try bytes.write(to: URL(fileURLWithPath: path))
        assertThrows(.notADatabase(path: path)) { try RunStore(path: path) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), bytes, "file untouched")
    }

    func testOtherProgramsDatabaseIsRefused() throws {
        try DatabaseQueue(path: dbPath()).write { db in
            try db.execute(sql: "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
            try db.execute(sql: "CREATE TABLE pets (id INTEGER PRIMARY KEY)")
        }
        assertThrows(.foreignDatabase(path: dbPath(), tables: ["people", "pets"])) {
            try RunStore(path: dbPath())
        }
    }

    func testLockedDatabaseReportsBusy() throws {
        let store = try RunStore(path: dbPath(), busyTimeout: 0.2)
        let other = try DatabaseQueue(path: dbPath())
        try other.inTransaction(.immediate) { db in
            try db.execute(sql: "UPDATE runs SET status = status")
            assertThrows(.busy(path: dbPath(), seconds: 0.2)) {
                try store.createRun(newRun("crab"))
            }
            return .commit
        }
        _ = try store.createRun(newRun("crab"))
        XCTAssertEqual(try store.runs().map(\.name), ["crab"])
    }

    func testIntegrityCheckPassesOnAHealthyDatabase() throws {
        let store = try RunStore(path: dbPath())
        var rng = SplitMix64(seed: 2)
        let run = try store.createRun(newRun("crab"))
        try store.commitGeneration(makeCommit(run: run.id, index: 0, rng: &rng))
        XCTAssertTrue(try store.integrityCheck())
        XCTAssertTrue(try RunStore.inMemory().integrityCheck())
    }

    /// The schema and migration list, as a comparable text.
    private func schema(_ db: DatabaseQueue) throws -> [String] {
        try db.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
                + String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
    }
}
