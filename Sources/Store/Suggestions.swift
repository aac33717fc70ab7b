/// Orders known names by closeness to a mistyped one, for "did you mean" hints.
enum Suggestions {
    /// `names` sorted by edit distance to `query` (case-insensitive), then alphabetically.
    static func rank(_ names: [String], near query: String) -> [String] {
        let target = Array(query.lowercased())
        return names
            .map { (name: $0, distance: editDistance(Array($0.lowercased()), target)) }
            .sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
            .map(\.name)
    }

    /// Levenshtein distance: the fewest insertions, deletions and substitutions turning `a`
    /// into `b`.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
