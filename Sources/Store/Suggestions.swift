import Spelling

/// Orders known names by closeness to a mistyped one, for "did you mean" hints.
enum Suggestions {
    /// `names` sorted by edit distance to `query` (case-insensitive), then alphabetically.
    static func rank(_ names: [String], near query: String) -> [String] {
        let target = query.lowercased()
        return names
            .map { (name: $0, distance: EditDistance.between($0.lowercased(), target)) }
            .sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
            .map(\.name)
    }
}
