import Genome

/// One output of a DAG node, optionally narrowed to one channel plane (`plane` 0…2, a scalar),
/// or the whole output (`plane` -1).
struct Ref: Hashable {
    var node: Int32
    var output: UInt8 = 0
    var plane: Int8 = -1
}

/// Builds the value DAG of a genome (common subexpressions shared by hash-consing, constant
/// subtrees folded, channel picks as plane aliases), then schedules it into a register program.
struct Compiler {
    /// A DAG node: a constant or a kernel applied to earlier nodes.
    struct DagNode {
        var kernel: Kernel?          // nil: constant
        var constant: Triple
        var args: [Ref]
        var rgb: [Bool]              // per output: three channels (true) or one
    }

    struct Key: Hashable {
        var kernel: Kernel
        var args: [Ref]
    }

    /// The coordinates a subtree sees.
    struct Context {
        var x: Ref, y: Ref
    }

    let genome: Genome
    let ends: [Int]
    var dag: [DagNode] = []
    var interned: [Key: Int32] = [:]
    var constants: [Triple: Int32] = [:]

    init(_ genome: Genome) {
        self.genome = genome
        self.ends = genome.subtreeEnds
    }

    // MARK: DAG construction

    mutating func constant(_ value: Triple) -> Ref {
        // Normalise -0 to +0 so equal constants share a node (the kernels cannot tell them apart).
        let v = Triple(value.r == 0 ? 0 : value.r, value.g == 0 ? 0 : value.g, value.b == 0 ? 0 : value.b)
        if let id = constants[v] { return Ref(node: id) }
        let id = Int32(dag.count)
        dag.append(DagNode(kernel: nil, constant: v, args: [], rgb: [!v.isUniform]))
        constants[v] = id
        return Ref(node: id)
    }

    func isRGB(_ ref: Ref) -> Bool {
        ref.plane < 0 && dag[Int(ref.node)].rgb[Int(ref.output)]
    }

    func constantValue(_ ref: Ref) -> Triple? {
        let node = dag[Int(ref.node)]
        guard node.kernel == nil else { return nil }
        switch ref.plane {
        case 0: return Triple(broadcast: node.constant.r)
        case 1: return Triple(broadcast: node.constant.g)
        case 2: return Triple(broadcast: node.constant.b)
        default: return node.constant
        }
    }

    /// The outputs of `kernel` on `args`: folded when all inputs are constant, otherwise a
    /// (possibly shared) DAG node.
    mutating func emit(_ kernel: Kernel, _ args: [Ref]) -> [Ref] {
        var args = args
        if kernel == .add || kernel == .mul || kernel == .hypot,
           (args[1].node, args[1].output, args[1].plane) < (args[0].node, args[0].output, args[0].plane) {
            args.swapAt(0, 1)   // commutative (bit-exactly): share (+ a b) with (+ b a)
        }
        let values = args.compactMap(constantValue)
        if values.count == args.count && kernel.arity > 0 {
            return kernel.fold(values).map { constant($0) }
        }
        let key = Key(kernel: kernel, args: args)
        let id: Int32
        if let existing = interned[key] {
            id = existing
        } else {
            id = Int32(dag.count)
            let anyRGB = args.contains(where: isRGB)
            let rgb: Bool
            switch kernel {
            case .mean: rgb = false
            case .rgb, .hsv: rgb = true
            default: rgb = anyRGB
            }
            dag.append(DagNode(kernel: kernel, constant: Triple(broadcast: 0), args: args,
                               rgb: Array(repeating: rgb, count: kernel.outputs)))
            interned[key] = id
        }
        return (0..<kernel.outputs).map { Ref(node: id, output: UInt8($0)) }
    }

    mutating func mean(_ a: Ref) -> Ref {
        isRGB(a) ? emit(.mean, [a])[0] : a
    }

    mutating func pick(_ a: Ref, channel: Int8) -> Ref {
        if let v = constantValue(a) { return constant(Triple(broadcast: [v.r, v.g, v.b][Int(channel)])) }
        guard isRGB(a) else { return a }
        let source = dag[Int(a.node)]
        if source.kernel == .rgb { return source.args[Int(channel)] }   // rgb copies its inputs
        return Ref(node: a.node, output: a.output, plane: channel)
    }

    /// The value of the genome subtree at `index` seen through `context`.
    mutating func compile(_ index: Int, _ context: Context) -> Ref {
        let node = genome.nodes[index]
        var args: [Int] = []
        var j = index + 1
        for _ in 0..<node.op.arity {
            args.append(j)
            j = ends[j]
        }
        switch node.op {
        case .constant: return constant(Triple(broadcast: node.value))
        case .x: return context.x
        case .y: return context.y
        case .r: return emit(.radius, [context.x, context.y])[0]
        case .t: return emit(.angle, [context.x, context.y])[0]
        case .red: return pick(compile(args[0], context), channel: 0)
        case .green: return pick(compile(args[0], context), channel: 1)
        case .blue: return pick(compile(args[0], context), channel: 2)
        case .gray: return mean(compile(args[0], context))
        case .rgb, .hsv:
            var means: [Ref] = []
            for a in args { means.append(mean(compile(a, context))) }
            return emit(Kernel(node.op), means)[0]
        case .warp, .swirl, .polar, .rotate, .scale, .tile, .kaleido:
            var inputs = [context.x, context.y]
            for a in args.dropFirst() { inputs.append(compile(a, context)) }
            let coordinates = emit(Kernel(node.op), inputs)
            return compile(args[0], Context(x: coordinates[0], y: coordinates[1]))
        default:
            var values: [Ref] = []
            for a in args { values.append(compile(a, context)) }
            return emit(Kernel(node.op), values)[0]
        }
    }
}
