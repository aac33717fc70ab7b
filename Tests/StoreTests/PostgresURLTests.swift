import Foundation
import Store
import StorePostgres
import XCTest

/// `--db postgresql://…`: defaults, the password's sources (URL, PGPASSWORD, the password
/// file) and that it is never shown; one-line errors naming what is wrong.
final class PostgresURLTests: StoreTestCase {
    func testDefaultsAndPasswordSources() throws {
        let env = ["USER": "ann", "HOME": directory.path]
        let bare = try PostgresURL("postgresql://db.example", environment: env)
        XCTAssertEqual([bare.user, bare.host, bare.database], ["ann", "db.example", "ann"])
        XCTAssertEqual(bare.port, 5432)
        XCTAssertNil(bare.password)
        XCTAssertEqual(bare.tls, .disable)

        let full = try PostgresURL("postgres://bob:s%40cret@10.0.0.5:6543/runs?sslmode=require", environment: env)
        XCTAssertEqual([full.user, full.password, full.host, full.database], ["bob", "s@cret", "10.0.0.5", "runs"])
        XCTAssertEqual(full.port, 6543)
        XCTAssertEqual(full.tls, .require)
        XCTAssertEqual(full.description, "postgresql://bob@10.0.0.5:6543/runs", "never the password")

        XCTAssertEqual(try PostgresURL("postgresql://bob@h/d", environment: env.merging(["PGPASSWORD": "pw"]) { $1 }).password, "pw")
        // The password file: first match wins, '*' matches anything, '\:' is a colon.
        let file = directory.appendingPathComponent("pgpass").path
        try """
            # comment
            other:5432:d:bob:wrong
            h:*:d:bob:pa\\:ss
            *:*:*:*:fallback
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try PostgresURL("postgresql://bob@h:7000/d", environment: env.merging(["PGPASSFILE": file]) { $1 })
        XCTAssertEqual(fromFile.password, "pa:ss")
        XCTAssertEqual(try PostgresURL("postgresql://eve@x/y", environment: env.merging(["PGPASSFILE": file]) { $1 }).password,
                       "fallback")
    }

    func testBadURLsAndUnreachableServersAreOneLineErrors() throws {
        for (url, words) in [("postgresql://u:pw@h:99999/d", ["99999", "postgresql://u:***@h:99999/d"]),
                             ("postgresql://h/d?colour=red", ["colour"]),
                             ("postgresql://h/d?sslmode=maybe", ["maybe", "require"])] {
            XCTAssertThrowsError(try PostgresURL(url)) { error in
                let message = "\(error)"
                XCTAssertFalse(message.contains("\n"), message)
                XCTAssertFalse(message.contains(":pw@"), "the password is never shown: \(message)")
                for word in words { XCTAssertTrue(message.contains(word), "\(message) lacks \(word)") }
            }
        }
        // Nothing listens on port 1 of the loopback.
        XCTAssertThrowsError(try RunStore.open(location: "postgresql://u:secret@127.0.0.1:1/d")) { error in
            guard case .serverUnreachable("127.0.0.1", 1, let reason) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "connection refused")
            let message = "\(error)"
            XCTAssertTrue(message.contains("127.0.0.1:1") && !message.contains("secret") && !message.contains("\n"), message)
        }
    }
}
