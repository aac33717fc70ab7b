import Genome

/// One output of a DAG node, optionally narrowed to one channel plane (`plane` 0…2, a scalar),
/// or the whole output (`plane` -1).
struct Ref: Hashable {
    var node: Int32
    var output: UInt8 = 0
    var plane: Int8 = -1

    /// The fields packed in one word (for hashing and ordering).
    var packed: UInt64 {
        UInt64(UInt32(bitPattern: node)) << 16 | UInt64(output) << 8 | UInt64(UInt8(bitPattern: plane))
    }

    func hash(into hasher: inout Hasher) { hasher.combine(packed) }
}

/// Up to four kernel inputs, stored inline (no heap allocation per DAG node).
struct Args: Hashable {
    private var a = Ref(node: -1), b = Ref(node: -1), c = Ref(node: -1), d = Ref(node: -1)
    private(set) var count = 0

    mutating func append(_ ref: Ref) {
        switch count {
        case 0: a = ref
        case 1: b = ref
        case 2: c = ref
        default: d = ref
        }
        count += 1
    }

    subscript(i: Int) -> Ref {
        get { i == 0 ? a : i == 1 ? b : i == 2 ? c : d }
        set {
            switch i {
            case 0: a = newValue
            case 1: b = newValue
            case 2: c = newValue
            default: d = newValue
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(a.packed &* 31 &+ b.packed)
        hasher.combine(c.packed &* 31 &+ d.packed)
    }
}

/// Builds the value DAG of a genome: common subexpressions shared by hash-consing, constant
/// subexpressions folded, channel picks turned into plane aliases.
struct Compiler {
    /// A DAG node: a constant (`kernel` nil) or a kernel applied to earlier nodes.
    struct DagNode {
        var kernel: Kernel?
        var constant: Triple
        var args: Args
        /// Whether the outputs hold three channels (all outputs of a kernel agree).
        var rgb: Bool
        /// For `photo`: its picture's index in `pictures` (-1 otherwise).
        var picture: Int32 = -1
    }

    struct Key: Hashable {
        var kernel: Kernel
        var args: Args
        var picture: Int32
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
    /// The pictures `photo` nodes sample, in order of first use.
    var pictures: [Picture] = []

    init(_ genome: Genome) {
        self.genome = genome
        self.ends = genome.subtreeEnds
        dag.reserveCapacity(genome.nodeCount + 4)
        interned.reserveCapacity(genome.nodeCount)
    }

    // MARK: DAG construction

    mutating func constant(_ value: Triple) -> Ref {
        // Normalise -0 to +0 so equal constants share a node (no kernel tells them apart).
        let v = Triple(value.r == 0 ? 0 : value.r, value.g == 0 ? 0 : value.g, value.b == 0 ? 0 : value.b)
        if let id = constants[v] { return Ref(node: id) }
        let id = Int32(dag.count)
        dag.append(DagNode(kernel: nil, constant: v, args: Args(), rgb: !v.isUniform))
        constants[v] = id
        return Ref(node: id)
    }

    func isRGB(_ ref: Ref) -> Bool {
        ref.plane < 0 && dag[Int(ref.node)].rgb
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

    /// The first output of `kernel` on `args` (and the second, for warps): folded when all
    /// inputs are constant, otherwise a (possibly shared) DAG node.
    mutating func emit(_ kernel: Kernel, _ args: Args, picture: Int32 = -1) -> (Ref, Ref) {
        var args = args
        if kernel == .add || kernel == .mul || kernel == .hypot, args[1].packed < args[0].packed {
            let first = args[0]
            args[0] = args[1]   // commutative bit for bit: share (+ a b) with (+ b a)
            args[1] = first
        }
        if kernel.arity > 0, kernel != .photo {
            var values: [Triple] = []
            for i in 0..<args.count {
                guard let v = constantValue(args[i]) else { break }
                values.append(v)
            }
            if values.count == args.count {
                let folded = kernel.fold(values)
                let first = constant(folded[0])
                return (first, folded.count > 1 ? constant(folded[1]) : first)
            }
        }
        let key = Key(kernel: kernel, args: args, picture: picture)
        let id: Int32
        if let existing = interned[key] {
            id = existing
        } else {
            id = Int32(dag.count)
            let rgb: Bool
            switch kernel {
            case .mean: rgb = false
            case .rgb, .hsv, .photo: rgb = true
            default: rgb = (0..<args.count).contains { isRGB(args[$0]) }
            }
            dag.append(DagNode(kernel: kernel, constant: Triple(broadcast: 0), args: args, rgb: rgb, picture: picture))
            interned[key] = id
        }
        return (Ref(node: id, output: 0), Ref(node: id, output: kernel.outputs > 1 ? 1 : 0))
    }

    mutating func emit(_ kernel: Kernel, _ refs: Ref...) -> Ref {
        var args = Args()
        for r in refs { args.append(r) }
        return emit(kernel, args).0
    }

    mutating func mean(_ a: Ref) -> Ref {
        isRGB(a) ? emit(.mean, a) : a
    }

    mutating func pick(_ a: Ref, channel: Int8) -> Ref {
        if let v = constantValue(a) { return constant(Triple(broadcast: channel == 0 ? v.r : channel == 1 ? v.g : v.b)) }
        guard isRGB(a) else { return a }
        let source = dag[Int(a.node)]
        if source.kernel == .rgb { return source.args[Int(channel)] }   // rgb copies its inputs
        return Ref(node: a.node, output: a.output, plane: channel)
    }

    /// The value of the genome subtree at `index` seen through `context`.
    mutating func compile(_ index: Int, _ context: Context) -> Ref {
        let node = genome.nodes[index]
        let first = index + 1
        switch node.op {
        case .constant: return constant(Triple(broadcast: node.value))
        case .x: return context.x
        case .y: return context.y
        case .r: return emit(.radius, context.x, context.y)
        case .t: return emit(.angle, context.x, context.y)
        case .red: return pick(compile(first, context), channel: 0)
        case .green: return pick(compile(first, context), channel: 1)
        case .blue: return pick(compile(first, context), channel: 2)
        case .gray: return mean(compile(first, context))
        case .blur, .graddir:
            // The body at shifted coordinates (equal shifts share nodes), combined by the
            // recipe the reference evaluator runs on values.
            let step = compile(ends[first], context)
            let zero = constant(Triple(broadcast: 0))
            var values: [Ref] = []
            for s in ImageOperators.steps(node.op) {
                switch s {
                case let .sample(dx, dy):
                    let x = dx == 0 ? context.x : emit(dx < 0 ? .sub : .add, context.x, step)
                    let y = dy == 0 ? context.y : emit(dy < 0 ? .sub : .add, context.y, step)
                    values.append(compile(first, Context(x: x, y: y)))
                case let .mid(a, b): values.append(emit(.mix, values[a], values[b], zero))
                case let .sub(a, b): values.append(emit(.sub, values[a], values[b]))
                case let .angle(a, b): values.append(emit(.angle, values[a], values[b]))
                }
            }
            return values[values.count - 1]
        case .photo:
            guard let picture = genome.pictures[node.pictureKey] else {
                preconditionFailure("Compiler: photo@\(Picture.text(ofKey: node.pictureKey)) without its picture")
            }
            let slot = pictures.firstIndex(of: picture) ?? pictures.count
            if slot == pictures.count { pictures.append(picture) }
            var inputs = Args()
            inputs.append(compile(first, context))
            inputs.append(compile(ends[first], context))
            return emit(.photo, inputs, picture: Int32(slot)).0
        case .warp, .swirl, .polar, .rotate, .scale, .tile, .kaleido:
            var inputs = Args()
            inputs.append(context.x)
            inputs.append(context.y)
            var j = ends[first]
            for _ in 1..<node.op.arity {
                inputs.append(compile(j, context))
                j = ends[j]
            }
            let (x, y) = emit(Kernel(node.op), inputs)
            return compile(first, Context(x: x, y: y))
        default:
            let reduce = node.op == .rgb || node.op == .hsv    // these take channel means
            var inputs = Args()
            var j = first
            for _ in 0..<node.op.arity {
                let value = compile(j, context)
                inputs.append(reduce ? mean(value) : value)
                j = ends[j]
            }
            return emit(Kernel(node.op), inputs).0
        }
    }
}
