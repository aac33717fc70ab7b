/// Writing genomes as S-expression text (the inverse of `Genome(parsing:)`).
extension Genome: CustomStringConvertible {
    /// The genome on one line, e.g. `(rgb (sin (* 3.1 x)) y r)`. Constants print in Swift's
    /// shortest round-trip form, so parsing the text gives back exactly this genome.
    public var description: String {
        var out = ""
        out.reserveCapacity(nodes.count * 6)
        var remaining: [Int] = []          // arguments still to print for each open '('
        for node in nodes {
            if let last = remaining.last {
                out += " "
                remaining[remaining.count - 1] = last - 1
            }
            let arity = node.op.arity
            if arity == 0 {
                out += node.op == .constant ? node.value.description : node.op.name
            } else {
                out += "("
                out += node.operatorText
                remaining.append(arity)
            }
            while let last = remaining.last, last == 0 {
                out += ")"
                remaining.removeLast()
            }
        }
        return out
    }

    /// The genome indented over several lines: subexpressions that fit in `width` columns stay on
    /// one line. Parses back to the same genome.
    public func prettyDescription(width: Int = 72) -> String {
        var lines: [String] = []
        func emit(_ index: Int, indent: Int) -> Int {
            let end = subtreeEnd(at: index)
            let flat = with(nodes: Array(nodes[index..<end])).description
            let pad = String(repeating: " ", count: indent)
            if nodes[index].op.arity == 0 || indent + flat.count <= width || indent > 2 * Genome.maxDepth {
                lines.append(pad + flat)
                return end
            }
            lines.append(pad + "(" + nodes[index].operatorText)
            var j = index + 1
            for _ in 0..<nodes[index].op.arity { j = emit(j, indent: indent + 2) }
            lines[lines.count - 1] += ")"
            return end
        }
        _ = emit(0, indent: 0)
        return lines.joined(separator: "\n")
    }
}
