/// Layered genomes: figures on a ground. A background formula, then a stack of layers
/// composited in order, each a soft shape mask with a colour of its own:
///
///     (mix (mix GROUND COLOUR₁ MASK₁) COLOUR₂ MASK₂)
///
/// `mix a b c` is a + (b − a)·clamp(0.5 + 0.5c, 0, 1), so a mask near +1 shows the layer's
/// colour, near −1 what lies below. A mask is a sigmoid of a signed distance,
/// `(tanh (* s (- ρ (hypot (* a (- x cx)) (* b (- y cy))))))`: an ellipse of centre (cx, cy)
/// and axes ρ/a, ρ/b with an edge 1/s wide, optionally turned (`rotate`) and warped by smooth
/// noise into a blob (`warp`). A colour is `(rgb r g b)`, optionally with a noise texture. Every constant moves the picture smoothly, so constant polish can slide, grow, turn and
/// recolour a shape; whole layers are the unit of crossover and mutation (ES-CLIP and Arnheim
/// draw recognisable objects from a few dozen shapes composited in order).
extension Genome {
    /// One layer: what it paints and where.
    public struct Layer: Sendable, Equatable {
        /// The layer's colour (or texture) formula.
        public var colour: Genome
        /// Where it shows: near +1 inside, near −1 outside.
        public var mask: Genome

        public init(colour: Genome, mask: Genome) {
            self.colour = colour
            self.mask = mask
        }
    }

    /// The deepest a random mask goes (`warp`, `rotate`, then the ellipse's 7 levels).
    static let layerMaskDepth = 9
    /// The most nodes a random layer has (its `mix`, a warped turned mask, a textured colour).
    static let layerNodes = 54
    /// The deepest and largest random ground.
    static let groundDepth = 6
    static let groundNodes = 22

    /// The most layers a layered genome with `texture` may have within `limits` (0 if not
    /// even one fits).
    public static func maxLayers(within limits: Limits, texture: LayerTexture = .flat) -> Int {
        let byNodes = (limits.maxNodes - texture.groundNodes) / texture.layerNodes
        // Layer 1's mix sits at depth `layers`; its mask and colour below it, the ground below all mixes.
        let byDepth = limits.maxDepth - Swift.max(texture.layerDepth, texture.groundDepth) + 1
        return Swift.max(0, Swift.min(byNodes, byDepth))
    }

    /// Whether this genome is a stack of layers (its root is `mix`).
    public var isLayered: Bool { nodes[0].op == .mix }

    /// The ground below the layers and the layers bottom to top, read from the chain of `mix`
    /// nodes along their first argument (no layers, and the genome itself as the ground, when
    /// the root is not `mix`).
    public var layerStack: (ground: Genome, layers: [Layer]) {
        var layers: [Layer] = []
        var i = 0
        while nodes[i].op == .mix {
            let arguments = argumentIndices(of: i)
            layers.append(Layer(colour: subtree(at: arguments[1]), mask: subtree(at: arguments[2])))
            i = arguments[0]
        }
        return (subtree(at: i), layers.reversed())
    }

    /// `ground` with `layers` composited on it, bottom to top.
    public static func layered(ground: Genome, layers: [Layer]) -> Genome {
        var result = ground.nodes
        var pictures = ground.pictures
        for layer in layers {
            result = [Node(.mix)] + result + layer.colour.nodes + layer.mask.nodes
            pictures = pictures.union(layer.colour.pictures).union(layer.mask.pictures)
        }
        return Genome(validNodes: result, pictures: pictures)
    }

    /// A random layered genome: a ground and `layers` random layers (fewer if `limits` hold
    /// fewer; they must hold one, see `maxLayers`).
    /// With a `texture`, the ground and each layer's colour carry sums of plane waves.
    public static func layered(layers count: Int, limits: Limits = .standard, texture: LayerTexture = .flat,
                               using rng: inout some RandomNumberGenerator) -> Genome {
        let fitting = Swift.min(count, maxLayers(within: limits, texture: texture))
        precondition(fitting >= 1, "layered: the limits do not hold one layer")
        let ground = randomGround(texture: texture, using: &rng)
        return layered(ground: ground, layers: (0..<fitting).map { _ in randomLayer(texture: texture, using: &rng) })
    }

    /// A random ground: a colour with a gentle gradient across the picture, half the time
    /// with a noise texture in its blue channel; with a `texture`, plus a sum of plane waves.
    public static func randomGround(texture: LayerTexture = .flat, using rng: inout some RandomNumberGenerator) -> Genome {
        let ground = flatGround(using: &rng)
        return texture.groundWaves == 0 ? ground : textured(ground, waves: texture.groundWaves, texture.frequency, using: &rng)
    }

    /// `(add base Σ waves)`: `base` with `count` plane waves of frequency scale `frequency` on it.
    static func textured(_ base: Genome, waves count: Int, _ frequency: Float,
                         using rng: inout some RandomNumberGenerator) -> Genome {
        let waves = Genome.waves(terms: count, frequency: frequency, limits: Limits(uncheckedDepth: Genome.maxDepth, nodes: Genome.maxNodes), using: &rng)
        return Genome(validNodes: [Node(.add)] + base.nodes + waves.nodes, pictures: base.pictures)
    }

    static func flatGround(using rng: inout some RandomNumberGenerator) -> Genome {
        func level() -> Node { constant(1.4 * rng.unit() - 0.7) }
        var nodes: [Node] = [Node(.rgb),
                             Node(.add), level(), Node(.mul), constant(0.2 * rng.gaussian()), Node(.x),
                             Node(.add), level(), Node(.mul), constant(0.2 * rng.gaussian()), Node(.y)]
        if rng.chance(0.5) {
            nodes.append(level())
        } else {
            let f = 1 + 3 * rng.unit()
            nodes += [Node(.add), level(), Node(.mul), constant(0.3 * rng.unit()),
                      Node(.fbm), Node(.mul), constant(f), Node(.x), Node(.mul), constant(f), Node(.y)]
        }
        return Genome(validNodes: nodes, pictures: .none)
    }

    /// A random layer: an ellipse somewhere in the middle of the picture (half the time turned,
    /// half the time warped into a blob), in a random colour (sometimes textured).
    /// With a `texture`, the colour carries a sum of plane waves.
    public static func randomLayer(texture: LayerTexture = .flat, using rng: inout some RandomNumberGenerator) -> Layer {
        Layer(colour: randomLayerColour(texture: texture, using: &rng), mask: randomMask(using: &rng))
    }

    /// `(rgb r g b)` with channel levels in [−0.9, 0.9] (so within the output's range), 40 % of
    /// the time with a noise texture on the red channel; with a `texture`, plus a sum of waves.
    static func randomLayerColour(texture: LayerTexture = .flat, using rng: inout some RandomNumberGenerator) -> Genome {
        let colour = flatLayerColour(using: &rng)
        return texture.colourWaves == 0 ? colour : textured(colour, waves: texture.colourWaves, texture.frequency, using: &rng)
    }

    static func flatLayerColour(using rng: inout some RandomNumberGenerator) -> Genome {
        func level() -> Node { constant(1.8 * rng.unit() - 0.9) }
        var nodes: [Node] = [Node(.rgb)]
        if rng.chance(0.4) {
            let f = 2 + 6 * rng.unit()
            nodes += [Node(.add), level(), Node(.mul), constant(0.15 * rng.gaussian()),
                      Node(.noise), Node(.mul), constant(f), Node(.x), Node(.mul), constant(f), Node(.y)]
        } else {
            nodes.append(level())
        }
        nodes += [level(), level()]
        return Genome(validNodes: nodes, pictures: .none)
    }

    static func randomMask(using rng: inout some RandomNumberGenerator) -> Genome {
        var nodes: [Node] = []
        let warped = rng.chance(0.5), turned = rng.chance(0.5)
        if warped { nodes.append(Node(.warp)) }
        if turned { nodes.append(Node(.rotate)) }
        let a = (0.4 * rng.gaussian()).exponential, b = (0.4 * rng.gaussian()).exponential
        nodes += [Node(.tanh), Node(.mul), constant(8 + 22 * rng.unit()),
                  Node(.sub), constant(0.15 + 0.4 * rng.unit()),
                  Node(.hypot),
                  Node(.mul), constant(a), Node(.sub), Node(.x), constant(1.2 * rng.unit() - 0.6),
                  Node(.mul), constant(b), Node(.sub), Node(.y), constant(1.2 * rng.unit() - 0.6)]
        if turned { nodes.append(constant(2 * rng.unit() - 1)) }
        if warped {
            let w = 0.05 + 0.2 * rng.unit(), f = 1.5 + 2.5 * rng.unit()
            nodes += [Node(.mul), constant(w), Node(.noise), Node(.mul), constant(f), Node(.x),
                      Node(.mul), constant(f), Node(.y),
                      Node(.mul), constant(w), Node(.noise), Node(.add), Node(.mul), constant(f), Node(.x),
                      constant(5.3), Node(.mul), constant(f), Node(.y)]
        }
        return Genome(validNodes: nodes, pictures: .none)
    }

    /// Uniform layer crossover: layer k of the first child is `a`'s or `b`'s layer k with even
    /// odds, and so is the ground (layers beyond the shorter stack stay with their own parent);
    /// the second child takes the other choices. Whole shapes with their colours move between
    /// parents intact. A child that would break `limits` is replaced by its parent.
    public static func layerCrossover(_ a: Genome, _ b: Genome, limits: Limits = .standard,
                                      using rng: inout some RandomNumberGenerator) -> (Genome, Genome) {
        var first = a.layerStack, second = b.layerStack
        if rng.chance(0.5) { swap(&first.ground, &second.ground) }
        for k in 0..<Swift.min(first.layers.count, second.layers.count) where rng.chance(0.5) {
            swap(&first.layers[k], &second.layers[k])
        }
        let x = layered(ground: first.ground, layers: first.layers)
        let y = layered(ground: second.ground, layers: second.layers)
        return (limits.admits(x) ? x : a, limits.admits(y) ? y : b)
    }

    /// What a layer mutation does.
    public enum LayerMutation: CaseIterable, Sendable {
        /// One layer replaced by a fresh random one.
        case replaceLayer
        /// One layer's mask replaced (the same colour in a new shape).
        case reshape
        /// One layer's colour replaced (the same shape in a new colour).
        case recolour
        /// Two neighbouring layers change places (which shape is in front).
        case reorder
        /// A fresh layer on top (if the limits allow one more).
        case addLayer
        /// One layer removed (if there are two or more).
        case removeLayer
        /// A fresh ground.
        case replaceGround
    }

    /// One layer mutation of a layered genome (of any genome: a genome without layers is a
    /// ground, and gains or changes only what it can). A child that would break `limits` is
    /// replaced by the parent. New layers, colours and grounds are drawn with `texture`.
    public func layerMutated(_ kind: LayerMutation, limits: Limits = .standard, texture: LayerTexture = .flat,
                             using rng: inout some RandomNumberGenerator) -> Genome {
        var (ground, layers) = layerStack
        switch kind {
        case .replaceLayer where !layers.isEmpty:
            layers[rng.below(layers.count)] = Self.randomLayer(texture: texture, using: &rng)
        case .reshape where !layers.isEmpty:
            layers[rng.below(layers.count)].mask = Self.randomMask(using: &rng)
        case .recolour where !layers.isEmpty:
            layers[rng.below(layers.count)].colour = Self.randomLayerColour(texture: texture, using: &rng)
        case .reorder where layers.count >= 2:
            let k = rng.below(layers.count - 1)
            layers.swapAt(k, k + 1)
        case .removeLayer where layers.count >= 2:
            layers.remove(at: rng.below(layers.count))
        case .replaceGround:
            ground = Self.randomGround(texture: texture, using: &rng)
        default:
            // Adding, and every kind a stack too small for falls back to adding a layer.
            layers.append(Self.randomLayer(texture: texture, using: &rng))
        }
        let child = Self.layered(ground: ground, layers: layers)
        return limits.admits(child) ? child : self
    }
}

/// Plane-wave texture inside a layered genome: the ground and each layer's colour become
/// `(add FLAT Σ waves)`, so the figure and the ground can carry a pattern (stripes, a shell's
/// mottling) that constant polish tunes, while the masks keep the figures. `.flat`: none.
public struct LayerTexture: Sendable, Equatable {
    /// Wave terms added to the ground.
    public var groundWaves: Int
    /// Wave terms added to each layer's colour.
    public var colourWaves: Int
    /// Standard deviation of the waves' frequencies (radians per unit), as `Genome.waves`.
    public var frequency: Float

    public init(groundWaves: Int, colourWaves: Int, frequency: Float) {
        precondition(groundWaves >= 0 && colourWaves >= 0, "LayerTexture: negative wave counts")
        self.groundWaves = groundWaves
        self.colourWaves = colourWaves
        self.frequency = frequency
    }

    public static let flat = LayerTexture(groundWaves: 0, colourWaves: 0, frequency: 8)

    /// The texture the breeding commands default to: 8 waves on the ground, 2 on each shape's
    /// colour. Over rock crab, goldfish and tabby cat (3 seeds, 10 minutes) it gave the held-out
    /// Lite2 a majority of framings on 6 of 9 runs, against 1 of 9 for wave sums (README,
    /// "Figures on a ground, textured").
    public static let measured = LayerTexture(groundWaves: 8, colourWaves: 2, frequency: 8)

    /// The most nodes of a random ground (with its waves), and its depth plus one (the ground
    /// sits one level below the lowest `mix`).
    public var groundNodes: Int { Genome.groundNodes + Self.wavesNodes(groundWaves) }
    public var groundDepth: Int { Swift.max(Genome.groundDepth, Self.wavesDepth(groundWaves)) + 1 }
    /// The most nodes of a random layer (its colour and mask), and the depth of the layer's
    /// subtree including its `mix`.
    public var layerNodes: Int { Genome.layerNodes + Self.wavesNodes(colourWaves) }
    public var layerDepth: Int { Swift.max(Genome.layerMaskDepth, Self.wavesDepth(colourWaves)) + 1 }

    /// Nodes of `(add … Σ waves)` beyond the flat part.
    static func wavesNodes(_ n: Int) -> Int { n == 0 ? 0 : 1 + n * (Genome.waveTermNodes + 1) - 1 }
    /// Depth of the `add` over a wave sum of `n` terms.
    static func wavesDepth(_ n: Int) -> Int { n == 0 ? 0 : 1 + Genome.waveTermDepth + Genome.sumDepth(n) }
}

private extension Float {
    /// e^self (for the ellipse's axis scales, drawn log-normally).
    var exponential: Float { FastMath.exp(self) }
}

/// A constant node holding `value` made admissible (finite, within the constant range).
private func constant(_ value: Float) -> Node { .constant(Genome.admissible(value)) }
