import Genome

/// NSGA-II's survivor selection (Deb et al. 2002): non-dominated sorting into fronts, then
/// crowding distance within the last front that fits, so a population keeps the trade-off
/// between confidence, naturalness and size instead of collapsing them into one weighted sum.
public enum Pareto {
    /// What an individual is ranked by, every coordinate to be maximised: its confidence, its
    /// naturalness penalty negated and its node count negated.
    public static func objectives(_ individual: Individual) -> [Float] {
        objectives(confidence: individual.evaluation.confidence, naturalness: individual.evaluation.naturalness,
                   nodes: individual.genome.nodeCount)
    }

    /// The coordinates of a picture with these measures (as stored with a run's population).
    public static func objectives(confidence: Float, naturalness: Float, nodes: Int) -> [Float] {
        [confidence, -naturalness, -Float(nodes)]
    }

    /// Whether `a` dominates `b`: at least as good in every coordinate and better in one.
    public static func dominates(_ a: [Float], _ b: [Float]) -> Bool {
        var better = false
        for k in a.indices {
            if a[k] < b[k] { return false }
            if a[k] > b[k] { better = true }
        }
        return better
    }

    /// The fronts of `points` (indices, each front ascending): front 0 is every point no other
    /// dominates, front 1 every point dominated only by front 0, and so on (the fast
    /// non-dominated sort: O(m·n²)).
    public static func fronts(_ points: [[Float]]) -> [[Int]] {
        let n = points.count
        var dominated = [[Int]](repeating: [], count: n)   // the points each one dominates
        var dominators = [Int](repeating: 0, count: n)     // how many dominate each one
        for i in 0..<n {
            for j in (i + 1)..<n {
                if dominates(points[i], points[j]) {
                    dominated[i].append(j)
                    dominators[j] += 1
                } else if dominates(points[j], points[i]) {
                    dominated[j].append(i)
                    dominators[i] += 1
                }
            }
        }
        var fronts: [[Int]] = []
        var current = (0..<n).filter { dominators[$0] == 0 }
        while !current.isEmpty {
            fronts.append(current)
            var next: [Int] = []
            for i in current {
                for j in dominated[i] {
                    dominators[j] -= 1
                    if dominators[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
        }
        return fronts
    }

    /// The crowding distance of each point of `front` (same order): per coordinate, the gap
    /// between its two neighbours in that coordinate divided by the front's range, summed; the
    /// extremes of each coordinate get infinity, so a front's ends always survive.
    public static func crowding(_ points: [[Float]], front: [Int]) -> [Double] {
        var distance = [Double](repeating: 0, count: front.count)
        guard let m = front.first.map({ points[$0].count }), front.count > 2 else {
            return [Double](repeating: .infinity, count: front.count)
        }
        for k in 0..<m {
            // Stable: ties keep the front's order.
            let order = front.indices.sorted { a, b in
                let va = points[front[a]][k], vb = points[front[b]][k]
                return va != vb ? va < vb : a < b
            }
            let low = Double(points[front[order[0]]][k]), high = Double(points[front[order[order.count - 1]]][k])
            distance[order[0]] = .infinity
            distance[order[order.count - 1]] = .infinity
            guard high > low else { continue }
            for r in 1..<(order.count - 1) {
                let gap = Double(points[front[order[r + 1]]][k]) - Double(points[front[order[r - 1]]][k])
                distance[order[r]] += gap / (high - low)
            }
        }
        return distance
    }

    /// (μ+λ) survivor selection by fronts: distinct phenotypes only (the first of equal images:
    /// equal images score alike), the fittest candidate always (elitism), then whole fronts
    /// while they fit and the rest of the last front by crowding distance (larger first,
    /// earlier candidates on ties). The survivors are returned in order of fitness, so a
    /// population's first individual is still its fittest.
    public static func survivors(_ candidates: [Individual], count: Int) -> [Individual] {
        var seen = Set<UInt64>()
        let distinct = candidates.filter { seen.insert($0.evaluation.phenotype).inserted }
        guard count > 0, let fittest = distinct.indices.max(by: { a, b in
            let fa = distinct[a].evaluation.fitness, fb = distinct[b].evaluation.fitness
            return fa != fb ? fa < fb : a > b
        }) else { return [] }
        let points = distinct.map(objectives)
        // Elitism: the fittest always stays (a run's best never gets worse); the fronts fill
        // the other places.
        var kept: [Int] = [fittest]
        for front in fronts(points).map({ $0.filter { $0 != fittest } }) where !front.isEmpty {
            if kept.count + front.count <= count {
                kept += front
                if kept.count == count { break }
                continue
            }
            let distance = crowding(points, front: front)
            let ranked = front.indices.sorted { a, b in distance[a] != distance[b] ? distance[a] > distance[b] : front[a] < front[b] }
            kept += ranked.prefix(count - kept.count).map { front[$0] }
            break
        }
        return kept.sorted { a, b in
            let fa = distinct[a].evaluation.fitness, fb = distinct[b].evaluation.fitness
            return fa != fb ? fa > fb : a < b
        }.map { distinct[$0] }
    }
}
