/// CPPN-like genomes (Picbreeder; Nguyen, Yosinski & Clune's images of all 1000 classes): a
/// small network of composed functions of x, y and the radius r, feeding a two-colour palette.
///
///     (mix (rgb a b c) (rgb d e f) F)
///     F  = (+ (+ (* u₁ G₁) (* u₂ G₂)) (+ (* u₃ G₃) b))               the output unit
///     Gₖ = (φ (+ (+ (* v₁ H₁) (* v₂ H₂)) (+ (* v₃ H₃) b)))           hidden layer 2
///     Hⱼ = (φ (+ (+ (* w₁ x) (* w₂ y)) (+ (* w₃ r) b)))               hidden layer 1
///
/// φ is drawn per unit from sin (repetition), gauss (symmetry, a bump), tanh (an edge) and abs
/// (a fold). One scalar field through one palette keeps the colours coherent, as in Picbreeder's
/// images, where three independent channels would give rainbow noise. It is a tree, so each
/// output unit has hidden units of its own (the renderer shares whatever is equal). Units are
/// the unit of variation: `unitCrossover` swaps whole second-layer units (each with the first-
/// layer units below it) between parents; `cppnMutated` replaces a unit, changes one unit's
/// activation, or recolours the palette.
extension Genome {
    /// The activations a unit may have.
    public static let cppnActivations: [Op] = [.sin, .gauss, .tanh, .abs]
    /// Units per hidden layer and in the output sum.
    public static let cppnWidth = 3
    /// Nodes and depth of a CPPN genome: `(mix C C F)`.
    public static let cppnNodes = 178
    public static let cppnDepth = 13

    /// A random CPPN-like genome (first-layer weights ~ N(0, σ²) with σ = `weight`, biases
    /// ~ N(0, 1); second layer N(0, 1), biases N(0, 0.5²); output N(0, 0.6²), bias N(0, 0.2²));
    /// nil when `limits` cannot hold one.
    public static func cppn(weight: Float = 3, limits: Limits = .standard,
                            using rng: inout some RandomNumberGenerator) -> Genome? {
        guard limits.maxNodes >= cppnNodes, limits.maxDepth >= cppnDepth else { return nil }
        let field = outputUnit((0..<cppnWidth).map { _ in secondLayerUnit(weight: weight, using: &rng) }, using: &rng)
        let first = randomPaletteColour(using: &rng)
        var second = randomPaletteColour(using: &rng)
        // Two colours far enough apart that the pattern shows (a few redraws at most).
        for _ in 0..<8 where paletteDistance(first, second) < 0.8 { second = randomPaletteColour(using: &rng) }
        return Genome(validNodes: [Node(.mix)] + first + second + field, pictures: .none)
    }

    /// Euclidean distance of two `(rgb a b c)` constant colours.
    static func paletteDistance(_ a: [Node], _ b: [Node]) -> Float {
        zip(a.dropFirst(), b.dropFirst()).map { ($0.value - $1.value) * ($0.value - $1.value) }.reduce(0, +).squareRoot()
    }

    /// `(rgb a b c)` with levels in [−0.9, 0.9].
    static func randomPaletteColour(using rng: inout some RandomNumberGenerator) -> [Node] {
        [Node(.rgb)] + (0..<3).map { _ in constant(1.8 * rng.unit() - 0.9) }
    }

    /// `(+ (+ (* c₁ A₁) (* c₂ A₂)) (+ (* c₃ A₃) b))` over three argument subtrees, weights
    /// ~ N(0, `scale`²), bias ~ N(0, `bias`²).
    static func weightedSum(_ arguments: [[Node]], scale: Float, bias: Float,
                            using rng: inout some RandomNumberGenerator) -> [Node] {
        precondition(arguments.count == 3, "a CPPN sum has three arguments")
        func weighted(_ a: [Node]) -> [Node] { [Node(.mul), constant(scale * rng.gaussian())] + a }
        return [Node(.add), Node(.add)] + weighted(arguments[0]) + weighted(arguments[1])
            + [Node(.add)] + weighted(arguments[2]) + [constant(bias * rng.gaussian())]
    }

    static func firstLayerUnit(weight: Float, using rng: inout some RandomNumberGenerator) -> [Node] {
        [Node(cppnActivations[rng.below(cppnActivations.count)])]
            + weightedSum([[Node(.x)], [Node(.y)], [Node(.r)]], scale: weight, bias: 1, using: &rng)
    }

    static func secondLayerUnit(weight: Float, using rng: inout some RandomNumberGenerator) -> [Node] {
        let inputs = (0..<cppnWidth).map { _ in firstLayerUnit(weight: weight, using: &rng) }
        return [Node(cppnActivations[rng.below(cppnActivations.count)])] + weightedSum(inputs, scale: 1, bias: 0.5, using: &rng)
    }

    /// The field: small output weights and bias, so that it sweeps the palette's range
    /// (`mix` saturates beyond ±1) instead of sitting at one end of it.
    static func outputUnit(_ units: [[Node]], using rng: inout some RandomNumberGenerator) -> [Node] {
        weightedSum(units, scale: 0.6, bias: 0.2, using: &rng)
    }

    /// Whether this genome has a CPPN's shape: a palette `mix` whose field is a three-term
    /// weighted sum of activated units.
    public var isCPPN: Bool { cppnUnitIndices != nil }

    /// The node indices of the second-layer units G₁, G₂, G₃ (nil unless the genome has the
    /// CPPN shape).
    public var cppnUnitIndices: [Int]? {
        guard nodes[0].op == .mix else { return nil }
        let field = argumentIndices(of: 0)[2]
        // F = (+ (+ (* u G) (* u G)) (+ (* u G) b)).
        guard nodes[field].op == .add else { return nil }
        let halves = argumentIndices(of: field)
        guard nodes[halves[0]].op == .add, nodes[halves[1]].op == .add else { return nil }
        let products = argumentIndices(of: halves[0]) + [argumentIndices(of: halves[1])[0]]
        var units: [Int] = []
        for product in products {
            guard nodes[product].op == .mul else { return nil }
            let unit = argumentIndices(of: product)[1]
            guard Self.cppnActivations.contains(nodes[unit].op) else { return nil }
            units.append(unit)
        }
        return units
    }

    /// Uniform unit crossover of two CPPN genomes: unit slot k of the first child is `a`'s or
    /// `b`'s with even odds (each with the first-layer units below it; the output weights and
    /// the palette stay with their genome); the second child takes the other choices. nil when
    /// either parent has lost the CPPN shape. A child that would break `limits` is its parent.
    public static func unitCrossover(_ a: Genome, _ b: Genome, limits: Limits = .standard,
                                     using rng: inout some RandomNumberGenerator) -> (Genome, Genome)? {
        guard let ua = a.cppnUnitIndices, let ub = b.cppnUnitIndices else { return nil }
        var x = a, y = b
        // Replace from the last slot back, so earlier indices stay valid.
        for k in (0..<cppnWidth).reversed() where rng.chance(0.5) {
            x = x.replacingSubtree(at: ua[k], with: b.subtree(at: ub[k]))
            y = y.replacingSubtree(at: ub[k], with: a.subtree(at: ua[k]))
        }
        return (limits.admits(x) ? x : a, limits.admits(y) ? y : b)
    }

    /// What a CPPN mutation does.
    public enum CPPNMutation: CaseIterable, Sendable {
        /// One second-layer unit (with its first-layer units) replaced by a fresh random one.
        case replaceUnit
        /// One unit's activation function changed (sin, gauss, tanh, abs).
        case activation
        /// One palette colour replaced.
        case recolour
    }

    /// One CPPN mutation; the genome itself when it has lost the CPPN shape or the child would
    /// break `limits`.
    public func cppnMutated(_ kind: CPPNMutation, weight: Float = 3, limits: Limits = .standard,
                            using rng: inout some RandomNumberGenerator) -> Genome {
        guard let units = cppnUnitIndices else { return self }
        let child: Genome
        switch kind {
        case .replaceUnit:
            let fresh = Genome(validNodes: Self.secondLayerUnit(weight: weight, using: &rng), pictures: .none)
            child = replacingSubtree(at: units[rng.below(units.count)], with: fresh)
        case .activation:
            // Every activated unit: the three of layer 2 and the first-layer units below them.
            let activated = nodes.indices.filter { index in
                index > 0 && Self.cppnActivations.contains(nodes[index].op)
            }
            let index = activated[rng.below(activated.count)]
            var changed = nodes
            let others = Self.cppnActivations.filter { $0 != nodes[index].op }
            changed[index] = Node(others[rng.below(others.count)])
            child = with(nodes: changed)
        case .recolour:
            let colour = argumentIndices(of: 0)[rng.below(2)]
            child = replacingSubtree(at: colour, with: Genome(validNodes: Self.randomPaletteColour(using: &rng), pictures: .none))
        }
        return limits.admits(child) ? child : self
    }
}

/// A constant node holding `value` made admissible (finite, within the constant range).
private func constant(_ value: Float) -> Node { .constant(Genome.admissible(value)) }
