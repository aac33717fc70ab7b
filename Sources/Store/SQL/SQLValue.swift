import Foundation
import Synchronization

/// A value bound to, or read from, a statement, whichever database holds the run.
///
/// Scores are `Float` widened to `Double` (exact) and NaN is stored as NULL; seeds are the
/// `UInt64` bit pattern as a signed 64-bit integer; booleans are 0 or 1; times are `Date`
/// (SQLite keeps them as UTC text `yyyy-MM-dd HH:mm:ss.SSS`, PostgreSQL as `timestamptz`).
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case date(Date)
}

/// Swift values that bind as one `SQLValue`.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int32: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Date: SQLBindable { public var sqlValue: SQLValue { .date(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { map(\.sqlValue) ?? .null }
}

/// One result row: its values by column name.
public struct SQLRow: Sendable, Equatable {
    public private(set) var values: [String: SQLValue]

    public init(_ values: [String: SQLValue]) { self.values = values }

    /// The value of `column`, or nil when the row has no such column (an older schema).
    public subscript(column: String) -> SQLValue? { values[column] }

    /// Why a column could not be read as the type asked for.
    public struct DecodingError: Error, CustomStringConvertible, Equatable {
        public var column: String
        public var expected: String
        public var found: SQLValue?
        public var description: String {
            "column \(column): expected \(expected), found \(found.map { "\($0)" } ?? "no such column")"
        }
    }

    private func fail(_ column: String, _ expected: String) -> DecodingError {
        DecodingError(column: column, expected: expected, found: values[column])
    }

    public func int64(_ column: String) throws -> Int64 {
        guard let value = try optionalInt64(column) else { throw fail(column, "an integer") }
        return value
    }

    public func optionalInt64(_ column: String) throws -> Int64? {
        switch values[column] {
        case .integer(let value): return value
        case .null, nil: return nil
        default: throw fail(column, "an integer or NULL")
        }
    }

    public func int(_ column: String) throws -> Int { Int(try int64(column)) }
    public func optionalInt(_ column: String) throws -> Int? { try optionalInt64(column).map { Int($0) } }

    public func int32(_ column: String) throws -> Int32 {
        let value = try int64(column)
        guard let narrow = Int32(exactly: value) else { throw fail(column, "a 32-bit integer") }
        return narrow
    }

    public func bool(_ column: String) throws -> Bool {
        switch try int64(column) {
        case 0: return false
        case 1: return true
        default: throw fail(column, "0 or 1")
        }
    }

    /// A REAL column (an integer is widened, as SQLite may store a whole number so).
    public func optionalDouble(_ column: String) throws -> Double? {
        switch values[column] {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        case .null: return nil
        default: throw fail(column, "a number or NULL")
        }
    }

    public func double(_ column: String) throws -> Double {
        guard let value = try optionalDouble(column) else { throw fail(column, "a number") }
        return value
    }

    public func optionalText(_ column: String) throws -> String? {
        switch values[column] {
        case .text(let value): return value
        case .null, nil: return nil
        default: throw fail(column, "text or NULL")
        }
    }

    public func text(_ column: String) throws -> String {
        guard case .text(let value)? = values[column] else { throw fail(column, "text") }
        return value
    }

    /// A time: a `timestamptz` value, or SQLite's UTC text `yyyy-MM-dd HH:mm:ss(.SSS)`.
    public func date(_ column: String) throws -> Date {
        switch values[column] {
        case .date(let value): return value
        case .text(let text):
            guard let value = SQLDateText.parse(text) else { throw fail(column, "a time") }
            return value
        default: throw fail(column, "a time")
        }
    }
}

/// SQLite's time text, as GRDB writes it: UTC `yyyy-MM-dd HH:mm:ss.SSS`.
enum SQLDateText {
    /// One formatter per accepted form, made once and used under a lock (a formatter is costly
    /// to make, and not documented as safe to share between threads).
    private static let formatters = Mutex<[DateFormatter]>(
        ["yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss"]
            .map { format in
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "UTC")
                formatter.dateFormat = format
                return formatter
            })

    static func parse(_ text: String) -> Date? {
        formatters.withLock { formatters in
            for formatter in formatters {
                if let date = formatter.date(from: text) { return date }
            }
            return nil
        }
    }
}
