import Foundation

/// The JSON a run keeps in its rows (settings, counters, measurements): written with sorted keys
/// so the same value always gives the same bytes, and read back with an error naming the run.
package enum StoredJSON {
    /// `value` as sorted-key JSON text.
    package static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A `T` from `json` stored for run `run`; a failure is `SearchError.unreadableConfig`,
    /// its reason prefixed by `context` (e.g. "generation 7 state: ").
    package static func decode<T: Decodable>(_ type: T.Type, from json: String, run: String, context: String = "") throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(json.utf8)) } catch {
            throw SearchError.unreadableConfig(run: run, reason: "\(context)\(error)")
        }
    }
}
