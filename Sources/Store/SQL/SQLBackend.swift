import Foundation

/// An open transaction (or read) on the run database: statements with `?` placeholders.
///
/// The SQL the store sends is the common subset of SQLite and PostgreSQL (`INSERT …
/// RETURNING`, `ON CONFLICT … DO UPDATE … WHERE`, `NULLS LAST`); a backend rewrites the
/// placeholders to its own form.
public protocol SQLConnection {
    /// Runs one statement; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int
    /// Runs one query and returns all its rows.
    func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension SQLConnection {
    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        try execute(sql, arguments.map(\.sqlValue))
    }

    func fetchAll(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [SQLRow] {
        try fetchAll(sql, arguments.map(\.sqlValue))
    }

    func fetchOne(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLRow? {
        try fetchAll(sql, arguments.map(\.sqlValue)).first
    }
}

/// Where a run database lives and how to reach it: one SQLite file, or one PostgreSQL
/// database shared by many processes. `RunStore` holds the logic; a backend runs statements.
///
/// Both backends keep the same tables under the same ordered migrations (`Schema.known`).
public protocol SQLBackend: Sendable {
    /// The database as shown in messages: a file path, or a URL without its password.
    var location: String { get }
    /// Whether every write is refused.
    var readOnly: Bool { get }
    /// Migrations applied when the store was opened (all of `Schema.known` unless read-only).
    var appliedSchema: Set<String> { get }
    /// What a write transaction appends to `SELECT … FROM runs WHERE id = ?` so concurrent
    /// writers of one run take turns (`FOR UPDATE`); empty where a write transaction already
    /// excludes every other writer (SQLite's IMMEDIATE transactions).
    var lockRowClause: String { get }

    /// Runs `body` in one write transaction: all of it is committed, or none. Errors of the
    /// database are translated into `StoreError`s naming `operation`.
    func write<T>(_ operation: String, _ body: (any SQLConnection) throws -> T) throws -> T
    /// Runs `body` with read access, seeing one consistent state of the database.
    func read<T>(_ operation: String, _ body: (any SQLConnection) throws -> T) throws -> T
    /// The database's message when `error` is a constraint violation (a CHECK, UNIQUE or
    /// foreign key), else nil.
    func constraintViolation(_ error: any Error) -> String?
    /// The database's own consistency checks.
    func integrityCheck() throws -> Bool
}
