import Genome

/// One instruction of a compiled program. Planes index `tileSize`-float buffers in a scratch
/// area; an RGB operand occupies three consecutive planes. A `photo` instruction's `in2` is
/// its picture's index in the program's `pictures`.
struct Instruction: Sendable {
    var kernel: Kernel
    /// Channels processed: 3 if the output (channel-wise kernels) or the input (`mean`) is RGB.
    var channels: Int32
    var out0: Int32, out1: Int32
    var in0: Int32, in1: Int32, in2: Int32, in3: Int32
    /// Plane step per channel for each input: 1 walks an RGB input's planes, 0 reuses a scalar.
    var step0: Int32, step1: Int32, step2: Int32, step3: Int32
}

/// A plane of constant values, filled once per scratch area.
struct ConstantFill: Sendable {
    var plane: Int32
    var value: Float
}

/// A genome compiled to a flat register program, ready to render at any size.
///
/// Compilation hash-conses the expression DAG (equal subexpressions, also across warps with
/// equal coordinates, are computed once), folds constant subexpressions, turns channel picks
/// into plane aliases and tracks per register whether it holds one plane (a scalar) or three
/// (RGB), so scalar work is done once instead of three times. Registers are reused after their
/// last read. Rendering runs each instruction as a loop over a tile of samples.
public struct RenderProgram: Sendable {
    let instructions: [Instruction]
    let constantFills: [ConstantFill]
    /// Planes the scratch area needs (constants first, then registers).
    let planeCount: Int
    /// Where the genome's value lives after the last instruction.
    let outputPlane: Int32, outputStep: Int32
    /// The pictures `photo` instructions sample (an instruction's `in2` indexes them).
    let pictures: [Picture]
    /// Nodes of the compiled genome (for pixel·node throughput figures).
    public let genomeNodeCount: Int

    /// Number of instructions run per tile.
    public var instructionCount: Int { instructions.count }
    /// Number of `tileSize`-float planes (constants and registers) a tile needs.
    public var registerPlaneCount: Int { planeCount }

    /// Compiles `genome`.
    public init(_ genome: Genome) {
        var compiler = Compiler(genome)
        let x = compiler.emit(.loadX)
        let y = compiler.emit(.loadY)
        let root = compiler.compile(0, Compiler.Context(x: x, y: y))
        let dag = compiler.dag

        var live = [Bool](repeating: false, count: dag.count)
        live[Int(root.node)] = true
        for i in dag.indices.reversed() where live[i] {
            for k in 0..<dag[i].args.count { live[Int(dag[i].args[k].node)] = true }
        }
        var lastUse = [Int](repeating: -1, count: dag.count)
        for i in dag.indices where live[i] {
            for k in 0..<dag[i].args.count { lastUse[Int(dag[i].args[k].node)] = i }
        }
        lastUse[Int(root.node)] = Int.max

        // Base plane of each node's first and second output.
        var plane0 = [Int32](repeating: -1, count: dag.count), plane1 = plane0
        var next: Int32 = 0
        var fills: [ConstantFill] = []
        for i in dag.indices where live[i] && dag[i].kernel == nil {
            plane0[i] = next
            let c = dag[i].constant
            for v in dag[i].rgb ? [c.r, c.g, c.b] : [c.r] {
                fills.append(ConstantFill(plane: next, value: v))
                next += 1
            }
        }

        var free1: [Int32] = [], free3: [Int32] = []
        func allocate(rgb: Bool) -> Int32 {
            if rgb, let p = free3.popLast() { return p }
            if !rgb, let p = free1.popLast() { return p }
            defer { next += rgb ? 3 : 1 }
            return next
        }
        func release(_ n: Int) {
            let outputs = dag[n].kernel?.outputs ?? 1
            for p in outputs > 1 ? [plane0[n], plane1[n]] : [plane0[n]] {
                if dag[n].rgb { free3.append(p) } else { free1.append(p) }
            }
        }
        func operand(_ ref: Ref) -> (plane: Int32, step: Int32) {
            let n = Int(ref.node)
            let base = ref.output == 0 ? plane0[n] : plane1[n]
            if ref.plane >= 0 { return (base + Int32(ref.plane), 0) }
            return (base, dag[n].rgb ? 1 : 0)
        }

        var program: [Instruction] = []
        program.reserveCapacity(dag.count)
        for i in dag.indices where live[i] {
            guard let kernel = dag[i].kernel else { continue }
            let args = dag[i].args
            plane0[i] = allocate(rgb: dag[i].rgb)
            if kernel.outputs > 1 { plane1[i] = allocate(rgb: dag[i].rgb) }
            let none: (plane: Int32, step: Int32) = (0, 0)
            let o0 = args.count > 0 ? operand(args[0]) : none, o1 = args.count > 1 ? operand(args[1]) : none
            let o2 = args.count > 2 ? operand(args[2]) : none, o3 = args.count > 3 ? operand(args[3]) : none
            let channels: Int32
            switch kernel {
            case .mean, .rgb, .hsv, .photo: channels = 3
            default: channels = dag[i].rgb ? 3 : 1
            }
            program.append(Instruction(
                kernel: kernel, channels: channels, out0: plane0[i], out1: plane1[i],
                in0: o0.plane, in1: o1.plane, in2: kernel == .photo ? dag[i].picture : o2.plane, in3: o3.plane,
                step0: o0.step, step1: o1.step, step2: o2.step, step3: o3.step))
            // Free the registers whose last reader this was (each node once).
            for k in 0..<args.count {
                let n = Int(args[k].node)
                let firstMention = (0..<k).allSatisfy { args[$0].node != args[k].node }
                if firstMention, lastUse[n] == i, dag[n].kernel != nil { release(n) }
            }
        }
        let out = operand(root)
        self.instructions = program
        self.constantFills = fills
        self.planeCount = Int(next)
        self.outputPlane = out.plane
        self.outputStep = out.step
        self.pictures = compiler.pictures
        self.genomeNodeCount = genome.nodeCount
    }
}
