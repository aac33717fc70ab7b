import Foundation
import GRDB
import Store
import XCTest

/// Read-only stores: they read everything, write nothing, and work on a 0444 file.
final class ReadOnlyTests: StoreTestCase {
    /// A database with two runs and three generations, closed.
    private func makeDatabase() throws -> (crab: Run, last: GenerationSnapshot?, records: [RecordRow]) {
        let store = try RunStore(path: dbPath())
        var rng = SplitMix64(seed: 5)
        let crab = try store.createRun(newRun("crab"))
        _ = try store.createRun(newRun("cat"))
        for index in 0..<3 { try store.commitGeneration(makeCommit(run: crab.id, index: index, rng: &rng)) }
        try store.setStatus(.paused, run: crab.id)
        return (try store.run(id: crab.id), try store.lastGeneration(run: crab.id), try store.records(run: crab.id))
    }

    func testReadOnlyStoreReadsA0444FileWithoutChangingIt() throws {
        let expected = try makeDatabase()
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: dbPath())
        let before = try Data(contentsOf: URL(fileURLWithPath: dbPath()))
        do {
            let store = try RunStore(path: dbPath(), readOnly: true)
            XCTAssertTrue(store.readOnly)
            XCTAssertEqual(try store.runs().map(\.name), ["crab", "cat"])
            XCTAssertEqual(try store.runs().map(\.status), [.paused, .interrupted])
            XCTAssertEqual(try store.run(named: "crab"), expected.crab)
            XCTAssertEqual(try store.lastGeneration(run: expected.crab.id), expected.last)
            XCTAssertEqual(try store.records(run: expected.crab.id), expected.records)
            XCTAssertNil(try store.lockHolder(run: expected.crab.id))
            XCTAssertTrue(try store.integrityCheck())
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dbPath())), before, "the file changed")
        let permissions = try FileManager.default.attributesOfItem(atPath: dbPath())[.posixPermissions] as? Int
        XCTAssertEqual(permissions, 0o444)
    }

    func testReadOnlyStoreRefusesEveryWrite() throws {
        let expected = try makeDatabase()
        let before = try Data(contentsOf: URL(fileURLWithPath: dbPath()))
        let store = try RunStore(path: dbPath(), readOnly: true)
        var rng = SplitMix64(seed: 9)
        let writes: [(String, () throws -> Void)] = [
            ("creating run 'dog'", { _ = try store.createRun(self.newRun("dog")) }),
            ("committing generation 3 of run \(expected.crab.id)",
             { try store.commitGeneration(self.makeCommit(run: expected.crab.id, index: 3, rng: &rng)) }),
            ("deleting run 'cat'", { try store.deleteRun(named: "cat") }),
            ("locking run \(expected.crab.id)", { try store.acquireLock(run: expected.crab.id) }),
            ("setting the status of run \(expected.crab.id)", { try store.setStatus(.running, run: expected.crab.id) }),
        ]
        for (operation, write) in writes {
            assertThrows(.readOnly(path: dbPath(), operation: operation)) { try write() }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dbPath())), before)
        XCTAssertTrue(StoreError.readOnly(path: "p", operation: "x").description.contains("read-only"))
    }

    func testReadOnlyOpenOfAMissingOrEmptyFileCreatesNothing() throws {
        assertThrows(.databaseMissing(path: dbPath())) { try RunStore(path: dbPath(), readOnly: true) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dbPath()))
        XCTAssertTrue(FileManager.default.createFile(atPath: dbPath(), contents: Data()))
        assertThrows(.databaseMissing(path: dbPath())) { try RunStore(path: dbPath(), readOnly: true) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dbPath())), Data())
    }

    /// A version-1 database (before run leases): read-only leaves it at v1, a writer migrates it.
    func testVersion1DatabaseIsReadAsIsAndMigratedByAWriter() throws {
        let expected = try makeDatabase()
        try DatabaseQueue(path: dbPath()).write { db in
            try db.execute(sql: "UPDATE runs SET status = 'running'")
            try db.execute(sql: "DROP TABLE run_locks")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2'")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: dbPath()))
        do {
            let store = try RunStore(path: dbPath(), readOnly: true)
            // Without lease records nothing tells a killed run from a live one: shown as stored.
            XCTAssertEqual(try store.runs().map(\.status), [.running, .running])
            XCTAssertEqual(try store.lastGeneration(run: expected.crab.id), expected.last)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dbPath())), before)
        let writer = try RunStore(path: dbPath())
        XCTAssertEqual(try writer.runs().map(\.status), [.interrupted, .interrupted])
        XCTAssertEqual(try writer.acquireLock(run: expected.crab.id).run, expected.crab.id)
        let applied = try DatabaseQueue(path: dbPath()).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        XCTAssertEqual(applied, ["v1", "v2", "v3", "v4", "v5", "v6"])
    }

    func testDamagedValuesNameTheDatabaseRunAndGeneration() throws {
        let expected = try makeDatabase()
        try DatabaseQueue(path: dbPath()).write { db in
            try db.execute(sql: "UPDATE individuals SET fitness = 'junk' WHERE generation = 2 AND position = 4")
        }
        let store = try RunStore(path: dbPath(), readOnly: true)
        XCTAssertThrowsError(try store.lastGeneration(run: expected.crab.id)) { error in
            guard case .corruptValue(let path, let detail) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, dbPath())
            XCTAssertTrue(detail.hasPrefix("run 'crab' generation 2: "), detail)
        }
        let genome = StoreError.damagedGenome(path: dbPath(), run: "crab", generation: 2, position: 4,
                                              reason: "line 1, column 3: invalid byte 0xEF")
        for part in [dbPath(), "run 'crab'", "generation 2", "individual 4", "0xEF"] {
            XCTAssertTrue(genome.description.contains(part), genome.description)
        }
    }
}
