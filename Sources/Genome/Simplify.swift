/// Constant folding: subtrees that do not depend on the pixel coordinates become constants.
extension Genome {
    /// This genome with every coordinate-free subtree whose value is a broadcast scalar replaced
    /// by that constant (a coordinate-free colour keeps its node, with folded arguments).
    ///
    /// Values are computed with the same per-element `Semantics` the renderers use, so the
    /// simplified genome renders identically (bit for bit). A warp or blur whose body ignores
    /// the coordinates folds to the body's value, a graddir of it to 0.
    public func simplified() -> Genome {
        let ends = subtreeEnds
        // free[i]: the subtree at i never reads x, y, r or t (for a warp: its body does not).
        var free = [Bool](repeating: true, count: nodes.count)
        for i in nodes.indices.reversed() {
            let op = nodes[i].op
            if op.isCoordinate {
                free[i] = false
            } else if op.isWarp {
                free[i] = free[i + 1]
            } else if op.arity > 0 {
                var j = i + 1
                var all = true
                while j < ends[i] {
                    all = all && free[j]
                    j = ends[j]
                }
                free[i] = all
            }
        }
        var out: [Node] = []
        out.reserveCapacity(nodes.count)
        var i = 0
        while i < nodes.count {
            if free[i] && nodes[i].op != .constant {
                let value = evaluateFree(at: i, ends: ends)
                if value.isUniform {
                    out.append(.constant(Genome.admissible(value.r)))
                    i = ends[i]
                    continue
                }
            }
            out.append(nodes[i])
            i += 1
        }
        return with(nodes: out)
    }

    /// The value of a coordinate-free subtree (the same at every pixel).
    func evaluateFree(at index: Int, ends: [Int]) -> Triple {
        let node = nodes[index]
        if node.op == .constant { return Triple(broadcast: node.value) }
        if node.op.bodySamples > 1 {
            // Every sample of a coordinate-free body is the same value: blur keeps it, graddir
            // sees no slope (the step and coordinates do not matter).
            let body = evaluateFree(at: index + 1, ends: ends), zero = Triple(broadcast: 0)
            return ImageOperators.value(node.op, x: zero, y: zero, step: zero) { _, _ in body }
        }
        if node.op.isWarp { return evaluateFree(at: index + 1, ends: ends) }
        if node.op == .photo, let picture = pictures[node.pictureKey] {
            return ChannelSemantics.photo(picture, u: evaluateFree(at: index + 1, ends: ends),
                                          v: evaluateFree(at: ends[index + 1], ends: ends))
        }
        var args: [Triple] = []
        var j = index + 1
        for _ in 0..<node.op.arity {
            args.append(evaluateFree(at: j, ends: ends))
            j = ends[j]
        }
        return ChannelSemantics.apply(node.op, args)
    }
}
