/// The primitive set: every operator a genome can use, with its name, arity and meaning.
///
/// A genome's value at each pixel is an RGB triple. Scalars broadcast to three channels and
/// operators work channel-wise, except where a row says "mean" (the argument is reduced to the
/// mean of its channels first) or names a channel. Every operator is total: arguments and
/// results are finite and clamped to ±`Semantics.bound` (10⁶); nothing yields NaN or ∞.
/// A *warp* evaluates its first argument (the body) at transformed coordinates: inside the
/// body, `x`, `y`, `r` and `t` refer to the new coordinates (computed channel-wise). The two
/// *image operators* of Sims (1991), `blur` and `graddir`, evaluate their body at several
/// shifted coordinates (9 and 4 samples) and combine the samples, so a subtree acts as a
/// picture; `Genome.evaluationCost` counts those samples.
/// The final colour is `clamp(0.5 + 0.5·v, 0, 1)` per channel, so values in [-1, 1] span
/// black to full intensity (see `Semantics.squash`).
///
/// This table is generated from `Primitive.table` (`Primitive.markdownTable`); a test keeps the
/// two identical.
///
/// | name | arity | meaning |
/// |---|---|---|
/// | `<number>` | 0 | a numeric constant, \|c\| ≤ 10⁶ |
/// | `x` | 0 | horizontal coordinate in [-1, 1], left to right |
/// | `y` | 0 | vertical coordinate in [-1, 1], top to bottom |
/// | `r` | 0 | radius √(x² + y²) |
/// | `t` | 0 | angle atan2(y, x) / π in (-1, 1] |
/// | `sin` | 1 | sine (radians) |
/// | `cos` | 1 | cosine (radians) |
/// | `tanh` | 1 | hyperbolic tangent |
/// | `abs` | 1 | absolute value |
/// | `sqrt` | 1 | protected square root √\|a\| |
/// | `log` | 1 | protected logarithm ln max(\|a\|, 10⁻⁶) |
/// | `gauss` | 1 | bell curve exp(-a²) |
/// | `floor` | 1 | largest integer ≤ a |
/// | `fract` | 1 | a − floor(a), in [0, 1) |
/// | `red` | 1 | the red channel of a (a scalar) |
/// | `green` | 1 | the green channel of a (a scalar) |
/// | `blue` | 1 | the blue channel of a (a scalar) |
/// | `gray` | 1 | the mean of a's channels (a scalar) |
/// | `+` | 2 | a + b |
/// | `-` | 2 | a − b |
/// | `*` | 2 | a · b |
/// | `/` | 2 | protected division: b is pushed away from 0 to at least 10⁻³ in magnitude |
/// | `min` | 2 | smaller of a and b |
/// | `max` | 2 | larger of a and b |
/// | `mod` | 2 | a − b·floor(a/b), b protected as in `/` |
/// | `pow` | 2 | protected power \|a\|^b |
/// | `hypot` | 2 | √(a² + b²) |
/// | `noise` | 2 | smooth gradient noise at (a, b), about [-1, 1], unit lattice |
/// | `fbm` | 2 | four octaves of gradient noise at (a, b), about [-0.75, 0.75] |
/// | `mix` | 3 | a + (b − a)·w with w = clamp(0.5 + 0.5·c, 0, 1) |
/// | `if` | 3 | b where a > 0, else c |
/// | `rgb` | 3 | colour (mean a, mean b, mean c) |
/// | `hsv` | 3 | colour from hue (mean a; [-1, 1] is one turn), saturation and value (mean b, mean c; [-1, 1] ↦ [0, 1]) |
/// | `warp` | 3 | body a at (x + b, y + c) |
/// | `swirl` | 2 | body a rotated by π·b / (1 + x² + y²) radians |
/// | `polar` | 1 | body a at (t, 2r − 1): stripes become rays and rings |
/// | `rotate` | 2 | body a rotated by π·b radians |
/// | `scale` | 2 | body a at (x·b, y·b) |
/// | `tile` | 2 | body a repeated b times across [-1, 1] in x and y, mirrored |
/// | `kaleido` | 2 | body a folded into b mirrored angular segments |
/// | `blur` | 2 | body a smoothed: a 3×3 tent of samples b apart (b = 0.02 is about two pixels at 224²), averaged by halves |
/// | `graddir` | 2 | direction of body a's gradient, from samples ±b apart in x and y: atan2(dy, dx) / π per channel, 0 where flat |
/// | `photo` | 2 | a stored picture at (a, b) per channel, bilinear, edge-clamped; [-1, 1] spans it; written photo@KEY |
public enum Op: UInt8, CaseIterable, Sendable, Hashable {
    case constant, x, y, r, t
    case sin, cos, tanh, abs, sqrt, log, gauss, floor, fract, red, green, blue, gray
    case add, sub, mul, div, min, max, mod, pow, hypot, noise, fbm
    case mix, ifPositive, rgb, hsv
    case warp, swirl, polar, rotate, scale, tile, kaleido
    case blur, graddir
    case photo

    /// The table row describing this operator.
    @inlinable public var primitive: Primitive { Primitive.table[Int(rawValue)] }
    /// The operator's name in the text format (`"<number>"` for constants).
    @inlinable public var name: String { primitive.name }
    /// Number of arguments (0 for terminals and constants).
    @inlinable public var arity: Int { Int(Op.arities[Int(rawValue)]) }
    /// Whether the first argument is evaluated at transformed coordinates.
    @inlinable public var isWarp: Bool { rawValue >= Op.warp.rawValue && rawValue <= Op.graddir.rawValue }
    /// Times the first argument (the body) is evaluated per sample: 9 for `blur`, 4 for
    /// `graddir`, 1 for every other operator.
    @inlinable public var bodySamples: Int { self == .blur ? 9 : self == .graddir ? 4 : 1 }
    /// Whether the operator reads the pixel coordinates directly (`x`, `y`, `r`, `t`).
    @inlinable public var isCoordinate: Bool { self == .x || self == .y || self == .r || self == .t }

    /// Arity per raw value, kept as a flat array for the hot arity scans.
    @usableFromInline static let arities: [UInt8] = Primitive.table.map { UInt8($0.arity) }

    /// Looks an operator up by its text-format name (`"+"`, `"sin"`, …); nil if unknown.
    public init?(name: String) {
        guard let op = Op.byName[name] else { return nil }
        self = op
    }

    static let byName: [String: Op] = Dictionary(
        uniqueKeysWithValues: Primitive.table.filter { $0.op != .constant }.map { ($0.name, $0.op) })
}

/// One row of the primitive table.
public struct Primitive: Sendable, Hashable {
    /// The operator this row describes.
    public let op: Op
    /// Name in the text format.
    public let name: String
    /// Number of arguments.
    public let arity: Int
    /// One-line meaning, as shown in the documentation table.
    public let meaning: String

    /// Every primitive, in `Op` raw-value order.
    public static let table: [Primitive] = [
        .init(op: .constant, name: "<number>", arity: 0, meaning: "a numeric constant, \\|c\\| ≤ 10⁶"),
        .init(op: .x, name: "x", arity: 0, meaning: "horizontal coordinate in [-1, 1], left to right"),
        .init(op: .y, name: "y", arity: 0, meaning: "vertical coordinate in [-1, 1], top to bottom"),
        .init(op: .r, name: "r", arity: 0, meaning: "radius √(x² + y²)"),
        .init(op: .t, name: "t", arity: 0, meaning: "angle atan2(y, x) / π in (-1, 1]"),
        .init(op: .sin, name: "sin", arity: 1, meaning: "sine (radians)"),
        .init(op: .cos, name: "cos", arity: 1, meaning: "cosine (radians)"),
        .init(op: .tanh, name: "tanh", arity: 1, meaning: "hyperbolic tangent"),
        .init(op: .abs, name: "abs", arity: 1, meaning: "absolute value"),
        .init(op: .sqrt, name: "sqrt", arity: 1, meaning: "protected square root √\\|a\\|"),
        .init(op: .log, name: "log", arity: 1, meaning: "protected logarithm ln max(\\|a\\|, 10⁻⁶)"),
        .init(op: .gauss, name: "gauss", arity: 1, meaning: "bell curve exp(-a²)"),
        .init(op: .floor, name: "floor", arity: 1, meaning: "largest integer ≤ a"),
        .init(op: .fract, name: "fract", arity: 1, meaning: "a − floor(a), in [0, 1)"),
        .init(op: .red, name: "red", arity: 1, meaning: "the red channel of a (a scalar)"),
        .init(op: .green, name: "green", arity: 1, meaning: "the green channel of a (a scalar)"),
        .init(op: .blue, name: "blue", arity: 1, meaning: "the blue channel of a (a scalar)"),
        .init(op: .gray, name: "gray", arity: 1, meaning: "the mean of a's channels (a scalar)"),
        .init(op: .add, name: "+", arity: 2, meaning: "a + b"),
        .init(op: .sub, name: "-", arity: 2, meaning: "a − b"),
        .init(op: .mul, name: "*", arity: 2, meaning: "a · b"),
        .init(op: .div, name: "/", arity: 2,
              meaning: "protected division: b is pushed away from 0 to at least 10⁻³ in magnitude"),
        .init(op: .min, name: "min", arity: 2, meaning: "smaller of a and b"),
        .init(op: .max, name: "max", arity: 2, meaning: "larger of a and b"),
        .init(op: .mod, name: "mod", arity: 2, meaning: "a − b·floor(a/b), b protected as in `/`"),
        .init(op: .pow, name: "pow", arity: 2, meaning: "protected power \\|a\\|^b"),
        .init(op: .hypot, name: "hypot", arity: 2, meaning: "√(a² + b²)"),
        .init(op: .noise, name: "noise", arity: 2,
              meaning: "smooth gradient noise at (a, b), about [-1, 1], unit lattice"),
        .init(op: .fbm, name: "fbm", arity: 2, meaning: "four octaves of gradient noise at (a, b), about [-0.75, 0.75]"),
        .init(op: .mix, name: "mix", arity: 3, meaning: "a + (b − a)·w with w = clamp(0.5 + 0.5·c, 0, 1)"),
        .init(op: .ifPositive, name: "if", arity: 3, meaning: "b where a > 0, else c"),
        .init(op: .rgb, name: "rgb", arity: 3, meaning: "colour (mean a, mean b, mean c)"),
        .init(op: .hsv, name: "hsv", arity: 3,
              meaning: "colour from hue (mean a; [-1, 1] is one turn), saturation and value "
                + "(mean b, mean c; [-1, 1] ↦ [0, 1])"),
        .init(op: .warp, name: "warp", arity: 3, meaning: "body a at (x + b, y + c)"),
        .init(op: .swirl, name: "swirl", arity: 2, meaning: "body a rotated by π·b / (1 + x² + y²) radians"),
        .init(op: .polar, name: "polar", arity: 1, meaning: "body a at (t, 2r − 1): stripes become rays and rings"),
        .init(op: .rotate, name: "rotate", arity: 2, meaning: "body a rotated by π·b radians"),
        .init(op: .scale, name: "scale", arity: 2, meaning: "body a at (x·b, y·b)"),
        .init(op: .tile, name: "tile", arity: 2, meaning: "body a repeated b times across [-1, 1] in x and y, mirrored"),
        .init(op: .kaleido, name: "kaleido", arity: 2, meaning: "body a folded into b mirrored angular segments"),
        .init(op: .blur, name: "blur", arity: 2,
              meaning: "body a smoothed: a 3×3 tent of samples b apart (b = 0.02 is about two pixels at 224²), averaged by halves"),
        .init(op: .graddir, name: "graddir", arity: 2,
              meaning: "direction of body a's gradient, from samples ±b apart in x and y: atan2(dy, dx) / π per channel, 0 where flat"),
        .init(op: .photo, name: "photo", arity: 2,
              meaning: "a stored picture at (a, b) per channel, bilinear, edge-clamped; [-1, 1] spans it; written photo@KEY"),
    ]

    /// The primitive table as Markdown (`| name | arity | meaning |`), one row per operator.
    public static var markdownTable: String {
        var lines = ["| name | arity | meaning |", "|---|---|---|"]
        for p in table { lines.append("| `\(p.name)` | \(p.arity) | \(p.meaning) |") }
        return lines.joined(separator: "\n")
    }
}
