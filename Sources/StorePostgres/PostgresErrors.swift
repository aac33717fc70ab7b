import Foundation
import PostgresNIO
import Store

/// What a postgres-nio error code means for the user, in words of their own (the driver's case
/// names never reach a message).
package enum DriverProblem: CaseIterable, Sendable {
    case tlsUnsupported, tlsSetupFailed, unencryptedAfterTLSRequest
    case passwordRequired, unsupportedAuthentication, authenticationFailed
    case unreadableMessage, tooManyParameters, cancelled
    case closedByThisProcess, closedByServer, connectionFailed, endedAbruptly
    case other

    /// The problem a driver error code stands for (`.server` is the server's own error, read
    /// from its SQLSTATE instead).
    init(_ code: PSQLError.Code) {
        switch code {
        case .sslUnsupported: self = .tlsUnsupported
        case .failedToAddSSLHandler: self = .tlsSetupFailed
        case .receivedUnencryptedDataAfterSSLRequest: self = .unencryptedAfterTLSRequest
        case .authMechanismRequiresPassword: self = .passwordRequired
        case .unsupportedAuthMechanism: self = .unsupportedAuthentication
        case .saslError: self = .authenticationFailed
        case .messageDecodingFailure, .unexpectedBackendMessage, .invalidCommandTag: self = .unreadableMessage
        case .tooManyParameters: self = .tooManyParameters
        case .queryCancelled: self = .cancelled
        case .clientClosedConnection: self = .closedByThisProcess
        case .serverClosedConnection: self = .closedByServer
        case .connectionError: self = .connectionFailed
        case .uncleanShutdown: self = .endedAbruptly
        default: self = .other
        }
    }

    /// The error a user reads for this problem.
    ///
    /// - Parameters:
    ///   - detail: the gist of the underlying socket or TLS error ("connection refused"), if any.
    ///   - connected: whether the connection had worked (then losing it is `connectionLost`,
    ///     else the server is unreachable).
    package func error(detail: String?, url: PostgresURL, operation: String, connected: Bool) -> StoreError {
        func refused(_ message: String, _ fix: String) -> StoreError {
            .serverRefused(url: url.description, message: message, fix: fix)
        }
        func gone(_ reason: String) -> StoreError {
            connected ? .connectionLost(host: url.host, port: url.port, message: reason, operation: operation)
                : .serverUnreachable(host: url.host, port: url.port, message: reason)
        }
        switch self {
        case .tlsUnsupported:
            return refused("the server does not support TLS", "use ?sslmode=disable or ?sslmode=prefer in --db")
        case .tlsSetupFailed:
            return refused("TLS could not be set up" + (detail.map { " (\($0))" } ?? ""),
                           "use ?sslmode=disable, or check the system's TLS certificates")
        case .unencryptedAfterTLSRequest:
            return refused("the server answered the request for TLS with unencrypted data",
                           "check that host and port name a PostgreSQL server, or use ?sslmode=disable")
        case .passwordRequired:
            return refused("the server asks for a password",
                           "put it in the URL (postgresql://\(url.user):PASSWORD@\(url.host):\(url.port)/\(url.database)), "
                               + "PGPASSWORD or ~/.pgpass")
        case .unsupportedAuthentication:
            return refused("the server asks for an authentication method pareidolia does not support",
                           "allow scram-sha-256, md5 or password for user '\(url.user)' in the server's pg_hba.conf")
        case .authenticationFailed:
            return refused("password authentication failed",
                           "check the password in the URL, PGPASSWORD or ~/.pgpass")
        case .unreadableMessage:
            return connected
                ? .database(path: url.description, operation: operation,
                            message: "the server sent a message pareidolia cannot read (it needs PostgreSQL 12 or later)")
                : gone("what answers there does not speak PostgreSQL's protocol")
        case .tooManyParameters:
            return .database(path: url.description, operation: operation,
                             message: "the statement has more than 65535 values")
        case .cancelled:
            return gone("the statement was cancelled")
        case .closedByThisProcess:
            return gone("the connection was closed after a statement went unanswered")
        case .closedByServer:
            return gone("the server closed the connection")
        case .connectionFailed:
            return gone(detail ?? "the connection failed")
        case .endedAbruptly:
            return gone("the connection ended abruptly")
        case .other:
            return .database(path: url.description, operation: operation,
                             message: "the PostgreSQL driver failed" + (detail.map { " (\($0))" } ?? ""))
        }
    }
}

/// A server error (an `ErrorResponse`) as the user reads it, from its SQLSTATE.
package enum ServerProblem {
    /// - Parameters:
    ///   - state: the SQLSTATE (`28P01`, `57P01`, …).
    ///   - message: the server's own message.
    package static func error(state: String, message: String, url: PostgresURL, operation: String,
                              connected: Bool) -> StoreError {
        switch state {
        case "28P01", "28000":
            return .serverRefused(url: url.description, message: message,
                                  fix: "give the password in the URL, PGPASSWORD or ~/.pgpass, or a user the server accepts")
        case "3D000":
            return .serverRefused(url: url.description, message: message,
                                  fix: "create it with `createdb -h \(url.host) -p \(url.port) \(url.database)`")
        case "53300":
            return .serverRefused(url: url.description, message: message,
                                  fix: "raise max_connections on the server, or run fewer processes at once")
        case "40001", "40P01", "55P03":
            return .busy(path: url.description, seconds: 0)
        case "53100":
            return .diskFull(path: url.description)
        case "25006", "42501":
            return .cannotWrite(path: url.description, message: message)
        case _ where state.hasPrefix("08") || state.hasPrefix("57P"):
            // Connection exceptions; the server shutting down (57P01 by an administrator, 57P02
            // crashing) or not accepting connections yet (57P03).
            return connected
                ? .connectionLost(host: url.host, port: url.port, message: message, operation: operation)
                : .serverUnreachable(host: url.host, port: url.port, message: message)
        default:
            return .database(path: url.description, operation: operation, message: "\(message) (SQLSTATE \(state))")
        }
    }
}

extension PostgresBackend {
    /// Maps an error of postgres-nio (or of a bounded wait) to the `StoreError` a user can act
    /// on, in one line. `connected`: whether the connection had worked before (then a failure
    /// of the connection is `connectionLost`).
    static func translate(_ error: any Error, url: PostgresURL, operation: String, connected: Bool) -> any Error {
        if error is StoreError { return error }
        if let decoding = error as? SQLRow.DecodingError {
            return StoreError.corruptValue(path: url.description, detail: decoding.description)
        }
        if let lost = error as? BoundedWait.Lost {
            return connected
                ? StoreError.connectionLost(host: url.host, port: url.port, message: lost.reason, operation: operation)
                : StoreError.serverUnreachable(host: url.host, port: url.port, message: lost.reason)
        }
        if error is PostgresDecodingError {
            return StoreError.corruptValue(path: url.description, detail: "\(operation): a value of an unexpected type")
        }
        guard let psql = error as? PSQLError else {
            // Connecting fails with the socket's own errors; a statement's other errors are the
            // store's (they pass through).
            guard !connected || error is ChannelError || error is IOError else { return error }
            return DriverProblem.connectionFailed.error(detail: shortReason("\(error)"), url: url,
                                                        operation: operation, connected: connected)
        }
        // A statement sent after the server ended the session fails as "closed", carrying the
        // server's own reason ("terminating connection due to administrator command"): that
        // reason is what the user reads, not the driver's view of who closed the socket.
        if psql.code == .clientClosedConnection || psql.code == .serverClosedConnection,
           let cause = psql.underlying, cause is PSQLError {
            return translate(cause, url: url, operation: operation, connected: connected)
        }
        if psql.code == .server {
            return ServerProblem.error(state: psql.serverInfo?[.sqlState] ?? "", message: psql.serverInfo?[.message] ?? "",
                                       url: url, operation: operation, connected: connected)
        }
        return DriverProblem(psql.code).error(detail: psql.underlying.map { shortReason("\($0)") }, url: url,
                                              operation: operation, connected: connected)
    }
}

/// The gist of a socket error's long description ("connection refused", …), for a one-line
/// message; the first line of anything else.
package func shortReason(_ text: String) -> String {
    let known: [(needle: String, reason: String)] = [
        ("Connection refused", "connection refused"), ("timed out", "timed out"), ("Timeout", "timed out"),
        ("Network is unreachable", "network unreachable"), ("No route to host", "no route to host"),
        ("Connection reset", "connection reset"), ("Broken pipe", "connection reset"),
        ("certificate", "the server's certificate was not accepted"), ("resolve", "host name not found"),
    ]
    for (needle, reason) in known where text.contains(needle) { return reason }
    return String(text.prefix { $0 != "\n" }.prefix(200))
}
