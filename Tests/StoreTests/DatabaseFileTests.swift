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
        try DatabaseQueue(path: dbPath()).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v8'), ('v9')")
        }
        let before = try fileState()
        for readOnly in [false, true] {
            assertThrows(.schemaTooNew(path: dbPath(), unknown: ["v8", "v9"], supported: ["v1", "v2", "v3", "v4", "v5", "v6"])) {
                try RunStore(path: dbPath(), readOnly: readOnly)
            }
            // A WAL-mode file: a read-only SQLite connection needs its -shm index and leaves it
            // (and an empty -wal) behind, as any reader would; the database itself is untouched.
            let after = try fileState()
            XCTAssertEqual(after.bytes, before.bytes, "the file changed (readOnly: \(readOnly))")
            let wal = try? FileManager.default.attributesOfItem(atPath: dbPath() + "-wal")[.size] as? Int
            XCTAssertEqual(wal ?? 0, 0, "the -wal holds writes")
        }
        XCTAssertEqual(RunStore.supportedSchema, ["v1", "v2", "v3", "v4", "v5", "v6"])
        let message = StoreError.schemaTooNew(path: "p", unknown: ["v9"], supported: ["v1"])
            .description
        XCTAssertTrue(message.contains("upgrade pareidolia") && message.contains("v9"), message)
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

    func testOtherProgramsDatabaseIsRefusedWithoutChangingAByte() throws {
        try DatabaseQueue(path: dbPath()).write { db in
            try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
            try db.execute(sql: "CREATE TABLE pets (id INTEGER PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO users (name) VALUES ('ada'), ('grace')")
        }
        let before = try fileState()
        XCTAssertEqual(before.siblings, ["runs.sqlite"])
        for readOnly in [false, true] {
            assertThrows(.foreignDatabase(path: dbPath(), tables: ["pets", "users"])) {
                try RunStore(path: dbPath(), readOnly: readOnly)
            }
            XCTAssertEqual(try fileState(), before, "the file changed (readOnly: \(readOnly))")
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

    /// The database file's bytes and the names of the files beside it (a journal, -wal or
    /// -shm left behind would show there).
    private func fileState() throws -> FileState {
        FileState(bytes: try Data(contentsOf: URL(fileURLWithPath: dbPath())),
                  siblings: try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted())
    }

    private struct FileState: Equatable {
        var bytes: Data
        var siblings: [String]
    }
}
