import Genome

/// An unfolded, unshared program for the gradient pass: one tape node per genome operator, so
/// every genome constant keeps its own node and its adjoint maps straight back to its slot in
/// `Genome.constants` (the render compiler folds and shares constants, which would merge slots).
///
/// Every node holds three channel planes (scalars are broadcast), up to two outputs (warps).
/// Values are computed with the same `Semantics` functions as the renderer, so the tape's
/// forward pass reproduces `RenderProgram.render` bit for bit.
struct GradientTape: Sendable {
    /// What a tape node computes.
    enum Op: Sendable {
        /// Genome constant number `slot` (prefix order) with its value.
        case constant(slot: Int, value: Float)
        /// A fixed number of an image operator's recipe (no genome slot, no gradient).
        case literal(Float)
        /// The sample coordinates.
        case x, y
        /// One channel of the argument, broadcast to all three.
        case pick(channel: Int)
        /// A render kernel (channel-wise, `mean`, `rgb`, `hsv` or a warp).
        case kernel(Kernel)
        /// `photo`: the picture at (u, v) of the two arguments, channel-wise.
        case photo(Picture)
    }

    /// One output of a tape node.
    struct Ref: Sendable {
        var node: Int32
        var output: Int32 = 0
    }

    struct Node: Sendable {
        var op: Op
        var args: [Ref]
    }

    private(set) var nodes: [Node] = []
    /// The genome's value.
    private(set) var root = Ref(node: 0)
    /// Number of genome constants (gradient length).
    private(set) var constantCount = 0

    private let genome: Genome
    private let ends: [Int]

    init(_ genome: Genome) {
        self.genome = genome
        self.ends = genome.subtreeEnds
        nodes.reserveCapacity(genome.nodeCount + 2)
        let x = append(.x, [])
        let y = append(.y, [])
        root = compile(0, x: x, y: y)
    }

    private mutating func append(_ op: Op, _ args: [Ref]) -> Ref {
        nodes.append(Node(op: op, args: args))
        return Ref(node: Int32(nodes.count - 1))
    }

    /// The value of the genome subtree at `index` at coordinates (`x`, `y`), mirroring
    /// `Compiler.compile` without folding or sharing.
    private mutating func compile(_ index: Int, x: Ref, y: Ref) -> Ref {
        let node = genome.nodes[index]
        let first = index + 1
        switch node.op {
        case .constant:
            defer { constantCount += 1 }
            return append(.constant(slot: constantCount, value: node.value), [])
        case .x: return x
        case .y: return y
        case .r: return append(.kernel(.radius), [x, y])
        case .t: return append(.kernel(.angle), [x, y])
        case .red: return append(.pick(channel: 0), [compile(first, x: x, y: y)])
        case .green: return append(.pick(channel: 1), [compile(first, x: x, y: y)])
        case .blue: return append(.pick(channel: 2), [compile(first, x: x, y: y)])
        case .gray: return append(.kernel(.mean), [compile(first, x: x, y: y)])
        case .blur, .graddir:
            // The step first (its constants follow the body's in prefix order), then the body
            // once per sample, each copy numbering the body's constants from the same slot.
            let bodyStart = constantCount
            constantCount += genome.nodes[first..<ends[first]].lazy.filter { $0.op == .constant }.count
            let step = compile(ends[first], x: x, y: y)
            let afterStep = constantCount
            let zero = append(.literal(0), [])
            var values: [Ref] = []
            for s in ImageOperators.steps(node.op) {
                switch s {
                case let .sample(dx, dy):
                    let sx = dx == 0 ? x : append(.kernel(dx < 0 ? .sub : .add), [x, step])
                    let sy = dy == 0 ? y : append(.kernel(dy < 0 ? .sub : .add), [y, step])
                    constantCount = bodyStart
                    values.append(compile(first, x: sx, y: sy))
                case let .mid(a, b): values.append(append(.kernel(.mix), [values[a], values[b], zero]))
                case let .sub(a, b): values.append(append(.kernel(.sub), [values[a], values[b]]))
                case let .angle(a, b): values.append(append(.kernel(.angle), [values[a], values[b]]))
                }
            }
            constantCount = afterStep
            return values[values.count - 1]
        case .photo:
            guard let picture = genome.pictures[node.pictureKey] else {
                preconditionFailure("GradientTape: photo@\(Picture.text(ofKey: node.pictureKey)) without its picture")
            }
            let u = compile(first, x: x, y: y)
            return append(.photo(picture), [u, compile(ends[first], x: x, y: y)])
        case .warp, .swirl, .polar, .rotate, .scale, .tile, .kaleido:
            // Parameters first (at the outer coordinates), as the compiler numbers constants
            // by prefix order only through `constantCount`: count the body's constants first.
            var args = [x, y]
            let bodyConstants = genome.nodes[first..<ends[first]].lazy.filter { $0.op == .constant }.count
            let bodyStart = constantCount
            constantCount += bodyConstants
            var j = ends[first]
            for _ in 1..<node.op.arity {
                args.append(compile(j, x: x, y: y))
                j = ends[j]
            }
            let afterParameters = constantCount
            let warp = append(.kernel(Kernel(node.op)), args)
            constantCount = bodyStart
            let body = compile(first, x: warp, y: Ref(node: warp.node, output: 1))
            constantCount = afterParameters
            return body
        default:
            var args: [Ref] = []
            var j = first
            for _ in 0..<node.op.arity {
                args.append(compile(j, x: x, y: y))
                j = ends[j]
            }
            return append(.kernel(Kernel(node.op)), args)
        }
    }
}
