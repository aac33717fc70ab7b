import Genome

extension GradientPass {
    /// Reverse sweep: with the root's adjoints already in place (and every other adjoint
    /// zero), propagates adjoints to the inputs of every node, last node first, and adds each
    /// constant node's total adjoint to `gradient[slot]`.
    func backward(n: Int, into gradient: inout [Double]) {
        for k in tape.nodes.indices.reversed() {
            let node = tape.nodes[k], me = GradientTape.Ref(node: Int32(k))
            switch node.op {
            case let .constant(slot, _):
                var sum: Float = 0
                for c in 0..<3 {
                    let g = adjoint(me, c)
                    for i in 0..<n { sum += g[i] }
                }
                gradient[slot] += Double(sum)
            case .x, .y, .literal:
                break
            case let .pick(channel):
                let a = adjoint(node.args[0], channel)
                for c in 0..<3 {
                    let g = adjoint(me, c)
                    for i in 0..<n { a[i] += g[i] }
                }
            case let .kernel(kernel):
                backward(kernel, node.args, me, n)
            case let .photo(picture):
                for c in 0..<3 {
                    let u = value(node.args[0], c), v = value(node.args[1], c), g = adjoint(me, c)
                    let gu = adjoint(node.args[0], c), gv = adjoint(node.args[1], c)
                    for i in 0..<n {
                        let (du, dv) = picture.slope(channel: c, u[i], v[i])
                        gu[i] += g[i] * du
                        gv[i] += g[i] * dv
                    }
                }
            }
        }
    }

    private func backward(_ kernel: Kernel, _ args: [GradientTape.Ref], _ me: GradientTape.Ref, _ n: Int) {
        func unary(_ f: (Float) -> Float) {
            for c in 0..<3 {
                let a = value(args[0], c), g = adjoint(me, c), ga = adjoint(args[0], c)
                for i in 0..<n { ga[i] += g[i] * f(a[i]) }
            }
        }
        func binary(_ f: (Float, Float) -> (Float, Float)) {
            for c in 0..<3 {
                let a = value(args[0], c), b = value(args[1], c), g = adjoint(me, c)
                let ga = adjoint(args[0], c), gb = adjoint(args[1], c)
                for i in 0..<n {
                    let (da, db) = f(a[i], b[i])
                    ga[i] += g[i] * da
                    gb[i] += g[i] * db
                }
            }
        }
        func ternary(_ f: (Float, Float, Float) -> (Float, Float, Float)) {
            for c in 0..<3 {
                let a = value(args[0], c), b = value(args[1], c), e = value(args[2], c), g = adjoint(me, c)
                let ga = adjoint(args[0], c), gb = adjoint(args[1], c), ge = adjoint(args[2], c)
                for i in 0..<n {
                    let (da, db, de) = f(a[i], b[i], e[i])
                    ga[i] += g[i] * da
                    gb[i] += g[i] * db
                    ge[i] += g[i] * de
                }
            }
        }
        func warp(_ f: (Float, Float, Float, Float, Float) -> (Float, Float, Float)) {
            let second = GradientTape.Ref(node: me.node, output: 1)
            for c in 0..<3 {
                let x = value(args[0], c), y = value(args[1], c)
                let p = args.count > 2 ? value(args[2], c) : x
                let gu = adjoint(me, c), gv = adjoint(second, c)
                let gx = adjoint(args[0], c), gy = adjoint(args[1], c)
                let gp = args.count > 2 ? adjoint(args[2], c) : nil
                for i in 0..<n {
                    let (dx, dy, dp) = f(x[i], y[i], p[i], gu[i], gv[i])
                    gx[i] += dx
                    gy[i] += dy
                    gp?[i] += dp
                }
            }
        }
        /// Spreads `g` over the three channels of `r` through `mean3` (each weight 1/3).
        func spreadMean(_ r: GradientTape.Ref, _ i: Int, _ g: Float) {
            let third = g * (1.0 / 3.0)
            adjoint(r, 0)[i] += third
            adjoint(r, 1)[i] += third
            adjoint(r, 2)[i] += third
        }
        func mean(_ r: GradientTape.Ref, _ i: Int) -> Float {
            Semantics.mean3(value(r, 0)[i], value(r, 1)[i], value(r, 2)[i])
        }
        switch kernel {
        case .loadX, .loadY, .photo: break                  // photo is a tape op of its own
        case .radius: binary(GradientRules.radius)
        case .angle: binary(GradientRules.angle)
        case .sin: unary(GradientRules.sin)
        case .cos: unary(GradientRules.cos)
        case .tanh: unary(GradientRules.tanh)
        case .abs: unary(GradientRules.abs)
        case .sqrt: unary(GradientRules.sqrt)
        case .log: unary(GradientRules.log)
        case .gauss: unary(GradientRules.gauss)
        case .floor: break                                  // a step: zero slope
        case .fract: unary(GradientRules.fract)
        case .add: binary(GradientRules.add)
        case .sub: binary(GradientRules.sub)
        case .mul: binary(GradientRules.mul)
        case .div: binary(GradientRules.div)
        case .min: binary(GradientRules.min)
        case .max: binary(GradientRules.max)
        case .mod: binary(GradientRules.mod)
        case .pow: binary(GradientRules.pow)
        case .hypot: binary(GradientRules.hypot)
        case .noise: binary(GradientRules.noise)
        case .fbm: binary(GradientRules.fbm)
        case .mix: ternary(GradientRules.mix)
        case .ifPositive: ternary(GradientRules.ifPositive)
        case .mean:
            let g0 = adjoint(me, 0), g1 = adjoint(me, 1), g2 = adjoint(me, 2)
            for i in 0..<n { spreadMean(args[0], i, g0[i] + g1[i] + g2[i]) }
        case .rgb:
            for c in 0..<3 {
                let g = adjoint(me, c)
                for i in 0..<n { spreadMean(args[c], i, g[i]) }
            }
        case .hsv:
            let gr = adjoint(me, 0), gg = adjoint(me, 1), gb = adjoint(me, 2)
            for i in 0..<n {
                let h = mean(args[0], i), s = mean(args[1], i), v = mean(args[2], i)
                let r = GradientRules.hsvChannel(h, s, v, 5)
                let g = GradientRules.hsvChannel(h, s, v, 3)
                let b = GradientRules.hsvChannel(h, s, v, 1)
                spreadMean(args[0], i, gr[i] * r.0 + gg[i] * g.0 + gb[i] * b.0)
                spreadMean(args[1], i, gr[i] * r.1 + gg[i] * g.1 + gb[i] * b.1)
                spreadMean(args[2], i, gr[i] * r.2 + gg[i] * g.2 + gb[i] * b.2)
            }
        case .translate:
            let second = GradientTape.Ref(node: me.node, output: 1)
            for c in 0..<3 {
                let x = value(args[0], c), y = value(args[1], c), dx = value(args[2], c), dy = value(args[3], c)
                let gu = adjoint(me, c), gv = adjoint(second, c)
                for i in 0..<n {
                    let (sx, _) = GradientRules.add(x[i], dx[i]), (sy, _) = GradientRules.add(y[i], dy[i])
                    adjoint(args[0], c)[i] += sx * gu[i]
                    adjoint(args[2], c)[i] += sx * gu[i]
                    adjoint(args[1], c)[i] += sy * gv[i]
                    adjoint(args[3], c)[i] += sy * gv[i]
                }
            }
        case .swirl: warp(GradientRules.swirl)
        case .polar: warp { x, y, _, gu, gv in GradientRules.polar(x, y, gu, gv) }
        case .rotate: warp(GradientRules.rotate)
        case .scale: warp(GradientRules.scale)
        case .tile: warp(GradientRules.tile)
        case .kaleido: warp(GradientRules.kaleido)
        }
    }
}
