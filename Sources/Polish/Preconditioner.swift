import Genome

/// How constant polish measures a step: a linear reparameterisation c = c₀ + B·z of the
/// genome's constants, with Adam moving z (gradient Bᵀ·∂f/∂c). Adam moves every coordinate of
/// z by about the learning rate, so B decides which changes of the image are cheap.
///
/// Gradient feature visualisation (lucid) gets images that transfer by optimising in a
/// decorrelated colour basis and with a 1/f spectrum; these are the formula analogues:
/// - `decorrelatedColour`: the three constants of an `(rgb a b c)` move along the axes of
///   ImageNet's colour covariance (its square root, normalised to luminance 1), so a step
///   changes brightness more than hue, as in natural images;
/// - `falloff` ω₀: the colour of a wave term `(* (rgb …) (sin (+ (+ (* u x) (* v y)) φ)))` of
///   frequency |ω| = √(u² + v²) moves min(1, ω₀/|ω|) as far: low frequencies first.
public struct Preconditioning: Codable, Equatable, Sendable {
    public var decorrelatedColour: Bool
    public var falloff: Float?

    public init(decorrelatedColour: Bool = false, falloff: Float? = nil) {
        self.decorrelatedColour = decorrelatedColour
        self.falloff = falloff
    }

    /// Identity: Adam on the constants themselves.
    public static let none = Preconditioning()

    public var isIdentity: Bool { !decorrelatedColour && falloff == nil }

    /// Square root of ImageNet's RGB covariance (lucid's `color_correlation_svd_sqrt`),
    /// columns luminance, then two chroma axes; divided by its largest column norm.
    static let colourBasis: [Float] = {
        let m: [Float] = [0.26, 0.09, 0.02,
                          0.27, 0.00, -0.05,
                          0.27, -0.09, 0.03]
        var norm: Float = 0
        for c in 0..<3 {
            var squares: Float = 0
            for r in 0..<3 { squares += m[3 * r + c] * m[3 * r + c] }
            norm = max(norm, squares.squareRoot())
        }
        return m.map { $0 / norm }
    }()
}

/// `Preconditioning` applied to one genome: blocks of three colour constants, each with its
/// 3×3 map from latent coordinates (offsets from the genome's colour) to constants. Constants
/// outside every block are their own latent coordinates.
public struct Preconditioner {
    private struct Block {
        var constants: [Int]       // three constant indices (r, g, b)
        var matrix: [Float]        // row-major 3×3: constant r ← Σ_c matrix[3r + c]·z_c
    }

    private var blocks: [Block] = []
    /// The genome's own constants (the constants at `start`).
    public let origin: [Float]

    public init(genome: Genome, preconditioning: Preconditioning) {
        origin = genome.constants
        guard !preconditioning.isIdentity else { return }
        let nodes = genome.nodes
        var constantIndex = [Int](repeating: -1, count: nodes.count)
        var k = 0
        for (i, node) in nodes.enumerated() where node.op == .constant { constantIndex[i] = k; k += 1 }
        let basis = preconditioning.decorrelatedColour
            ? Preconditioning.colourBasis : [1, 0, 0, 0, 1, 0, 0, 0, 1]
        for i in nodes.indices where nodes[i].op == .rgb && i + 3 < nodes.count
            && (1...3).allSatisfy({ nodes[i + $0].op == .constant }) {
            var scale: Float = 1
            if let w0 = preconditioning.falloff, let omega = Self.waveFrequency(of: nodes, rgbAt: i), omega > w0 {
                scale = w0 / omega
            }
            blocks.append(Block(constants: (1...3).map { constantIndex[i + $0] }, matrix: basis.map { $0 * scale }))
        }
    }

    /// |ω| of the wave term whose colour is the `rgb` node at `i`, when the term has the shape
    /// `(* (rgb a b c) (sin (+ (+ (* u x) (* v y)) φ)))` with constant u and v.
    private static func waveFrequency(of nodes: [Node], rgbAt i: Int) -> Float? {
        let shape: [Op?] = [.sin, .add, .add, .mul, .constant, .x, .mul, .constant, .y]
        let start = i + 4
        guard i > 0, nodes[i - 1].op == .mul, start + shape.count <= nodes.count else { return nil }
        for (offset, op) in shape.enumerated() where nodes[start + offset].op != op { return nil }
        let u = nodes[start + 4].value, v = nodes[start + 7].value
        return (u * u + v * v).squareRoot()
    }

    /// Latent coordinates: one per constant.
    public var count: Int { origin.count }

    /// Where Adam starts: outside blocks the constants themselves (so an identity
    /// preconditioning is plain Adam on the constants, bit for bit), inside blocks 0.
    public var start: [Float] {
        var z = origin
        for block in blocks { for k in block.constants { z[k] = 0 } }
        return z
    }

    /// Constants for latent `z`: z itself outside blocks, c₀ + M·z inside, all admissible.
    public func constants(_ z: [Float]) -> [Float] {
        var c = z
        for block in blocks {
            for r in 0..<3 {
                var sum = origin[block.constants[r]]
                for col in 0..<3 { sum += block.matrix[3 * r + col] * z[block.constants[col]] }
                c[block.constants[r]] = sum
            }
        }
        return c.map(Genome.admissible)
    }

    /// `z` with its plain coordinates (outside blocks) kept admissible, as Adam on the
    /// constants themselves would keep them.
    public func admissible(_ z: [Float]) -> [Float] {
        var out = z.map(Genome.admissible)
        for block in blocks { for k in block.constants { out[k] = z[k] } }
        return out
    }

    /// Gradient with respect to z: Bᵀ·`gradient`.
    public func latentGradient(_ gradient: [Float]) -> [Float] {
        var g = gradient
        for block in blocks {
            for col in 0..<3 {
                var sum: Float = 0
                for r in 0..<3 { sum += block.matrix[3 * r + col] * gradient[block.constants[r]] }
                g[block.constants[col]] = sum
            }
        }
        return g
    }
}
