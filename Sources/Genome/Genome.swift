/// One node of a genome: an operator, and for `.constant` its value (0 for every other op).
public struct Node: Hashable, Sendable {
    public var op: Op
    public var value: Float

    /// A non-constant node.
    @inlinable public init(_ op: Op) {
        self.op = op
        self.value = 0
    }

    /// A constant node (the value should satisfy `Genome.admits(constant:)`).
    @inlinable public static func constant(_ value: Float) -> Node {
        var n = Node(.constant)
        n.value = value
        return n
    }

    /// A `photo` node sampling the picture with `key` (24 bits, held exactly in `value`).
    @inlinable public static func photo(key: UInt32) -> Node {
        var n = Node(.photo)
        n.value = Float(key & 0xFF_FFFF)
        return n
    }

    /// The picture key of a `photo` node.
    @inlinable public var pictureKey: UInt32 { UInt32(value) }

    /// How the text format names an operator node: its name, with the key for `photo`
    /// (`photo@1a2b3c`).
    public var operatorText: String { op == .photo ? "photo@" + Picture.text(ofKey: pictureKey) : op.name }
}

/// An expression tree over pixel coordinates, stored as a flat prefix-order array of nodes.
///
/// Node `i`'s arguments follow it directly; its subtree is the contiguous slice
/// `i..<subtreeEnd(at: i)`. Invariants (checked by `init(nodes:)`, kept by every operator):
/// the array is exactly one complete expression, every constant is finite with
/// |c| ≤ `Semantics.bound`, the depth is at most `Genome.maxDepth`, and every `photo` node's
/// picture is in `pictures`.
///
/// Equality and hashing look at the nodes only: a `photo` node names its picture by content
/// key, so equal nodes sample equal pictures.
public struct Genome: Hashable, Sendable {
    /// The nodes in prefix order.
    public private(set) var nodes: [Node]
    /// The pictures `photo` nodes sample (operators carry their parents' along; a genome
    /// without `photo` usually has none).
    public private(set) var pictures: Pictures

    public static func == (a: Genome, b: Genome) -> Bool { a.nodes == b.nodes }
    public func hash(into hasher: inout Hasher) { hasher.combine(nodes) }

    /// Deepest nesting any genome may have (the parser and `init(nodes:)` refuse deeper ones).
    public static let maxDepth = 512
    /// Most nodes any genome may have.
    public static let maxNodes = 1 << 20
    /// The largest `evaluationCost` any genome may have (nested `blur`s multiply it by 9 each).
    public static let maxEvaluationCost = 1 << 22

    /// Wraps nodes already known to be valid (operators build genomes this way), with the
    /// pictures their `photo` nodes sample.
    @usableFromInline init(validNodes: [Node], pictures: Pictures) {
        self.nodes = validNodes
        self.pictures = pictures
    }

    /// Validates `nodes` as one complete prefix-order expression within the global limits,
    /// whose `photo` nodes name pictures in `pictures`.
    public init(nodes: [Node], pictures: Pictures = .none) throws {
        guard !nodes.isEmpty else { throw GenomeError.invalidNodes(reason: "no nodes") }
        guard nodes.count <= Genome.maxNodes else {
            throw GenomeError.tooManyNodes(count: nodes.count, limit: Genome.maxNodes)
        }
        var open = 1
        for (i, node) in nodes.enumerated() {
            guard open > 0 else {
                throw GenomeError.invalidNodes(reason: "nodes after the end of the expression at index \(i)")
            }
            open += node.op.arity - 1
            if node.op == .constant {
                guard Genome.admits(constant: node.value) else {
                    throw GenomeError.constantOutOfRange(text: "\(node.value)", line: 0, column: 0)
                }
            } else if node.op == .photo {
                guard node.value >= 0, node.value < 16_777_216, node.value.rounded() == node.value else {
                    throw GenomeError.invalidNodes(reason: "photo node at index \(i) carries \(node.value), not a 24-bit picture key")
                }
                guard pictures[node.pictureKey] != nil else {
                    throw GenomeError.missingPicture(key: Picture.text(ofKey: node.pictureKey),
                                                     available: pictures.all.map(\.keyText), line: 0, column: 0)
                }
            } else if node.value != 0 {
                throw GenomeError.invalidNodes(reason: "non-constant node \(node.op.name) at index \(i) carries a value")
            }
        }
        guard open == 0 else {
            throw GenomeError.invalidNodes(reason: "expression incomplete: \(open) argument(s) missing")
        }
        let genome = Genome(validNodes: nodes, pictures: pictures)
        guard genome.depth <= Genome.maxDepth else {
            throw GenomeError.tooDeep(limit: Genome.maxDepth, line: 0, column: 0)
        }
        try genome.checkEvaluationCost()
        self = genome
    }

    /// Throws `tooCostly` when `evaluationCost` exceeds `maxEvaluationCost`.
    func checkEvaluationCost() throws {
        let cost = evaluationCost
        guard cost <= Genome.maxEvaluationCost else {
            throw GenomeError.tooCostly(cost: cost, limit: Genome.maxEvaluationCost)
        }
    }

    /// Whether `value` may be a constant: finite with magnitude ≤ `Semantics.bound`.
    @inlinable public static func admits(constant value: Float) -> Bool {
        value.isFinite && value.magnitude <= Semantics.bound
    }

    /// Brings any Float into the admissible constant range (NaN ↦ 0, ±∞ ↦ ±bound).
    @inlinable public static func admissible(_ value: Float) -> Float {
        value.isNaN ? 0 : Semantics.clamp(value)
    }

    /// Number of nodes.
    @inlinable public var nodeCount: Int { nodes.count }

    /// Nodes on the longest root-to-leaf path (a lone terminal has depth 1).
    public var depth: Int {
        var stack: [Int] = []
        stack.reserveCapacity(64)
        for node in nodes.reversed() {
            let arity = node.op.arity
            var d = 0
            for _ in 0..<arity { d = Swift.max(d, stack.removeLast()) }
            stack.append(d + 1)
        }
        return stack.last ?? 0
    }

    /// Depth of each node below the root (root 0), in prefix order.
    public var nodeDepths: [Int] {
        var result = [Int](repeating: 0, count: nodes.count)
        var pending: [Int] = []        // remaining argument counts of open ancestors
        for i in nodes.indices {
            while let last = pending.last, last == 0 { pending.removeLast() }
            result[i] = pending.count
            if !pending.isEmpty { pending[pending.count - 1] -= 1 }
            let arity = nodes[i].op.arity
            if arity > 0 { pending.append(arity) }
        }
        return result
    }

    /// `subtreeEnd(at: i)` for every node, computed in one linear pass.
    public var subtreeEnds: [Int] {
        var ends = [Int](repeating: 0, count: nodes.count)
        var stack: [Int] = []          // ends of the subtrees that follow, nearest on top
        for i in nodes.indices.reversed() {
            var end = i + 1
            for _ in 0..<nodes[i].op.arity { end = stack.removeLast() }
            ends[i] = end
            stack.append(end)
        }
        return ends
    }

    /// One past the last node of the subtree rooted at `index`.
    @inlinable public func subtreeEnd(at index: Int) -> Int {
        var need = 1
        var j = index
        while need > 0 {
            need += Int(Op.arities[Int(nodes[j].op.rawValue)]) - 1
            j += 1
        }
        return j
    }

    /// The subtree rooted at `index` as a genome of its own.
    public func subtree(at index: Int) -> Genome {
        Genome(validNodes: Array(nodes[index..<subtreeEnd(at: index)]), pictures: pictures)
    }

    /// This genome with the subtree at `index` replaced by `replacement` (the pictures of both).
    public func replacingSubtree(at index: Int, with replacement: Genome) -> Genome {
        var out = nodes
        out.replaceSubrange(index..<subtreeEnd(at: index), with: replacement.nodes)
        return Genome(validNodes: out, pictures: pictures.union(replacement.pictures))
    }

    /// This genome's nodes replaced by `nodes` (an operator's result), its pictures kept.
    @usableFromInline func with(nodes: [Node]) -> Genome {
        Genome(validNodes: nodes, pictures: pictures)
    }

    /// This genome carrying `more` pictures as well (for `photo` nodes grafted in later).
    public func adding(pictures more: Pictures) -> Genome {
        Genome(validNodes: nodes, pictures: pictures.union(more))
    }

    /// Whether any node is a `photo`.
    public var usesPictures: Bool { nodes.contains { $0.op == .photo } }

    /// Index of each node's argument roots (empty for terminals), in prefix order.
    public func argumentIndices(of index: Int) -> [Int] {
        var result: [Int] = []
        var j = index + 1
        for _ in 0..<nodes[index].op.arity {
            result.append(j)
            j = subtreeEnd(at: j)
        }
        return result
    }

    /// All numeric constants in prefix order. Setting replaces them in the same order; the new
    /// array must have the same count (values are made admissible: NaN ↦ 0, clamped to ±bound).
    public var constants: [Float] {
        get { nodes.lazy.filter { $0.op == .constant }.map(\.value) }
        set {
            var k = 0
            for i in nodes.indices where nodes[i].op == .constant {
                precondition(k < newValue.count, "constants: expected \(k + 1)+ values, got \(newValue.count)")
                nodes[i].value = Genome.admissible(newValue[k])
                k += 1
            }
            precondition(k == newValue.count, "constants: expected \(k) values, got \(newValue.count)")
        }
    }

    /// A 64-bit FNV-1a hash of the operators' names and constants' bit patterns (with -0 as +0):
    /// stable across runs, processes and builds, unlike `hashValue`.
    public var structuralHash: UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        @inline(__always) func mix(_ byte: UInt8) {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        for node in nodes {
            if node.op == .constant {
                mix(0x23)   // '#'
                let bits = node.value == 0 ? 0 : node.value.bitPattern
                for shift in stride(from: 0, to: 32, by: 8) { mix(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
            } else {
                for byte in node.operatorText.utf8 { mix(byte) }
            }
            mix(0x20)       // separator
        }
        return h
    }
}
