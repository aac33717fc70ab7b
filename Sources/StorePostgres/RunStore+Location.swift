import Foundation
import Store

extension RunStore {
    /// Opens the run database `location` names: a `postgresql://` (or `postgres://`) URL, or
    /// the path of an SQLite file.
    public static func open(location: String, readOnly: Bool = false) throws -> RunStore {
        if PostgresURL.isPostgres(location) {
            return RunStore(backend: try PostgresBackend(url: try PostgresURL(location), readOnly: readOnly))
        }
        return try RunStore(path: location, readOnly: readOnly)
    }
}
