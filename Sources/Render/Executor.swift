import Genome

/// Geometry of one tile of super-samples: `rows` rows from `row0`, each `cols` samples from
/// `col0`, stored row after row in every plane.
struct Tile {
    var row0: Int, rows: Int
    var col0: Int, cols: Int
    var count: Int { rows * cols }
}

/// Runs compiled instructions over a tile: each instruction is a tight loop over contiguous
/// planes of `planeSize` floats (vectorised by the compiler), once per channel it touches.
enum Executor {
    /// Evaluates `code` for `tile` of a `width`×`height` sample grid into `scratch`
    /// (`planeCount × planeSize` floats, constant planes already filled).
    static func run(_ code: UnsafeBufferPointer<Instruction>, scratch s: UnsafeMutablePointer<Float>,
                    planeSize t: Int, tile: Tile, width: Int, height: Int, pictures: [Picture]) {
        let n = tile.count
        for ins in code {
            switch ins.kernel {
            case .loadX:
                let d = s + Int(ins.out0) * t
                for j in 0..<tile.cols { d[j] = Semantics.axis(tile.col0 + j, width) }
                for r in 1..<Swift.max(tile.rows, 1) { (d + r * tile.cols).update(from: d, count: tile.cols) }
            case .loadY:
                let d = s + Int(ins.out0) * t
                for r in 0..<tile.rows {
                    (d + r * tile.cols).update(repeating: Semantics.axis(tile.row0 + r, height), count: tile.cols)
                }
            case .radius: radiusKernel(s, ins, n, t)
            case .angle: angleKernel(s, ins, n, t)
            case .sin: sinKernel(s, ins, n, t)
            case .cos: cosKernel(s, ins, n, t)
            case .tanh: tanhKernel(s, ins, n, t)
            case .abs: absKernel(s, ins, n, t)
            case .sqrt: sqrtKernel(s, ins, n, t)
            case .log: logKernel(s, ins, n, t)
            case .gauss: gaussKernel(s, ins, n, t)
            case .floor: floorKernel(s, ins, n, t)
            case .fract: fractKernel(s, ins, n, t)
            case .add: addKernel(s, ins, n, t)
            case .sub: subKernel(s, ins, n, t)
            case .mul: mulKernel(s, ins, n, t)
            case .div: divKernel(s, ins, n, t)
            case .min: minKernel(s, ins, n, t)
            case .max: maxKernel(s, ins, n, t)
            case .mod: modKernel(s, ins, n, t)
            case .pow: powKernel(s, ins, n, t)
            case .hypot: hypotKernel(s, ins, n, t)
            case .noise: noiseKernel(s, ins, n, t)
            case .fbm: fbmKernel(s, ins, n, t)
            case .mix: mixKernel(s, ins, n, t)
            case .ifPositive: ifPositiveKernel(s, ins, n, t)
            case .mean:
                let a = s + Int(ins.in0) * t, d = s + Int(ins.out0) * t
                let g = a + t, b = a + 2 * t
                for i in 0..<n { d[i] = Semantics.mean3(a[i], g[i], b[i]) }
            case .rgb:
                let d = s + Int(ins.out0) * t
                d.update(from: s + Int(ins.in0) * t, count: n)
                (d + t).update(from: s + Int(ins.in1) * t, count: n)
                (d + 2 * t).update(from: s + Int(ins.in2) * t, count: n)
            case .hsv:
                let h = s + Int(ins.in0) * t, sa = s + Int(ins.in1) * t, v = s + Int(ins.in2) * t
                let d = s + Int(ins.out0) * t
                for c in 0..<3 {
                    let k: Float = c == 0 ? 5 : (c == 1 ? 3 : 1)
                    let dc = d + c * t
                    for i in 0..<n { dc[i] = Semantics.hsvChannel(h[i], sa[i], v[i], k) }
                }
            case .translate:
                for c in 0..<Int(ins.channels) {
                    let x = s + (Int(ins.in0) + c * Int(ins.step0)) * t
                    let y = s + (Int(ins.in1) + c * Int(ins.step1)) * t
                    let dx = s + (Int(ins.in2) + c * Int(ins.step2)) * t
                    let dy = s + (Int(ins.in3) + c * Int(ins.step3)) * t
                    let u = s + (Int(ins.out0) + c) * t, v = s + (Int(ins.out1) + c) * t
                    for i in 0..<n {
                        let (p, q) = Semantics.translate(x[i], y[i], dx[i], dy[i])
                        u[i] = p
                        v[i] = q
                    }
                }
            case .swirl: swirlKernel(s, ins, n, t)
            case .polar: polarKernel(s, ins, n, t)
            case .rotate: rotateKernel(s, ins, n, t)
            case .scale: scaleKernel(s, ins, n, t)
            case .tile: tileKernel(s, ins, n, t)
            case .kaleido: kaleidoKernel(s, ins, n, t)
            case .photo: photoKernel(s, ins, n, t, pictures[Int(ins.in2)])
            }
        }
    }

    @inline(__always)
    static func unary(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int,
                      _ f: (Float) -> Float) {
        for c in 0..<Int(ins.channels) {
            let a = UnsafePointer(s + (Int(ins.in0) + c * Int(ins.step0)) * t)
            let d = s + (Int(ins.out0) + c) * t
            for i in 0..<n { d[i] = f(a[i]) }
        }
    }

    @inline(__always)
    static func binary(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int,
                       _ f: (Float, Float) -> Float) {
        for c in 0..<Int(ins.channels) {
            let a = UnsafePointer(s + (Int(ins.in0) + c * Int(ins.step0)) * t)
            let b = UnsafePointer(s + (Int(ins.in1) + c * Int(ins.step1)) * t)
            let d = s + (Int(ins.out0) + c) * t
            for i in 0..<n { d[i] = f(a[i], b[i]) }
        }
    }

    @inline(__always)
    static func ternary(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int,
                        _ f: (Float, Float, Float) -> Float) {
        for c in 0..<Int(ins.channels) {
            let a = UnsafePointer(s + (Int(ins.in0) + c * Int(ins.step0)) * t)
            let b = UnsafePointer(s + (Int(ins.in1) + c * Int(ins.step1)) * t)
            let e = UnsafePointer(s + (Int(ins.in2) + c * Int(ins.step2)) * t)
            let d = s + (Int(ins.out0) + c) * t
            for i in 0..<n { d[i] = f(a[i], b[i], e[i]) }
        }
    }

    /// `photo`: channel c of the picture at (u.c, v.c), for the three channels.
    @inline(never)
    static func photoKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int, _ picture: Picture) {
        for c in 0..<3 {
            let u = UnsafePointer(s + (Int(ins.in0) + c * Int(ins.step0)) * t)
            let v = UnsafePointer(s + (Int(ins.in1) + c * Int(ins.step1)) * t)
            let d = s + (Int(ins.out0) + c) * t
            for i in 0..<n { d[i] = picture.sample(channel: c, u[i], v[i]) }
        }
    }

    /// A warp kernel: (x, y, parameter) ↦ (x', y'); `polar` ignores its (absent) parameter.
    @inline(__always)
    static func warp(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int,
                     _ f: (Float, Float, Float) -> (Float, Float)) {
        for c in 0..<Int(ins.channels) {
            let x = UnsafePointer(s + (Int(ins.in0) + c * Int(ins.step0)) * t)
            let y = UnsafePointer(s + (Int(ins.in1) + c * Int(ins.step1)) * t)
            let p = UnsafePointer(s + (Int(ins.in2) + c * Int(ins.step2)) * t)
            let u = s + (Int(ins.out0) + c) * t, v = s + (Int(ins.out1) + c) * t
            for i in 0..<n {
                let (a, b) = f(x[i], y[i], p[i])
                u[i] = a
                v[i] = b
            }
        }
    }
}
