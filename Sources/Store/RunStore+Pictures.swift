import Foundation

/// A picture a run's formulas sample, as the store keeps it.
public struct StoredPicture: Sendable, Equatable {
    /// Six hex digits (what `photo@KEY` names).
    public var key: String
    /// Pixels a side (square).
    public var side: Int
    /// Planar RGB bytes, `3·side²` of them.
    public var bytes: [UInt8]

    public init(key: String, side: Int, bytes: [UInt8]) {
        self.key = key
        self.side = side
        self.bytes = bytes
    }
}

/// The pictures stored with a run (`evolve --start-from PNG`), so resuming never needs the file.
extension RunStore {
    /// Stores `pictures` with run `id` (a key already stored is kept as it is).
    public func savePictures(_ pictures: [StoredPicture], run id: Int64) throws {
        guard !pictures.isEmpty else { return }
        try transaction("storing the pictures of run \(id)") { db in
            for p in pictures {
                try db.execute("""
                    INSERT INTO pictures (run_id, picture_key, side, data) VALUES (?, ?, ?, ?)
                    ON CONFLICT (run_id, picture_key) DO NOTHING
                    """, [id, p.key, p.side, Data(p.bytes).base64EncodedString()])
            }
        }
    }

    /// The pictures stored with run `id`, by key.
    public func pictures(run id: Int64) throws -> [StoredPicture] {
        try read("reading the pictures of run \(id)") { db in
            try db.fetchAll("SELECT picture_key, side, data FROM pictures WHERE run_id = ? ORDER BY picture_key", [id])
                .map { row in
                    let key = try row.text("picture_key")
                    guard let data = Data(base64Encoded: try row.text("data")) else {
                        throw StoreError.invalidRecord(run: "\(id)", generation: 0,
                                                       reason: "picture \(key) is not base64 (the database is damaged)")
                    }
                    return StoredPicture(key: key, side: try row.int("side"), bytes: [UInt8](data))
                }
        }
    }
}
