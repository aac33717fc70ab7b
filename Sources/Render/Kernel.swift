import Genome

/// The operations of a compiled program: one per primitive family, plus coordinate loads.
///
/// Each kernel is defined per element by a `Semantics` function; `fold` evaluates it on
/// constants at compile time and `Executor` runs it over buffers, both through the same
/// functions, so folded and computed values agree bit for bit.
enum Kernel: UInt8, Sendable {
    // Coordinates of the tile's samples (no inputs, scalar output).
    case loadX, loadY
    // Channel-wise, one output.
    case radius, angle
    case sin, cos, tanh, abs, sqrt, log, gauss, floor, fract
    case add, sub, mul, div, min, max, mod, pow, hypot, noise, fbm
    case mix, ifPositive
    // RGB input reduced to its mean (scalar output).
    case mean
    // Three scalar inputs, RGB output.
    case rgb, hsv
    // Channel-wise, two outputs (new x and y of a warp).
    case translate, swirl, polar, rotate, scale, tile, kaleido
    // A stored picture at (u, v), channel-wise, RGB output (the picture is the instruction's).
    case photo

    /// Number of inputs.
    var arity: Int {
        switch self {
        case .loadX, .loadY: return 0
        case .sin, .cos, .tanh, .abs, .sqrt, .log, .gauss, .floor, .fract, .mean: return 1
        case .radius, .angle, .add, .sub, .mul, .div, .min, .max, .mod, .pow, .hypot, .noise, .fbm, .polar, .photo:
            return 2
        case .mix, .ifPositive, .rgb, .hsv, .swirl, .rotate, .scale, .tile, .kaleido: return 3
        case .translate: return 4
        }
    }

    /// Number of outputs (2 for warps).
    var outputs: Int {
        switch self {
        case .translate, .swirl, .polar, .rotate, .scale, .tile, .kaleido: return 2
        default: return 1
        }
    }

    /// Whether each output channel depends only on the same channel of each input.
    var isChannelWise: Bool { !(self == .mean || self == .rgb || self == .hsv) }

    /// The kernel computing a genome operator (not a terminal or channel pick: those compile
    /// to references, not kernels).
    init(_ op: Op) {
        switch op {
        case .sin: self = .sin
        case .cos: self = .cos
        case .tanh: self = .tanh
        case .abs: self = .abs
        case .sqrt: self = .sqrt
        case .log: self = .log
        case .gauss: self = .gauss
        case .floor: self = .floor
        case .fract: self = .fract
        case .gray: self = .mean
        case .add: self = .add
        case .sub: self = .sub
        case .mul: self = .mul
        case .div: self = .div
        case .min: self = .min
        case .max: self = .max
        case .mod: self = .mod
        case .pow: self = .pow
        case .hypot: self = .hypot
        case .noise: self = .noise
        case .fbm: self = .fbm
        case .mix: self = .mix
        case .ifPositive: self = .ifPositive
        case .rgb: self = .rgb
        case .hsv: self = .hsv
        case .warp: self = .translate
        case .swirl: self = .swirl
        case .polar: self = .polar
        case .rotate: self = .rotate
        case .scale: self = .scale
        case .tile: self = .tile
        case .kaleido: self = .kaleido
        case .photo: self = .photo
        case .constant, .x, .y, .r, .t, .red, .green, .blue:
            preconditionFailure("Kernel: \(op.name) compiles to a reference, not a kernel")
        case .blur, .graddir:
            preconditionFailure("Kernel: \(op.name) compiles to several kernels (ImageOperators.steps)")
        }
    }

    /// The kernel on constant inputs (scalars already broadcast to triples): its outputs.
    /// Not for `photo`, which needs its picture.
    func fold(_ a: [Triple]) -> [Triple] {
        func u(_ f: (Float) -> Float) -> [Triple] { [Triple(f(a[0].r), f(a[0].g), f(a[0].b))] }
        func b(_ f: (Float, Float) -> Float) -> [Triple] {
            [Triple(f(a[0].r, a[1].r), f(a[0].g, a[1].g), f(a[0].b, a[1].b))]
        }
        func t(_ f: (Float, Float, Float) -> Float) -> [Triple] {
            [Triple(f(a[0].r, a[1].r, a[2].r), f(a[0].g, a[1].g, a[2].g), f(a[0].b, a[1].b, a[2].b))]
        }
        func w(_ f: (Float, Float, Float) -> (Float, Float)) -> [Triple] {
            let p = a.count > 2 ? a[2] : Triple(broadcast: 0)
            let r = f(a[0].r, a[1].r, p.r), g = f(a[0].g, a[1].g, p.g), bl = f(a[0].b, a[1].b, p.b)
            return [Triple(r.0, g.0, bl.0), Triple(r.1, g.1, bl.1)]
        }
        switch self {
        case .loadX, .loadY: preconditionFailure("coordinates are never constant")
        case .photo: preconditionFailure("photo is never folded (the compiler keeps it)")
        case .radius: return b(Semantics.radius)
        case .angle: return b(Semantics.angle)
        case .sin: return u(Semantics.sin)
        case .cos: return u(Semantics.cos)
        case .tanh: return u(Semantics.tanh)
        case .abs: return u(Semantics.abs)
        case .sqrt: return u(Semantics.sqrt)
        case .log: return u(Semantics.log)
        case .gauss: return u(Semantics.gauss)
        case .floor: return u(Semantics.floor)
        case .fract: return u(Semantics.fract)
        case .add: return b(Semantics.add)
        case .sub: return b(Semantics.sub)
        case .mul: return b(Semantics.mul)
        case .div: return b(Semantics.div)
        case .min: return b(Semantics.min)
        case .max: return b(Semantics.max)
        case .mod: return b(Semantics.mod)
        case .pow: return b(Semantics.pow)
        case .hypot: return b(Semantics.hypot)
        case .noise: return b(Semantics.noise)
        case .fbm: return b(Semantics.fbm)
        case .mix: return t(Semantics.mix)
        case .ifPositive: return t(Semantics.ifPositive)
        case .mean: return [Triple(broadcast: Semantics.mean3(a[0].r, a[0].g, a[0].b))]
        case .rgb: return [Triple(a[0].r, a[1].r, a[2].r)]
        case .hsv:
            let h = a[0].r, s = a[1].r, v = a[2].r
            return [Triple(Semantics.hsvChannel(h, s, v, 5), Semantics.hsvChannel(h, s, v, 3),
                           Semantics.hsvChannel(h, s, v, 1))]
        case .translate:
            let f = { (c: KeyPath<Triple, Float>) in Semantics.translate(a[0][keyPath: c], a[1][keyPath: c], a[2][keyPath: c], a[3][keyPath: c]) }
            let r = f(\.r), g = f(\.g), bl = f(\.b)
            return [Triple(r.0, g.0, bl.0), Triple(r.1, g.1, bl.1)]
        case .swirl: return w(Semantics.swirl)
        case .polar: return w { x, y, _ in Semantics.polar(x, y) }
        case .rotate: return w(Semantics.rotate)
        case .scale: return w(Semantics.scale)
        case .tile: return w(Semantics.tile)
        case .kaleido: return w(Semantics.kaleido)
        }
    }
}
