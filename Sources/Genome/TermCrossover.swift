/// Uniform crossover of the terms of two sums (the wave genomes' natural unit).
extension Genome {
    /// The terms of this genome read as a sum: the maximal subtrees below its top chain of
    /// `add` nodes, in order (one term, itself, when the root is not `add`).
    public var terms: [Genome] {
        var out: [Genome] = []
        func collect(_ i: Int) {
            if nodes[i].op == .add {
                let first = i + 1
                collect(first)
                collect(subtreeEnd(at: first))
            } else {
                out.append(subtree(at: i))
            }
        }
        collect(0)
        return out
    }

    /// Whether this genome is a sum of two or more terms (its root is `add`): `terms.count > 1`
    /// without building the terms.
    public var isSum: Bool { nodes[0].op == .add }

    /// A balanced sum of `terms` (in order; at least one).
    public static func sum(of terms: [Genome]) -> Genome {
        precondition(!terms.isEmpty, "sum(of:) needs at least one term")
        var nodes: [Node] = []
        func build(_ slice: ArraySlice<Genome>) {
            if slice.count == 1 { nodes += slice.first!.nodes; return }
            nodes.append(Node(.add))
            let middle = slice.startIndex + slice.count / 2
            build(slice[slice.startIndex..<middle])
            build(slice[middle...])
        }
        build(terms[...])
        return Genome(validNodes: nodes, pictures: Pictures.of(terms))
    }

    /// Uniform term crossover: term k of the first child is `a`'s or `b`'s term k with even
    /// odds (a term beyond the shorter parent's end stays with its own parent); the second
    /// child takes the other choice. Whole wave terms (a colour with its frequency and phase)
    /// move between parents intact, which subtree crossover rarely does. A child that would
    /// break `limits` is replaced by its parent, as in `crossover`.
    public static func termCrossover(_ a: Genome, _ b: Genome, limits: Limits = .standard,
                                     using rng: inout some RandomNumberGenerator) -> (Genome, Genome) {
        var first = a.terms, second = b.terms
        for k in 0..<Swift.min(first.count, second.count) where rng.chance(0.5) {
            swap(&first[k], &second[k])
        }
        let x = sum(of: first), y = sum(of: second)
        return (limits.admits(x) ? x : a, limits.admits(y) ? y : b)
    }
}
