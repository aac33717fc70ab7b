import Foundation
import PostgresTestSupport
import Store
import StorePostgres
import XCTest

/// postgres-nio's errors reach the user as one sentence naming the server and the fix: never a
/// driver case name, never the password.
final class PostgresErrorTests: StoreTestCase {
    /// The driver's names that once leaked into messages (PSQLError codes and types).
    private let driverNames = ["sslUnsupported", "failedToAddSSLHandler", "receivedUnencryptedDataAfterSSLRequest",
                               "messageDecodingFailure", "unexpectedBackendMessage", "unsupportedAuthMechanism",
                               "authMechanismRequiresPassword", "saslError", "invalidCommandTag", "queryCancelled",
                               "tooManyParameters", "clientClosedConnection", "serverClosedConnection",
                               "connectionError", "uncleanShutdown", "poolClosed", "PSQLError", "NIO", "Channel"]

    private func assertSentence(_ error: StoreError, mentions words: [String], file: StaticString = #filePath,
                                line: UInt = #line) {
        let message = error.description
        XCTAssertFalse(message.contains("\n"), message, file: file, line: line)
        XCTAssertFalse(message.contains("s3cret"), "the password is never shown: \(message)", file: file, line: line)
        for name in driverNames {
            XCTAssertFalse(message.contains(name), "driver name \(name) in: \(message)", file: file, line: line)
        }
        for word in words {
            XCTAssertTrue(message.contains(word), "'\(word)' missing from: \(message)", file: file, line: line)
        }
    }

    func testEveryDriverProblemIsASentenceWithItsFix() throws {
        let url = try PostgresURL("postgresql://ann:s3cret@db.example:6543/runs")
        let fixes: [DriverProblem: [String]] = [
            .tlsUnsupported: ["does not support TLS", "sslmode=disable", "sslmode=prefer"],
            .tlsSetupFailed: ["TLS could not be set up", "sslmode=disable"],
            .unencryptedAfterTLSRequest: ["unencrypted", "sslmode=disable"],
            .passwordRequired: ["asks for a password", "PGPASSWORD", "~/.pgpass", "postgresql://ann:PASSWORD@db.example:6543/runs"],
            .unsupportedAuthentication: ["authentication method", "pg_hba.conf", "'ann'"],
            .authenticationFailed: ["password authentication failed", "PGPASSWORD"],
            .tooManyParameters: ["65535"],
            .other: ["driver failed"],
        ]
        for problem in DriverProblem.allCases {
            for connected in [false, true] {
                let error = problem.error(detail: nil, url: url, operation: "committing generation 3 of run 1",
                                          connected: connected)
                assertSentence(error, mentions: fixes[problem] ?? [])
                switch error {
                case .connectionLost(let host, let port, _, let operation):
                    XCTAssertTrue(connected, "\(problem): lost only once connected")
                    XCTAssertEqual([host, "\(port)"], ["db.example", "6543"])
                    XCTAssertEqual(operation, "committing generation 3 of run 1")
                    assertSentence(error, mentions: ["lost the connection to PostgreSQL at db.example:6543",
                                                     "committed before is safe", "resume"])
                case .serverUnreachable:
                    XCTAssertFalse(connected, "\(problem): unreachable only before it connected")
                    assertSentence(error, mentions: ["cannot connect to PostgreSQL at db.example:6543",
                                                     "start the server or correct host and port"])
                case .serverRefused:
                    assertSentence(error, mentions: ["postgresql://ann@db.example:6543/runs refused"])
                case .database:
                    assertSentence(error, mentions: ["postgresql://ann@db.example:6543/runs"])
                default:
                    XCTFail("\(problem): \(error)")
                }
            }
        }
        // The connection's own failures: unreachable before it worked, lost after.
        for problem in [DriverProblem.closedByServer, .connectionFailed, .endedAbruptly, .closedByThisProcess, .cancelled] {
            guard case .serverUnreachable = problem.error(detail: nil, url: url, operation: "connecting", connected: false),
                  case .connectionLost = problem.error(detail: nil, url: url, operation: "x", connected: true) else {
                return XCTFail("\(problem)")
            }
        }
        assertSentence(DriverProblem.connectionFailed.error(detail: "connection refused", url: url, operation: "connecting",
                                                            connected: false),
                       mentions: ["db.example:6543 (connection refused)"])
    }

    func testServerErrorsByState() throws {
        let url = try PostgresURL("postgresql://ann:s3cret@db.example:6543/runs")
        func error(_ state: String, connected: Bool = true) -> StoreError {
            ServerProblem.error(state: state, message: "the server's words", url: url, operation: "reading run 1",
                                connected: connected)
        }
        // pg_ctl -m fast stop ends each session with 57P01; a crash with 57P02.
        for state in ["57P01", "57P02", "08006"] {
            guard case .connectionLost("db.example", 6543, "the server's words", "reading run 1") = error(state) else {
                return XCTFail(state)
            }
        }
        guard case .serverUnreachable("db.example", 6543, "the server's words") = error("57P03", connected: false) else {
            return XCTFail("57P03")
        }
        assertSentence(error("28P01"), mentions: ["refused: the server's words", "PGPASSWORD"])
        assertSentence(error("3D000"), mentions: ["createdb -h db.example -p 6543 runs"])
        assertSentence(error("53300"), mentions: ["max_connections"])
        assertSentence(error("42P01"), mentions: ["the server's words (SQLSTATE 42P01)", "reading run 1"])
        XCTAssertEqual(error("40001"), .busy(path: url.description, seconds: 0))
    }

    /// The real driver: TLS asked of a server without it (the test server has none), and an
    /// address where something accepts connections and closes them at once.
    func testRealDriverErrorsAreSentences() throws {
        var url = try PostgresTestServer.url()
        url.tls = .require
        url.password = "s3cret"
        XCTAssertThrowsError(try PostgresBackend(url: url, readOnly: true)) { error in
            guard let error = error as? StoreError, case .serverRefused = error else { return XCTFail("\(error)") }
            self.assertSentence(error, mentions: ["does not support TLS", "sslmode=disable"])
        }

        let listener = try ClosingListener()
        defer { listener.stop() }
        let started = Date()
        XCTAssertThrowsError(try RunStore.open(location: "postgresql://ann:s3cret@127.0.0.1:\(listener.port)/runs")) { error in
            guard let error = error as? StoreError, case .serverUnreachable = error else { return XCTFail("\(error)") }
            self.assertSentence(error, mentions: ["cannot connect to PostgreSQL at 127.0.0.1:\(listener.port)",
                                                 "start the server or correct host and port"])
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 16, "connecting is bounded")
    }
}

/// A loopback TCP listener that accepts each connection and closes it at once.
private final class ClosingListener: @unchecked Sendable {
    let port: Int
    private let socket: Int32
    private let done = DispatchSemaphore(value: 0)

    init() throws {
        let listening = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listening, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard listening >= 0, bound == 0, listen(listening, 8) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        socket = listening
        let done = self.done
        Thread.detachNewThread {
            while true {
                let client = accept(listening, nil, nil)
                guard client >= 0 else { break }
                close(client)
            }
            done.signal()
        }
    }

    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
        _ = done.wait(timeout: .now() + 2)
    }
}
