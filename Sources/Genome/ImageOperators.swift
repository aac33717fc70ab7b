/// Sims' image operators (1991): `blur` and `graddir` read their body at shifted coordinates,
/// so a subtree acts as a picture that is smoothed or differentiated.
///
/// Each is a recipe of steps written once: the reference evaluator runs it on values, the
/// render compiler and the gradient tape turn it into graph nodes, so all three combine the
/// same samples the same way, with the same `Semantics` functions, and agree bit for bit.
public enum ImageOperators {
    /// One step of a recipe; its result is appended to the values computed so far (indexed
    /// from 0), and the last one is the operator's value.
    public enum Step: Sendable, Hashable {
        /// The body at coordinates shifted by (dx, dy) steps, each -1, 0 or 1: a coordinate
        /// c becomes `sub(c, step)`, c or `add(c, step)`.
        case sample(dx: Int, dy: Int)
        /// `mix(values[a], values[b], 0)`: exactly a + (b − a)/2, and a when a = b.
        case mid(Int, Int)
        /// `values[a] − values[b]`.
        case sub(Int, Int)
        /// `angle(values[a], values[b])` = atan2(b, a)/π: the direction of the vector (a, b).
        case angle(Int, Int)
    }

    /// `blur`: the body at offsets (dx, dy)·b, dx and dy in {-1, 0, 1}, combined by halves:
    /// each row is mid(mid(left, right), centre), then the rows the same way. That is the 3×3
    /// tent [1 2 1]ᵀ[1 2 1] / 16, and a body equal at every sample comes out unchanged.
    public static let blur: [Step] = {
        var steps: [Step] = []
        var rows: [Int] = []
        for dy in [-1, 1, 0] {
            let first = steps.count
            steps += [.sample(dx: -1, dy: dy), .sample(dx: 1, dy: dy), .mid(first, first + 1), .sample(dx: 0, dy: dy),
                      .mid(first + 2, first + 3)]
            rows.append(steps.count - 1)
        }
        steps.append(.mid(rows[0], rows[1]))
        steps.append(.mid(steps.count - 1, rows[2]))
        return steps
    }()

    /// `graddir`: the direction of the body's central differences,
    /// angle(body(x + b) − body(x − b), body(y + b) − body(y − b)); a body equal at every
    /// sample has the direction angle(0, 0) = 0.
    public static let gradientDirection: [Step] = [
        .sample(dx: 1, dy: 0), .sample(dx: -1, dy: 0), .sub(0, 1),
        .sample(dx: 0, dy: 1), .sample(dx: 0, dy: -1), .sub(3, 4),
        .angle(2, 5),
    ]

    /// The recipe of `op` (`blur` or `graddir`).
    public static func steps(_ op: Op) -> [Step] {
        switch op {
        case .blur: return blur
        case .graddir: return gradientDirection
        default: preconditionFailure("ImageOperators.steps: \(op.name) is not an image operator")
        }
    }

    /// The operator's value on RGB values: `body` at the shifted coordinates, combined.
    public static func value(_ op: Op, x: Triple, y: Triple, step: Triple, body: (Triple, Triple) -> Triple) -> Triple {
        func shifted(_ c: Triple, _ offset: Int) -> Triple {
            offset == 0 ? c : ChannelSemantics.apply(offset < 0 ? .sub : .add, [c, step])
        }
        var values: [Triple] = []
        for s in steps(op) {
            switch s {
            case let .sample(dx, dy): values.append(body(shifted(x, dx), shifted(y, dy)))
            case let .mid(a, b): values.append(ChannelSemantics.apply(.mix, [values[a], values[b], Triple(broadcast: 0)]))
            case let .sub(a, b): values.append(ChannelSemantics.apply(.sub, [values[a], values[b]]))
            case let .angle(a, b):
                let u = values[a], v = values[b]
                values.append(Triple(Semantics.angle(u.r, v.r), Semantics.angle(u.g, v.g), Semantics.angle(u.b, v.b)))
            }
        }
        return values[values.count - 1]
    }
}

extension Genome {
    /// Body evaluations per sample, summed over the nodes: each node counts once, times the
    /// samples of every `blur` (9) and `graddir` (4) whose body holds it. The renderer's work
    /// is proportional to it (before sharing); without image operators it is `nodeCount`.
    /// Saturates at 2⁴⁰.
    public var evaluationCost: Int {
        // Without image operators every node counts once: no pass over subtrees (`Limits.admits`
        // asks this of every child).
        guard nodes.contains(where: { $0.op.bodySamples > 1 }) else { return nodeCount }
        return subtreeCosts(ends: subtreeEnds)[0]
    }

    /// `evaluationCost` of the subtree at each node.
    func subtreeCosts(ends: [Int]) -> [Int] {
        var costs = [Int](repeating: 0, count: nodes.count)
        for i in nodes.indices.reversed() {
            let op = nodes[i].op
            var cost = 1, j = i + 1
            for k in 0..<op.arity {
                cost = Swift.min(1 << 40, cost + (k == 0 ? op.bodySamples : 1) * costs[j])
                j = ends[j]
            }
            costs[i] = cost
        }
        return costs
    }

    /// This genome with `blur` and `graddir` nodes replaced by their bodies, the costliest
    /// first (outermost on ties), until `evaluationCost` is at most `limit`.
    func withoutImageOperators(over limit: Int) -> Genome {
        var g = self
        while g.evaluationCost > limit {
            let ends = g.subtreeEnds
            let costs = g.subtreeCosts(ends: ends)
            var target = -1
            for i in g.nodes.indices where g.nodes[i].op.bodySamples > 1 && (target < 0 || costs[i] > costs[target]) {
                target = i
            }
            guard target >= 0 else { return g }
            let body = g.with(nodes: Array(g.nodes[(target + 1)..<ends[target + 1]]))
            g = g.replacingSubtree(at: target, with: body)
        }
        return g
    }
}
