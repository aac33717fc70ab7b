/// An RGB value at one pixel (the value of a genome or subexpression).
public struct Triple: Sendable, Hashable {
    public var r: Float, g: Float, b: Float

    @inlinable public init(_ r: Float, _ g: Float, _ b: Float) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A scalar broadcast to all three channels.
    @inlinable public init(broadcast v: Float) { self.init(v, v, v) }

    /// Whether all channels hold the same bits (the value is a broadcast scalar).
    @inlinable public var isUniform: Bool { r.bitPattern == g.bitPattern && g.bitPattern == b.bitPattern }

    /// The channel mean, exact for a broadcast scalar.
    @inlinable public var mean: Float { Semantics.mean3(r, g, b) }
}

/// How the channel rules lift `Semantics` to RGB values: channel-wise, except `rgb`/`hsv`
/// (mean of each argument) and the channel picks.
///
/// Shared by constant folding and the reference evaluator (a plain tree walk); the compiled
/// renderer implements the same rules independently, per buffer.
public enum ChannelSemantics {
    /// The value of a non-terminal, non-warp operator applied to argument values
    /// (`args.count == op.arity`).
    public static func apply(_ op: Op, _ args: [Triple]) -> Triple {
        func unary(_ f: (Float) -> Float) -> Triple {
            let a = args[0]
            return Triple(f(a.r), f(a.g), f(a.b))
        }
        func binary(_ f: (Float, Float) -> Float) -> Triple {
            let a = args[0], b = args[1]
            return Triple(f(a.r, b.r), f(a.g, b.g), f(a.b, b.b))
        }
        func ternary(_ f: (Float, Float, Float) -> Float) -> Triple {
            let a = args[0], b = args[1], c = args[2]
            return Triple(f(a.r, b.r, c.r), f(a.g, b.g, c.g), f(a.b, b.b, c.b))
        }
        switch op {
        case .sin: return unary(Semantics.sin)
        case .cos: return unary(Semantics.cos)
        case .tanh: return unary(Semantics.tanh)
        case .abs: return unary(Semantics.abs)
        case .sqrt: return unary(Semantics.sqrt)
        case .log: return unary(Semantics.log)
        case .gauss: return unary(Semantics.gauss)
        case .floor: return unary(Semantics.floor)
        case .fract: return unary(Semantics.fract)
        case .red: return Triple(broadcast: args[0].r)
        case .green: return Triple(broadcast: args[0].g)
        case .blue: return Triple(broadcast: args[0].b)
        case .gray: return Triple(broadcast: args[0].mean)
        case .add: return binary(Semantics.add)
        case .sub: return binary(Semantics.sub)
        case .mul: return binary(Semantics.mul)
        case .div: return binary(Semantics.div)
        case .min: return binary(Semantics.min)
        case .max: return binary(Semantics.max)
        case .mod: return binary(Semantics.mod)
        case .pow: return binary(Semantics.pow)
        case .hypot: return binary(Semantics.hypot)
        case .noise: return binary(Semantics.noise)
        case .fbm: return binary(Semantics.fbm)
        case .mix: return ternary(Semantics.mix)
        case .ifPositive: return ternary(Semantics.ifPositive)
        case .rgb: return Triple(args[0].mean, args[1].mean, args[2].mean)
        case .hsv:
            let h = args[0].mean, s = args[1].mean, v = args[2].mean
            return Triple(Semantics.hsvChannel(h, s, v, 5), Semantics.hsvChannel(h, s, v, 3),
                          Semantics.hsvChannel(h, s, v, 1))
        case .constant, .x, .y, .r, .t, .warp, .swirl, .polar, .rotate, .scale, .tile, .kaleido, .blur, .graddir,
             .photo:
            preconditionFailure("ChannelSemantics.apply: \(op.name) is a terminal, a warp, an image operator or photo")
        }
    }

    /// `photo`: channel c of `picture` at (u.c, v.c).
    public static func photo(_ picture: Picture, u: Triple, v: Triple) -> Triple {
        Triple(picture.sample(channel: 0, u.r, v.r), picture.sample(channel: 1, u.g, v.g),
               picture.sample(channel: 2, u.b, v.b))
    }

    /// The coordinates a warp's body sees, from the current (x, y) and the warp's parameter
    /// values (`params.count == op.arity − 1`), channel by channel.
    public static func warpedCoordinates(_ op: Op, x: Triple, y: Triple, _ params: [Triple]) -> (x: Triple, y: Triple) {
        func each(_ f: (Float, Float, Float) -> (Float, Float)) -> (x: Triple, y: Triple) {
            let p = params.first ?? Triple(broadcast: 0)
            let r = f(x.r, y.r, p.r), g = f(x.g, y.g, p.g), b = f(x.b, y.b, p.b)
            return (Triple(r.0, g.0, b.0), Triple(r.1, g.1, b.1))
        }
        switch op {
        case .warp:
            let dx = params[0], dy = params[1]
            let r = Semantics.translate(x.r, y.r, dx.r, dy.r)
            let g = Semantics.translate(x.g, y.g, dx.g, dy.g)
            let b = Semantics.translate(x.b, y.b, dx.b, dy.b)
            return (Triple(r.0, g.0, b.0), Triple(r.1, g.1, b.1))
        case .swirl: return each(Semantics.swirl)
        case .polar: return each { x, y, _ in Semantics.polar(x, y) }
        case .rotate: return each(Semantics.rotate)
        case .scale: return each(Semantics.scale)
        case .tile: return each(Semantics.tile)
        case .kaleido: return each(Semantics.kaleido)
        default: preconditionFailure("ChannelSemantics.warpedCoordinates: \(op.name) is not a warp")
        }
    }
}
