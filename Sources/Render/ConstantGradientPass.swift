import Genome

/// Forward and reverse sweep of a `GradientTape` over one tile of samples.
///
/// Scratch layout (values and adjoints alike): for tape node k, output o (0…1), channel c
/// (0…2), a plane of `planeSize` floats at `((k·2 + o)·3 + c)·planeSize`.
struct GradientPass {
    let tape: GradientTape
    let values: UnsafeMutablePointer<Float>
    let adjoints: UnsafeMutablePointer<Float>
    let planeSize: Int

    /// Floats each of the two scratch areas needs for `tape`.
    static func scratchCount(_ tape: GradientTape, planeSize: Int) -> Int {
        Swift.max(tape.nodes.count, 1) * 6 * planeSize
    }

    @inline(__always) func value(_ r: GradientTape.Ref, _ c: Int) -> UnsafeMutablePointer<Float> {
        values + ((Int(r.node) * 2 + Int(r.output)) * 3 + c) * planeSize
    }

    @inline(__always) func adjoint(_ r: GradientTape.Ref, _ c: Int) -> UnsafeMutablePointer<Float> {
        adjoints + ((Int(r.node) * 2 + Int(r.output)) * 3 + c) * planeSize
    }

    // MARK: Forward

    /// Evaluates every tape node on samples `first..<first + n` (row-major pixel indices) of a
    /// `width`×`height` grid.
    func forward(first: Int, n: Int, width: Int, height: Int) {
        for k in tape.nodes.indices {
            let node = tape.nodes[k], me = GradientTape.Ref(node: Int32(k))
            switch node.op {
            case let .constant(_, v), let .literal(v):
                for c in 0..<3 { value(me, c).update(repeating: v, count: n) }
            case .x, .y:
                let d = value(me, 0)
                for i in 0..<n {
                    let p = first + i
                    d[i] = node.op.isX ? Semantics.axis(p % width, width) : Semantics.axis(p / width, height)
                }
                value(me, 1).update(from: d, count: n)
                value(me, 2).update(from: d, count: n)
            case let .pick(channel):
                let a = value(node.args[0], channel)
                for c in 0..<3 { value(me, c).update(from: a, count: n) }
            case let .kernel(kernel):
                forward(kernel, node.args, me, n)
            case let .photo(picture):
                for c in 0..<3 {
                    let u = value(node.args[0], c), v = value(node.args[1], c), d = value(me, c)
                    for i in 0..<n { d[i] = picture.sample(channel: c, u[i], v[i]) }
                }
            }
        }
    }

    private func forward(_ kernel: Kernel, _ args: [GradientTape.Ref], _ me: GradientTape.Ref, _ n: Int) {
        func unary(_ f: (Float) -> Float) {
            for c in 0..<3 {
                let a = value(args[0], c), d = value(me, c)
                for i in 0..<n { d[i] = f(a[i]) }
            }
        }
        func binary(_ f: (Float, Float) -> Float) {
            for c in 0..<3 {
                let a = value(args[0], c), b = value(args[1], c), d = value(me, c)
                for i in 0..<n { d[i] = f(a[i], b[i]) }
            }
        }
        func ternary(_ f: (Float, Float, Float) -> Float) {
            for c in 0..<3 {
                let a = value(args[0], c), b = value(args[1], c), e = value(args[2], c), d = value(me, c)
                for i in 0..<n { d[i] = f(a[i], b[i], e[i]) }
            }
        }
        func warp(_ f: (Float, Float, Float) -> (Float, Float)) {
            let second = GradientTape.Ref(node: me.node, output: 1)
            for c in 0..<3 {
                let x = value(args[0], c), y = value(args[1], c)
                let p = args.count > 2 ? value(args[2], c) : x
                let u = value(me, c), v = value(second, c)
                for i in 0..<n { (u[i], v[i]) = f(x[i], y[i], p[i]) }
            }
        }
        func mean(_ r: GradientTape.Ref, _ i: Int) -> Float {
            Semantics.mean3(value(r, 0)[i], value(r, 1)[i], value(r, 2)[i])
        }
        switch kernel {
        case .loadX, .loadY, .photo: break                  // photo is a tape op of its own
        case .radius: binary(Semantics.radius)
        case .angle: binary(Semantics.angle)
        case .sin: unary(Semantics.sin)
        case .cos: unary(Semantics.cos)
        case .tanh: unary(Semantics.tanh)
        case .abs: unary(Semantics.abs)
        case .sqrt: unary(Semantics.sqrt)
        case .log: unary(Semantics.log)
        case .gauss: unary(Semantics.gauss)
        case .floor: unary(Semantics.floor)
        case .fract: unary(Semantics.fract)
        case .add: binary(Semantics.add)
        case .sub: binary(Semantics.sub)
        case .mul: binary(Semantics.mul)
        case .div: binary(Semantics.div)
        case .min: binary(Semantics.min)
        case .max: binary(Semantics.max)
        case .mod: binary(Semantics.mod)
        case .pow: binary(Semantics.pow)
        case .hypot: binary(Semantics.hypot)
        case .noise: binary(Semantics.noise)
        case .fbm: binary(Semantics.fbm)
        case .mix: ternary(Semantics.mix)
        case .ifPositive: ternary(Semantics.ifPositive)
        case .mean:
            let d = value(me, 0)
            for i in 0..<n { d[i] = mean(args[0], i) }
            value(me, 1).update(from: d, count: n)
            value(me, 2).update(from: d, count: n)
        case .rgb:
            for c in 0..<3 {
                let d = value(me, c)
                for i in 0..<n { d[i] = mean(args[c], i) }
            }
        case .hsv:
            let r = value(me, 0), g = value(me, 1), b = value(me, 2)
            for i in 0..<n {
                let h = mean(args[0], i), s = mean(args[1], i), v = mean(args[2], i)
                r[i] = Semantics.hsvChannel(h, s, v, 5)
                g[i] = Semantics.hsvChannel(h, s, v, 3)
                b[i] = Semantics.hsvChannel(h, s, v, 1)
            }
        case .translate:
            let second = GradientTape.Ref(node: me.node, output: 1)
            for c in 0..<3 {
                let x = value(args[0], c), y = value(args[1], c), dx = value(args[2], c), dy = value(args[3], c)
                let u = value(me, c), v = value(second, c)
                for i in 0..<n { (u[i], v[i]) = Semantics.translate(x[i], y[i], dx[i], dy[i]) }
            }
        case .swirl: warp(Semantics.swirl)
        case .polar: warp { x, y, _ in Semantics.polar(x, y) }
        case .rotate: warp(Semantics.rotate)
        case .scale: warp(Semantics.scale)
        case .tile: warp(Semantics.tile)
        case .kaleido: warp(Semantics.kaleido)
        }
    }
}

extension GradientTape.Op {
    var isX: Bool {
        if case .x = self { return true }
        return false
    }
}
