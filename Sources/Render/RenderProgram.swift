import Genome

/// One instruction of a compiled program. Planes index `tileSize`-float buffers in a scratch
/// area; an RGB operand occupies three consecutive planes.
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
    /// Nodes of the compiled genome (for pixel·node throughput figures).
    public let genomeNodeCount: Int

    /// Number of instructions run per tile.
    public var instructionCount: Int { instructions.count }
    /// Number of `tileSize`-float planes (constants and registers) a tile needs.
    public var registerPlaneCount: Int { planeCount }

    /// Compiles `genome`.
    public init(_ genome: Genome) {
        var compiler = Compiler(genome)
        let x = compiler.emit(.loadX, [])[0]
        let y = compiler.emit(.loadY, [])[0]
        let root = compiler.compile(0, Compiler.Context(x: x, y: y))
        let dag = compiler.dag

        var live = [Bool](repeating: false, count: dag.count)
        live[Int(root.node)] = true
        for i in dag.indices.reversed() where live[i] {
            for a in dag[i].args { live[Int(a.node)] = true }
        }
        var lastUse = [Int](repeating: -1, count: dag.count)
        for i in dag.indices where live[i] {
            for a in dag[i].args { lastUse[Int(a.node)] = i }
        }
        lastUse[Int(root.node)] = Int.max

        var planes = [[Int32]](repeating: [-1, -1], count: dag.count)
        var next: Int32 = 0
        var fills: [ConstantFill] = []
        for i in dag.indices where live[i] && dag[i].kernel == nil {
            planes[i][0] = next
            let c = dag[i].constant
            let values = dag[i].rgb[0] ? [c.r, c.g, c.b] : [c.r]
            for v in values {
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
        func operand(_ ref: Ref) -> (plane: Int32, step: Int32) {
            let n = Int(ref.node)
            let base = planes[n][Int(ref.output)]
            if ref.plane >= 0 { return (base + Int32(ref.plane), 0) }
            return (base, dag[n].rgb[Int(ref.output)] ? 1 : 0)
        }

        var program: [Instruction] = []
        for i in dag.indices where live[i] {
            guard let kernel = dag[i].kernel else { continue }
            for k in 0..<kernel.outputs { planes[i][k] = allocate(rgb: dag[i].rgb[k]) }
            var ops = dag[i].args.map(operand)
            while ops.count < 4 { ops.append((0, 0)) }
            let channels: Int32
            switch kernel {
            case .mean, .rgb, .hsv: channels = 3
            default: channels = dag[i].rgb[0] ? 3 : 1
            }
            program.append(Instruction(
                kernel: kernel, channels: channels, out0: planes[i][0], out1: planes[i][1],
                in0: ops[0].plane, in1: ops[1].plane, in2: ops[2].plane, in3: ops[3].plane,
                step0: ops[0].step, step1: ops[1].step, step2: ops[2].step, step3: ops[3].step))
            var released = Set<Int32>()
            for a in dag[i].args where lastUse[Int(a.node)] == i && dag[Int(a.node)].kernel != nil {
                guard released.insert(a.node).inserted else { continue }
                let n = Int(a.node)
                for k in 0..<dag[n].rgb.count {
                    if dag[n].rgb[k] { free3.append(planes[n][k]) } else { free1.append(planes[n][k]) }
                }
            }
        }
        let out = operand(root)
        self.instructions = program
        self.constantFills = fills
        self.planeCount = Int(next)
        self.outputPlane = out.plane
        self.outputStep = out.step
        self.genomeNodeCount = genome.nodeCount
    }
}
