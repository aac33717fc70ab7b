import Evolution
import Genome

/// What a stored plan breeds and how it searches, in words for display: the genome family of
/// its random genomes (`layered: 4 shapes, textured (8 ground waves, 2 per shape)`) and its
/// search (`memetic`, `polish alone`, `GP`). Read from the plan alone, so it names runs made
/// before either was an option the way they ran.
public struct BreedingLabel: Equatable, Sendable {
    /// One genome family and the share of random genomes drawn from it.
    public struct Part: Equatable, Sendable {
        public var family: Family
        /// Share of every batch of random genomes (initial population, immigrants, restarts), in (0, 1].
        public var share: Double

        public init(family: Family, share: Double) {
            self.family = family
            self.share = share
        }
    }

    /// A genome family as the plan draws it.
    public enum Family: Equatable, Sendable {
        /// Figures on a ground (`LayerSeeding`): `shapes` layers, `groundWaves` plane waves on
        /// the ground and `colourWaves` on each shape's colour (0: flat).
        case layered(shapes: Int, groundWaves: Int, colourWaves: Int)
        /// CPPN-like networks (`CPPNSeeding`).
        case cppn
        /// Sums of `terms` coloured plane waves (`WaveSeeding`).
        case waves(terms: Int)
        /// Ramped half-and-half expression trees (no seeding, or what the seedings leave).
        case trees
    }

    /// How the population searches.
    public enum Mode: Equatable, Sendable {
        /// Crossover and mutation, the best genome's constants polished on a schedule.
        case memetic
        /// Every child a fresh random genome, the best polished: no breeding.
        case polishAlone
        /// Crossover and mutation, never polished.
        case gp
    }

    /// The families of the random genomes, in the order batches are drawn (layered, CPPN,
    /// waves, then trees for the rest); one part of share 1 for every plan the CLI makes.
    public var parts: [Part]
    public var search: Mode

    /// The label of a plan whose breeding is `evolution` and whose polish schedule is `polish`.
    public init(evolution: EvolutionConfig, polish: PolishSchedule?) {
        // As `Breeding` draws a batch: each seeding takes its share of what the ones before left.
        var left = 1.0
        var parts: [Part] = []
        func take(_ family: Family, _ share: Double?) {
            guard let share, share > 0, left > 0 else { return }
            let taken = Swift.min(share, left)
            parts.append(Part(family: family, share: taken))
            left -= taken
        }
        if let layers = evolution.layers {
            let texture = layers.texture
            take(.layered(shapes: layers.layers, groundWaves: texture.groundWaves, colourWaves: texture.colourWaves),
                 layers.share)
        }
        take(.cppn, evolution.cppn?.share)
        if let waves = evolution.waves, waves.terms > 0 { take(.waves(terms: waves.terms), waves.share) }
        if left > 1e-9 { parts.append(Part(family: .trees, share: left)) }
        self.parts = parts
        if polish == nil {
            search = .gp
        } else {
            search = evolution.immigrantRate >= 1 ? .polishAlone : .memetic
        }
    }

    public init(_ settings: RunSettings) { self.init(evolution: settings.evolution, polish: settings.polish) }

    public init(_ settings: AtlasSettings) { self.init(evolution: settings.evolution, polish: settings.polish) }

    /// The genomes in words: one family's label, or each family's with its share
    /// (`50 % wave sums: 24 terms; 50 % expression trees`).
    public var familyText: String {
        if parts.count == 1 { return parts[0].family.text }
        return parts.map { "\(Self.percent($0.share)) \($0.family.text)" }.joined(separator: "; ")
    }

    /// The search in words: `memetic`, `polish alone` or `GP`.
    public var searchText: String {
        switch search {
        case .memetic: "memetic"
        case .polishAlone: "polish alone"
        case .gp: "GP"
        }
    }

    /// `50 %`, `33.3 %`.
    private static func percent(_ share: Double) -> String {
        let value = (share * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value)) %" : "\(value) %"
    }
}

extension BreedingLabel.Family {
    /// `layered: 4 shapes, textured (8 ground waves, 2 per shape)`, `layered: 4 flat shapes`,
    /// `CPPN`, `wave sums: 24 terms`, `expression trees`.
    public var text: String {
        switch self {
        case .layered(let shapes, let ground, let colour):
            let n = "\(shapes) \(shapes == 1 ? "shape" : "shapes")"
            let groundText = "\(ground) ground \(ground == 1 ? "wave" : "waves")"
            switch (ground > 0, colour > 0) {
            case (false, false): return "layered: \(shapes) flat \(shapes == 1 ? "shape" : "shapes")"
            case (true, true): return "layered: \(n), textured (\(groundText), \(colour) per shape)"
            case (true, false): return "layered: \(n), textured (\(groundText), flat shapes)"
            case (false, true):
                return "layered: \(n), textured (\(colour) \(colour == 1 ? "wave" : "waves") per shape, flat ground)"
            }
        case .cppn: return "CPPN"
        case .waves(let terms): return "wave sums: \(terms) \(terms == 1 ? "term" : "terms")"
        case .trees: return "expression trees"
        }
    }
}
