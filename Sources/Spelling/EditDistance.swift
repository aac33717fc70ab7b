/// Levenshtein distance: the fewest insertions, deletions and substitutions turning one
/// sequence into another. The one implementation behind every "did you mean" hint (class
/// names, primitive names, run names).
public enum EditDistance {
    /// The distance between `a` and `b`, or `limit + 1` as soon as it must exceed `limit`.
    public static func between<A: Collection, B: Collection>(_ a: A, _ b: B, limit: Int = .max - 1) -> Int
    where A.Element: Equatable, A.Element == B.Element {
        let x = Array(a), y = Array(b)
        if abs(x.count - y.count) > limit { return limit + 1 }
        if x.isEmpty || y.isEmpty { return min(max(x.count, y.count), limit + 1) }
        var previous = Array(0...y.count), current = previous
        for i in 1...x.count {
            current[0] = i
            var rowMin = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                rowMin = min(rowMin, current[j])
            }
            if rowMin > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return min(previous[y.count], limit + 1)
    }
}
