import ArgumentParser
import Evolution
import Genome
import Imaging
import Net
import Polish
import Scoring
import Search

/// How children are made and what random genomes look like: the breeding knobs every kind of run
/// reads (`evolve`, `morph`, `opposite`, `atlas` and their benchmarks).
struct BreedingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Population size (μ; also the number of children per generation, λ; an atlas's batch size).") var population = 32
    @Option(parsing: .unconditional, help: "Probability that a child comes from crossover (else from one mutation).") var crossoverRate = 0.3
    @Option(parsing: .unconditional, help: "Constants a constant-jitter mutation moves (default: every one; measured in the README, \"Why crossover and mutation add little\").")
    var jitterConstants: Int?
    @Option(parsing: .unconditional, help: "Largest genome, in nodes (default \(GenomeFamily.layered.defaultMaxNodes) for the layered family, room for its textured shapes; \(GenomeFamily.waves.defaultMaxNodes) for the others).")
    var maxNodes: Int?
    @Option(parsing: .unconditional, help: "Largest genome depth (default 12; 16 with --family layered or cppn).")
    var maxDepth: Int?
    @Option(help: "Genome family of random genomes (initial population, immigrants, restarts): layered (the default: soft shapes composited on a textured ground, bred by layer crossover and layer mutations), waves (sums of coloured plane waves), cppn (a small network of sin/gauss/tanh/abs units over x, y, r feeding a two-colour palette, bred by unit crossover and unit mutations) or trees (ramped half-and-half expression trees).")
    var family: GenomeFamily = .layered
    @Option(parsing: .unconditional, help: "Layered family: shapes per random genome.") var layers = LayerSeeding().layers
    @Option(parsing: .unconditional, help: "Layered family: plane waves (of --wave-frequency) added to the ground, a pattern polish can tune (default \(LayerTexture.measured.groundWaves); 0: a flat ground).")
    var groundWaves: Int?
    @Option(parsing: .unconditional, help: "Layered family: plane waves (of --wave-frequency) added to each shape's colour (default \(LayerTexture.measured.colourWaves); 0: flat colours).")
    var layerWaves: Int?
    @Option(parsing: .unconditional, help: "Waves family: sine terms in each random wave genome, Σ colour·sin(u·x + v·y + φ) (default \(Self.defaultWaves); 0: random trees only).")
    var waves: Int?
    @Option(parsing: .unconditional, help: "Waves family: share of random genomes (initial population, immigrants, restarts) that are wave genomes (default 1).")
    var waveShare: Double?
    @Option(parsing: .unconditional, help: "Waves and layered families: standard deviation of the wave frequencies (radians per unit; the image spans 2 units; default \(Self.defaultWaveFrequency)).")
    var waveFrequency: Float?
    @Option(parsing: .unconditional, help: "Waves family: wave colour amplitudes fall off as 1/|ω| above this frequency (radians per unit; a natural 1/f spectrum); 0 (the default): flat.")
    var waveFalloff: Float?
    @Option(parsing: .unconditional, help: "Waves family: each term's phase is shifted by β·sin(u'x + v'y), β ~ N(0, σ²) (curved fronts, a two-layer CPPN); 0 (the default): plane waves.")
    var waveWarp: Float?
    @Option(parsing: .unconditional, help: "Waves and trees families: share of crossovers that swap whole terms between two sums (uniform term crossover) instead of subtrees (default \(TermOperators.measured.crossover)).")
    var termCrossover: Double?
    @Option(parsing: .unconditional, help: "Waves and trees families: share of mutations that replace one term of a sum with a fresh wave term (default \(TermOperators.measured.mutation)).")
    var termMutation: Double?

    static let defaultWaves = 24
    static let defaultWaveFrequency: Float = 8

    /// Largest population: μ + λ renders of up to ~1 MB each stay within a few GB.
    static let maxPopulation = 1024

    /// The genome families random genomes are drawn from.
    enum GenomeFamily: String, ExpressibleByArgument, CaseIterable {
        case waves, layered, cppn, trees

        /// The node limit when `--max-nodes` is not given: 600 holds the default four layered
        /// shapes with their texture (8 ground waves, 2 per colour: at most 494 nodes) and room
        /// for a fifth; 400 was measured for wave sums.
        var defaultMaxNodes: Int { self == .layered ? 600 : 400 }

        /// The total-variation weight when `--tv` is not given. Layered genomes draw edges the
        /// penalty charges for: at 0.3 a 30-generation rock-crab run stayed at robust 0.0007,
        /// at 0.05 it reached 0.848 (README, "Figures on a ground, textured"). Wave sums keep
        /// the penalty that holds them back from static.
        var defaultTV: Float { self == .layered ? 0.05 : FitnessFunction.defaultTVWeight }
    }

    /// The node limit in force: as given, else the family's.
    var nodes: Int { maxNodes ?? family.defaultMaxNodes }

    /// The wave settings in force (validated and built into the plan from these alone): as
    /// given, else the defaults.
    private var waveTerms: Int { waves ?? Self.defaultWaves }
    private var waveShareInForce: Double { waveShare ?? 1 }
    private var frequency: Float { waveFrequency ?? Self.defaultWaveFrequency }
    private var termOperators: TermOperators {
        TermOperators(crossover: termCrossover ?? TermOperators.measured.crossover,
                      mutation: termMutation ?? TermOperators.measured.mutation)
    }

    /// The texture of layered genomes: as given, else the measured default (8 ground waves, 2 per
    /// shape colour).
    var texture: LayerTexture {
        LayerTexture(groundWaves: groundWaves ?? LayerTexture.measured.groundWaves,
                     colourWaves: layerWaves ?? LayerTexture.measured.colourWaves, frequency: frequency)
    }

    /// The wave-genome options given, by name, that only the waves family reads.
    private var waveOnlyGiven: [String] {
        [("--waves", waves != nil), ("--wave-share", waveShare != nil), ("--wave-falloff", waveFalloff != nil),
         ("--wave-warp", waveWarp != nil)].filter(\.1).map(\.0)
    }

    /// The term-operator options given, by name (read by the waves and trees families).
    private var termGiven: [String] {
        [("--term-crossover", termCrossover != nil), ("--term-mutation", termMutation != nil)].filter(\.1).map(\.0)
    }

    /// The depth limit in force: as given, else 12 (16 for the layered and CPPN families).
    var depth: Int { maxDepth ?? (family == .layered || family == .cppn ? 16 : 12) }

    /// The layered family's seeding: texture fields only when textured; the shape kept (a child
    /// of a layered parent is layered; README, "Figures on a ground, textured").
    var layerSeeding: LayerSeeding {
        let texture = texture
        let textured = texture.groundWaves > 0 || texture.colourWaves > 0
        return LayerSeeding(share: 1, layers: layers, groundWaves: texture.groundWaves > 0 ? texture.groundWaves : nil,
                            colourWaves: texture.colourWaves > 0 ? texture.colourWaves : nil,
                            waveFrequency: textured ? texture.frequency : nil, keepsShape: true)
    }

    /// `--ground-waves` and `--layer-waves` in range, and given only for layered genomes
    /// (`evolve` and the other breeding commands, and `random`).
    static func validateTexture(groundWaves: Int, layerWaves: Int, layered: Bool) throws {
        guard (0...64).contains(groundWaves) else { throw ValidationError("--ground-waves must be 0…64, got \(groundWaves)") }
        guard (0...16).contains(layerWaves) else { throw ValidationError("--layer-waves must be 0…16, got \(layerWaves)") }
        if !layered, groundWaves > 0 || layerWaves > 0 {
            throw ValidationError("--ground-waves and --layer-waves texture layered genomes; add --family layered or leave them out")
        }
    }

    func validate() throws {
        guard (4...BreedingOptions.maxPopulation).contains(population) else {
            throw ValidationError("--population must be 4…\(BreedingOptions.maxPopulation) (each member and child keeps its render in memory, about 1 MB), got \(population)")
        }
        guard (0...1).contains(crossoverRate) else { throw ValidationError("--crossover-rate must be in [0, 1], got \(crossoverRate)") }
        if let jitterConstants, jitterConstants < 1 {
            throw ValidationError("--jitter-constants must be at least 1 (leave it out to jitter every constant), got \(jitterConstants)")
        }
        guard (3...2000).contains(nodes) else { throw ValidationError("--max-nodes must be 3…2000, got \(nodes)") }
        guard (2...64).contains(depth) else { throw ValidationError("--max-depth must be 2…64, got \(depth)") }
        if family != .waves, let first = waveOnlyGiven.first {
            throw ValidationError("\(first) shapes wave genomes, and the family is \(family.rawValue): add --family waves, or drop \(waveOnlyGiven.joined(separator: " "))")
        }
        if family == .layered || family == .cppn, let first = termGiven.first {
            throw ValidationError("\(first) breeds sums of terms, and \(family.rawValue) genomes breed by their own operators: add --family waves (or trees), or drop \(termGiven.joined(separator: " "))")
        }
        if family != .waves && family != .layered, waveFrequency != nil {
            throw ValidationError("--wave-frequency sets the waves of wave and layered genomes, and the family is \(family.rawValue): add --family waves or layered, or drop it")
        }
        let waves = waveTerms, waveShare = waveShareInForce, waveFrequency = frequency
        guard waves >= 0 else { throw ValidationError("--waves must be 0 or more, got \(waves)") }
        guard (0...1).contains(waveShare) else { throw ValidationError("--wave-share must be in [0, 1], got \(waveShare)") }
        guard waveFrequency > 0, waveFrequency.isFinite else {
            throw ValidationError("--wave-frequency must be positive, got \(waveFrequency)")
        }
        if let waveFalloff { guard waveFalloff >= 0, waveFalloff.isFinite else { throw ValidationError("--wave-falloff must be 0 or more, got \(waveFalloff)") } }
        if let waveWarp { guard waveWarp >= 0, waveWarp.isFinite else { throw ValidationError("--wave-warp must be 0 or more, got \(waveWarp)") } }
        if let termCrossover { guard (0...1).contains(termCrossover) else { throw ValidationError("--term-crossover must be in [0, 1], got \(termCrossover)") } }
        if let termMutation { guard (0...1).contains(termMutation) else { throw ValidationError("--term-mutation must be in [0, 1], got \(termMutation)") } }
        let limits = try Limits(maxDepth: depth, maxNodes: nodes)
        if family == .waves, waves > 0, waveShare > 0 {
            guard Genome.maxWaveTerms(within: limits, warped: (waveWarp ?? 0) > 0) >= 1 else {
                throw ValidationError("--max-nodes \(nodes) / --max-depth \(depth) cannot hold a wave genome; raise them (e.g. --max-nodes 400) or give --waves 0")
            }
        }
        if family == .cppn, nodes < Genome.cppnNodes || depth < Genome.cppnDepth {
            throw ValidationError("--max-nodes \(nodes) / --max-depth \(depth) cannot hold a CPPN genome (\(Genome.cppnNodes) nodes, depth \(Genome.cppnDepth)); raise them")
        }
        try Self.validateTexture(groundWaves: groundWaves ?? 0, layerWaves: layerWaves ?? 0, layered: family == .layered)
        if family == .layered {
            let texture = texture
            let fitting = Genome.maxLayers(within: limits, texture: texture)
            guard fitting >= 1 else {
                throw ValidationError("--max-nodes \(nodes) / --max-depth \(depth) cannot hold a layered genome with --ground-waves \(texture.groundWaves) and --layer-waves \(texture.colourWaves): one layer needs --max-depth \(max(texture.layerDepth, texture.groundDepth)) and --max-nodes \(texture.groundNodes + texture.layerNodes); raise them or use fewer waves")
            }
            guard (1...fitting).contains(layers) else {
                throw ValidationError("--layers must be 1…\(fitting) within --max-depth \(depth) and --max-nodes \(nodes) with --ground-waves \(texture.groundWaves) and --layer-waves \(texture.colourWaves), got \(layers)")
            }
        }
    }

    var config: EvolutionConfig {
        var c = EvolutionConfig()
        c.populationSize = population
        c.offspringPerGeneration = population
        c.crossoverRate = crossoverRate
        c.maxNodes = nodes
        c.maxDepth = depth
        c.jitteredConstants = jitterConstants
        if family == .layered {
            c.layers = layerSeeding
            return c
        }
        if family == .cppn {
            c.cppn = CPPNSeeding()
            return c
        }
        if family == .waves, waveTerms > 0, waveShareInForce > 0 {
            c.waves = WaveSeeding(share: waveShareInForce, terms: waveTerms, frequency: frequency,
                                  falloff: (waveFalloff ?? 0) > 0 ? waveFalloff : nil, warp: (waveWarp ?? 0) > 0 ? waveWarp : nil)
        }
        let terms = termOperators
        if terms.crossover > 0 || terms.mutation > 0 { c.termOperators = terms }
        return c
    }
}

/// Selection in a population: what only a (μ+λ) population reads (an atlas keeps one elite per
/// cell and draws parents by cell).
struct SelectionOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Contestants per parent tournament.") var tournament = 3
    @Option(parsing: .unconditional, help: "Selection penalty per node (against bloat).") var parsimony: Float = 0.0005
    @Option(parsing: .unconditional, help: "Generations without improvement before the population is reseeded around its elite.")
    var restartAfter = 30
    @Option(help: "Survivors: fitness (the fittest distinct pictures), pareto (NSGA-II fronts over confidence, naturalness and size, the fittest always kept) or clearing (the fittest pictures that do not look like a fitter one kept; near-copies only fill places left).")
    var select: SurvivorSelection = .fitness

    func validate() throws {
        guard tournament >= 1 else { throw ValidationError("--tournament must be at least 1, got \(tournament)") }
        guard parsimony >= 0, parsimony.isFinite else { throw ValidationError("--parsimony must be 0 or more, got \(parsimony)") }
        guard restartAfter >= 1 else { throw ValidationError("--restart-after must be at least 1, got \(restartAfter)") }
    }

    /// `config` with these selection knobs.
    func apply(to config: EvolutionConfig) -> EvolutionConfig {
        var c = config
        c.tournamentSize = tournament
        c.parsimony = parsimony
        c.restartAfter = restartAfter
        c.survivors = select == .fitness ? nil : select
        return c
    }
}

/// How a run searches: GP with constant polish (memetic), GP alone, or polish alone (every child
/// a fresh random genome, the best polished: restarts plus polish, no crossover or mutation).
enum SearchMode: String, ExpressibleByArgument, CaseIterable {
    case memetic, gp, polish

    /// Memetic: with textured layered genomes (the default family) over rock crab, goldfish and
    /// tabby cat at 10 minutes it gave the held-out Lite2 a majority of framings on 6 of 7 runs
    /// measured both ways against 5 for polish alone (89 against 74 of 112 framings; README,
    /// "Figures on a ground, textured"). With wave sums polish alone had led (Lite2 11.5 % against
    /// 4.9 %), because wave sums bred no better than fresh ones.
    static let `default` = SearchMode.memetic

    /// Whether this mode polishes (gp is the only one that does not).
    var polishes: Bool { self != .gp }

    /// The evolution config and polish schedule of this mode.
    func apply(_ evolution: EvolutionConfig, polish: PolishSchedule) -> (EvolutionConfig, PolishSchedule?) {
        var evolution = evolution
        switch self {
        case .memetic: return (evolution, polish)
        case .gp: return (evolution, nil)
        case .polish:
            evolution.immigrantRate = 1
            return (evolution, polish)
        }
    }
}

/// `--search`, for every kind of run.
struct SearchModeOption: ParsableArguments {
    @Option(name: .customLong("search"), help: "memetic (the default: crossover and mutation with constant polish, measured best on the held-out network), polish (every child a fresh random genome, the best polished: no breeding) or gp (crossover and mutation, never polished).")
    var given: SearchMode?

    /// The mode in force for a population: as given, else the default.
    var mode: SearchMode { given ?? .default }
}

extension FramingSettings.Renewal: ExpressibleByArgument {}

/// Constant polish during a run (every kind of run; `--search gp` has none, and then refuses
/// these options rather than ignore them).
struct RunPolishOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Generations (an atlas: batches) between constant polishes (default \(PolishSchedule.defaultEvery)).")
    var polishEvery: Int?
    @Option(parsing: .unconditional, help: "Gradient steps per constant polish (doubled for each polish interval without progress, up to 8×; default \(PolishDefaults.constantSteps)).")
    var polishSteps: Int?
    @Option(parsing: .unconditional, help: "Adam learning rate of the constant polish (halved for each polish interval without progress, down to 1/8; default \(PolishDefaults.constantLearningRate)).")
    var polishLr: Float?
    @Option(help: "Colour basis of the constant polish: rgb (the default), or decorrelated (steps along ImageNet's colour axes, brightness first).")
    var polishColour: PolishColour?
    @Option(parsing: .unconditional, help: "Spectral falloff ω₀ of the constant polish: a wave term of frequency |ω| > ω₀ changes colour ω₀/|ω| as fast (0, the default: off).")
    var polishFalloff: Float?
    @Option(help: "Framings each polish step ascends (framed runs): fresh (the default: new random ones every step, the best of start and end kept by the run's own) or run (the run's own).")
    var polishFramings: PolishFramings?

    enum PolishFramings: String, ExpressibleByArgument, CaseIterable { case run, fresh }

    enum PolishColour: String, ExpressibleByArgument, CaseIterable { case rgb, decorrelated }

    func validate() throws {
        if let polishFalloff, !(polishFalloff >= 0 && polishFalloff.isFinite) {
            throw ValidationError("--polish-falloff must be 0 (off) or positive, got \(polishFalloff)")
        }
        if let polishEvery, polishEvery < 1 { throw ValidationError("--polish-every must be at least 1, got \(polishEvery)") }
        if let polishSteps, polishSteps < 1 { throw ValidationError("--polish-steps must be at least 1, got \(polishSteps)") }
        if let polishLr, !(polishLr > 0 && polishLr.isFinite) { throw ValidationError("--polish-lr must be positive, got \(polishLr)") }

    }

    /// The options given, by name: a search that never polishes refuses them.
    var given: [String] {
        [("--polish-every", polishEvery != nil), ("--polish-steps", polishSteps != nil), ("--polish-lr", polishLr != nil),
         ("--polish-colour", polishColour != nil), ("--polish-falloff", polishFalloff != nil),
         ("--polish-framings", polishFramings != nil)].filter(\.1).map(\.0)
    }

    /// Refuses polish options under a search that never polishes.
    func validate(mode: SearchMode) throws {
        guard !mode.polishes, let first = given.first else { return }
        throw ValidationError("\(first) sets the constant polish, and --search gp never polishes: drop \(given.joined(separator: " ")), or use --search memetic (GP with polish)")
    }

    /// The polish schedule.
    var schedule: PolishSchedule {
        let basis = Preconditioning(decorrelatedColour: polishColour == .decorrelated,
                                    falloff: (polishFalloff ?? 0) > 0 ? polishFalloff : nil)
        return PolishSchedule(every: polishEvery ?? PolishSchedule.defaultEvery, steps: polishSteps ?? PolishDefaults.constantSteps,
                              learningRate: polishLr ?? PolishDefaults.constantLearningRate,
                              preconditioning: basis.isIdentity ? nil : basis,
                              freshFramings: (polishFramings ?? .fresh) == .fresh ? true : nil)
    }
}

/// How images are scored, for every kind of run: penalties, networks and random framings.
struct ScoringOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Weight λ of the total-variation penalty (default \(BreedingOptions.GenomeFamily.layered.defaultTV) for the layered family, whose shapes have edges; \(FitnessFunction.defaultTVWeight) for the others).")
    var tv: Float?
    @Option(parsing: .unconditional, help: "Naturalness gate: largest TV-denoise distance (Chambolle, weight 0.2) allowed, e.g. 0.05.")
    var gate: Float?
    @Option(name: .customLong("model"), help: "Classifier: lite0, lite1 or lite2; repeat for an ensemble (the objective is the networks' mean; default lite0).")
    var modelNames: [String] = []
    @Option(parsing: .unconditional, help: "Random framings per image and network (crops 70–100 %, ±10°, mirror) whose mean score is bred for (default \(FramingSettings.defaultCount); a population may give 0: the exact render only).")
    var framings: Int?
    @Option(help: "Input diversity of each framing beyond crop, turn and mirror: none, or mild (shrunk onto grey by up to 25 %, a keystone up to 0.15, blur up to σ 1 px, ±10 % colour, noise up to σ 0.03; each drawn from the run's seed).")
    var framingDiversity: DiversityLevel?

    enum DiversityLevel: String, ExpressibleByArgument, CaseIterable {
        case none, mild

        var ranges: FramingDiversity.Ranges { self == .mild ? .mild : .init() }
    }

    /// The framing settings of `count` framings renewed as `renewal`, with the diversity asked for.
    func framingSettings(count: Int, renewal: FramingSettings.Renewal) -> FramingSettings {
        var ranges = Framing.Ranges.standard
        ranges.diversity = (framingDiversity ?? .none).ranges
        return FramingSettings(count: count, renewal: renewal, ranges: ranges)
    }

    func validate() throws {
        if framingDiversity != nil, framings == 0 {
            throw ValidationError("--framing-diversity varies the framings, and --framings is 0: drop one")
        }
        if let tv, !(tv >= 0 && tv.isFinite) { throw ValidationError("--tv must be 0 or more, got \(tv)") }
        if let g = gate, !(g > 0 && g.isFinite) { throw ValidationError("--gate must be a positive number, got \(g)") }
        if let framings, !(0...64).contains(framings) { throw ValidationError("--framings must be 0…64, got \(framings)") }
        let models = try models()
        guard Set(models).count == models.count else { throw ValidationError("--model lists a network twice: \(modelNames)") }
    }

    /// The networks; lite0 when none is given.
    func models() throws -> [ModelVariant] { modelNames.isEmpty ? [RunSettings.defaultModel] : try givenModels() }

    /// The `--model` list as given (empty when none).
    func givenModels() throws -> [ModelVariant] { try ModelCache.variants(modelNames) }

    /// The total-variation weight in force for genomes of `family`: as given, else the family's.
    func tvWeight(for family: BreedingOptions.GenomeFamily) -> Float { tv ?? family.defaultTV }

    /// The fitness function for `objective` over genomes of `family`.
    func function(_ objective: Objective, family: BreedingOptions.GenomeFamily) -> FitnessFunction {
        FitnessFunction(objective: objective, tvWeight: tvWeight(for: family), gate: gate)
    }
}

/// Scoring that only a population has: fresh framings each generation, or fixed views instead
/// of framings (an atlas keeps one set of framings to compare elites across batches).
struct PopulationScoringOptions: ParsableArguments {
    @Option(help: "Framings: fixed (one set per run, drawn from its seed) or generation (fresh each generation, parents re-scored on them).")
    var framingRenewal: FramingSettings.Renewal?
    @Option(parsing: .unconditional, help: "Score the exact render and this many fixed views (shifted, slightly zoomed renders) instead of random framings: --views 4 means --framings 0 and 4 views.")
    var views: Int?

    func validate() throws {
        if let views, !(1...16).contains(views) { throw ValidationError("--views must be 1…16, got \(views)") }
    }

    /// How a population scores, from these options and the shared `scoring` ones.
    func scoring(_ scoring: ScoringOptions) throws -> (views: Int, framings: FramingSettings?) {
        if let views, views > 1 {
            if let framings = scoring.framings, framings > 0 {
                throw ValidationError("--views \(views) and --framings \(framings) are two ways to score several views of an image: give one of them")
            }
            if framingRenewal != nil { throw ValidationError("--framing-renewal is for random framings; --views scores fixed views: drop one") }
            if scoring.framingDiversity != nil {
                throw ValidationError("--framing-diversity is for random framings; --views scores fixed views: drop one")
            }
            return (views, nil)
        }
        let count = scoring.framings ?? FramingSettings.defaultCount
        if count == 0, framingRenewal != nil {
            throw ValidationError("--framing-renewal needs framings, and --framings is 0: drop one")
        }
        return (1, count > 0 ? scoring.framingSettings(count: count, renewal: framingRenewal ?? .fixed) : nil)
    }
}

/// The polish option only a population has (an atlas's cells are its diverse elites).
struct PopulationPolishOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Diverse elites the constant polish takes turns on (1, the default: the best only; k: the best, then the fitter half's members that look most unlike those taken, one per polish).")
    var polishBasins: Int?

    func validate() throws {
        if let polishBasins, !(1...16).contains(polishBasins) {
            throw ValidationError("--polish-basins must be 1…16, got \(polishBasins)")
        }
    }

    /// `schedule` with these options applied (nil: a search that never polishes, which refuses them).
    func apply(to schedule: PolishSchedule?) throws -> PolishSchedule? {
        guard let polishBasins else { return schedule }
        guard var schedule else {
            throw ValidationError("--polish-basins sets the constant polish, and --search gp never polishes: drop it, or use --search memetic (GP with polish)")
        }
        schedule.basins = polishBasins > 1 ? polishBasins : nil
        return schedule
    }
}

/// Everything that makes a population's plan (`evolve`, `morph`, `opposite`, `bench evolve`):
/// one group, so one spelling per setting.
struct PopulationPlanOptions: ParsableArguments {
    @OptionGroup(title: "Scoring") var scoring: ScoringOptions
    @OptionGroup(title: "Scoring") var population: PopulationScoringOptions
    @OptionGroup(title: "Breeding") var breeding: BreedingOptions
    @OptionGroup(title: "Breeding") var selection: SelectionOptions
    @OptionGroup(title: "Polish") var polish: RunPolishOptions
    @OptionGroup(title: "Polish") var populationPolish: PopulationPolishOptions
    @OptionGroup var threads: ThreadsOption

    func validate() throws { _ = try population.scoring(scoring) }

    /// The settings of a population toward `objective` on `networks` searched by `mode`.
    func settings(_ objective: Objective, networks: [ModelVariant], mode: SearchMode, stop: StopCondition,
                  morph: MorphSchedule? = nil, seededFrom: String = "random") throws -> RunSettings {
        try polish.validate(mode: mode)
        let (views, framings) = try population.scoring(scoring)
        let (evolution, polished) = mode.apply(selection.apply(to: breeding.config), polish: polish.schedule)
        let schedule = try populationPolish.apply(to: polished)
        return RunSettings(evolution: evolution, fitness: scoring.function(objective, family: breeding.family), models: networks, views: views,
                           framings: framings, polish: schedule, stop: stop, seededFrom: seededFrom, morph: morph,
                           threads: threads.count)
    }
}

/// The plan options with `--search`, for the commands that breed toward objectives of their own
/// making (`morph`, `opposite`).
struct BreedOptions: ParsableArguments {
    @OptionGroup var plan: PopulationPlanOptions
    @OptionGroup(title: "Breeding") var mode: SearchModeOption

    func validate() throws { try plan.polish.validate(mode: mode.mode) }

    /// The `--model` list as given (empty when none).
    func givenModels() throws -> [ModelVariant] { try plan.scoring.givenModels() }

    /// The settings of a run from random genomes toward `objective` on `networks`.
    func settings(_ objective: Objective, networks: [ModelVariant], stop: StopCondition, morph: MorphSchedule? = nil,
                  seededFrom: String = "random") throws -> RunSettings {
        try plan.settings(objective, networks: networks, mode: mode.mode, stop: stop, morph: morph, seededFrom: seededFrom)
    }
}

extension SurvivorSelection: ExpressibleByArgument {}
