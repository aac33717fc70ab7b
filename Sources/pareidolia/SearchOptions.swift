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
    @Option(parsing: .unconditional, help: "Largest genome, in nodes.") var maxNodes = 400
    @Option(parsing: .unconditional, help: "Largest genome depth (default 12; 16 with --family layered or cppn).")
    var maxDepth: Int?
    @Option(help: "Genome family of random genomes (initial population, immigrants, restarts): waves (sums of coloured plane waves), layered (soft shapes composited on a ground, bred by layer crossover and layer mutations), cppn (a small network of sin/gauss/tanh/abs units over x, y, r feeding a two-colour palette, bred by unit crossover and unit mutations) or trees (ramped half-and-half expression trees).")
    var family: GenomeFamily = .waves
    @Option(parsing: .unconditional, help: "Layered family: shapes per random genome.") var layers = LayerSeeding().layers
    @Option(parsing: .unconditional, help: "Layered family: plane waves (of --wave-frequency) added to the ground, a pattern polish can tune (0: a flat ground).")
    var groundWaves = 0
    @Option(parsing: .unconditional, help: "Layered family: plane waves (of --wave-frequency) added to each shape's colour (0: flat colours).")
    var layerWaves = 0
    @Option(parsing: .unconditional, help: "Sine terms in each random wave genome, Σ colour·sin(u·x + v·y + φ) (0: random trees only).")
    var waves = 24
    @Option(parsing: .unconditional, help: "Share of random genomes (initial population, immigrants, restarts) that are wave genomes.")
    var waveShare = 1.0
    @Option(parsing: .unconditional, help: "Standard deviation of the wave frequencies (radians per unit; the image spans 2 units).")
    var waveFrequency: Float = 8
    @Option(parsing: .unconditional, help: "Wave colour amplitudes fall off as 1/|ω| above this frequency (radians per unit; a natural 1/f spectrum); 0: flat.")
    var waveFalloff: Float = 0
    @Option(parsing: .unconditional, help: "Warped wave terms: each term's phase is shifted by β·sin(u'x + v'y), β ~ N(0, σ²) (curved fronts, a two-layer CPPN); 0: plane waves.")
    var waveWarp: Float = 0
    @Option(parsing: .unconditional, help: "Share of crossovers that swap whole terms between two sums (uniform term crossover) instead of subtrees.")
    var termCrossover = TermOperators.measured.crossover
    @Option(parsing: .unconditional, help: "Share of mutations that replace one term of a sum with a fresh wave term.")
    var termMutation = TermOperators.measured.mutation

    /// Largest population: μ + λ renders of up to ~1 MB each stay within a few GB.
    static let maxPopulation = 1024

    /// The genome families random genomes are drawn from.
    enum GenomeFamily: String, ExpressibleByArgument, CaseIterable { case waves, layered, cppn, trees }

    /// The depth limit in force: as given, else 12 (16 for the layered and CPPN families).
    var depth: Int { maxDepth ?? (family == .layered || family == .cppn ? 16 : 12) }

    /// The layered family's seeding: texture fields only when textured; the shape kept (a child
    /// of a layered parent is layered; README, "Figures on a ground, textured").
    var layerSeeding: LayerSeeding {
        LayerSeeding(share: 1, layers: layers, groundWaves: groundWaves > 0 ? groundWaves : nil,
                     colourWaves: layerWaves > 0 ? layerWaves : nil,
                     waveFrequency: groundWaves > 0 || layerWaves > 0 ? waveFrequency : nil, keepsShape: true)
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
        guard (3...2000).contains(maxNodes) else { throw ValidationError("--max-nodes must be 3…2000, got \(maxNodes)") }
        guard (2...64).contains(depth) else { throw ValidationError("--max-depth must be 2…64, got \(depth)") }
        guard waves >= 0 else { throw ValidationError("--waves must be 0 or more, got \(waves)") }
        guard (0...1).contains(waveShare) else { throw ValidationError("--wave-share must be in [0, 1], got \(waveShare)") }
        guard waveFrequency > 0, waveFrequency.isFinite else {
            throw ValidationError("--wave-frequency must be positive, got \(waveFrequency)")
        }
        guard waveFalloff >= 0, waveFalloff.isFinite else { throw ValidationError("--wave-falloff must be 0 or more, got \(waveFalloff)") }
        guard waveWarp >= 0, waveWarp.isFinite else { throw ValidationError("--wave-warp must be 0 or more, got \(waveWarp)") }
        guard (0...1).contains(termCrossover) else { throw ValidationError("--term-crossover must be in [0, 1], got \(termCrossover)") }
        guard (0...1).contains(termMutation) else { throw ValidationError("--term-mutation must be in [0, 1], got \(termMutation)") }
        let limits = try Limits(maxDepth: depth, maxNodes: maxNodes)
        if family == .waves, waves > 0, waveShare > 0 {
            guard Genome.maxWaveTerms(within: limits, warped: waveWarp > 0) >= 1 else {
                throw ValidationError("--max-nodes \(maxNodes) / --max-depth \(depth) cannot hold a wave genome; raise them (e.g. --max-nodes 400) or give --waves 0")
            }
        }
        if family == .cppn, maxNodes < Genome.cppnNodes || depth < Genome.cppnDepth {
            throw ValidationError("--max-nodes \(maxNodes) / --max-depth \(depth) cannot hold a CPPN genome (\(Genome.cppnNodes) nodes, depth \(Genome.cppnDepth)); raise them")
        }
        try Self.validateTexture(groundWaves: groundWaves, layerWaves: layerWaves, layered: family == .layered)
        if family == .layered {
            let texture = layerSeeding.texture
            let fitting = Genome.maxLayers(within: limits, texture: texture)
            guard fitting >= 1 else {
                throw ValidationError("--max-nodes \(maxNodes) / --max-depth \(depth) cannot hold a layered genome with --ground-waves \(groundWaves) and --layer-waves \(layerWaves): one layer needs --max-depth \(max(texture.layerDepth, texture.groundDepth)) and --max-nodes \(texture.groundNodes + texture.layerNodes); raise them or use fewer waves")
            }
            guard (1...fitting).contains(layers) else {
                throw ValidationError("--layers must be 1…\(fitting) within --max-depth \(depth) and --max-nodes \(maxNodes) with --ground-waves \(groundWaves) and --layer-waves \(layerWaves), got \(layers)")
            }
        }
    }

    var config: EvolutionConfig {
        var c = EvolutionConfig()
        c.populationSize = population
        c.offspringPerGeneration = population
        c.crossoverRate = crossoverRate
        c.maxNodes = maxNodes
        c.maxDepth = depth
        if family == .layered {
            c.layers = layerSeeding
            return c
        }
        if family == .cppn {
            c.cppn = CPPNSeeding()
            return c
        }
        if family == .waves, waves > 0, waveShare > 0 {
            c.waves = WaveSeeding(share: waveShare, terms: waves, frequency: waveFrequency,
                                  falloff: waveFalloff > 0 ? waveFalloff : nil, warp: waveWarp > 0 ? waveWarp : nil)
        }
        if termCrossover > 0 || termMutation > 0 {
            c.termOperators = TermOperators(crossover: termCrossover, mutation: termMutation)
        }
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
        return c
    }
}

/// How a run searches: GP with constant polish (memetic), GP alone, or polish alone (every child
/// a fresh random genome, the best polished: restarts plus polish, no crossover or mutation).
enum SearchMode: String, ExpressibleByArgument, CaseIterable {
    case memetic, gp, polish

    /// Polish alone: over 3 seeds of rock crab, goldfish and tabby cat at 10 minutes it gave the
    /// held-out Lite2 11.5 % on average against 4.9 % for memetic (robust 93.4 % against 91.9 %;
    /// README, "Evolution against polish alone").
    static let `default` = SearchMode.polish

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
    @Option(name: .customLong("search"), help: "polish (every child a fresh random genome, the best polished; the default for a population, measured best on the held-out network), memetic (GP with constant polish; the default for an atlas) or gp (crossover and mutation, never polished).")
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
    @Option(parsing: .unconditional, help: "Weight λ of the total-variation penalty.") var tv: Float = FitnessFunction.defaultTVWeight
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
        guard tv >= 0, tv.isFinite else { throw ValidationError("--tv must be 0 or more, got \(tv)") }
        if let g = gate, !(g > 0 && g.isFinite) { throw ValidationError("--gate must be a positive number, got \(g)") }
        if let framings, !(0...64).contains(framings) { throw ValidationError("--framings must be 0…64, got \(framings)") }
        let models = try models()
        guard Set(models).count == models.count else { throw ValidationError("--model lists a network twice: \(modelNames)") }
    }

    /// The networks; lite0 when none is given.
    func models() throws -> [ModelVariant] { modelNames.isEmpty ? [RunSettings.defaultModel] : try givenModels() }

    /// The `--model` list as given (empty when none).
    func givenModels() throws -> [ModelVariant] { try ModelCache.variants(modelNames) }

    /// The fitness function for `objective`.
    func function(_ objective: Objective) -> FitnessFunction {
        FitnessFunction(objective: objective, tvWeight: tv, gate: gate)
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

/// Everything that makes a population's plan (`evolve`, `morph`, `opposite`, `bench evolve`):
/// one group, so one spelling per setting.
struct PopulationPlanOptions: ParsableArguments {
    @OptionGroup(title: "Scoring") var scoring: ScoringOptions
    @OptionGroup(title: "Scoring") var population: PopulationScoringOptions
    @OptionGroup(title: "Breeding") var breeding: BreedingOptions
    @OptionGroup(title: "Breeding") var selection: SelectionOptions
    @OptionGroup(title: "Polish") var polish: RunPolishOptions
    @OptionGroup var threads: ThreadsOption

    func validate() throws { _ = try population.scoring(scoring) }

    /// The settings of a population toward `objective` on `networks` searched by `mode`.
    func settings(_ objective: Objective, networks: [ModelVariant], mode: SearchMode, stop: StopCondition,
                  morph: MorphSchedule? = nil, seededFrom: String = "random") throws -> RunSettings {
        try polish.validate(mode: mode)
        let (views, framings) = try population.scoring(scoring)
        let (evolution, schedule) = mode.apply(selection.apply(to: breeding.config), polish: polish.schedule)
        return RunSettings(evolution: evolution, fitness: scoring.function(objective), models: networks, views: views,
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
