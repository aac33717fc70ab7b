import Evolution
import Genome
import Imaging
import Render
import Scoring

/// Scores genomes for every kind of run: render, skip images already scored, classify the rest in
/// batches (over random framings and every network of the run, when it has them), apply the
/// fitness function; for an atlas, every cell's score from one classification
/// (`cellScores`). Deterministic: framings come from the run's seed and the generation.
public struct RunEvaluator: Evaluator {
    public let scorer: Scorer
    /// The fitness in force (a morph changes its objective at each frame).
    public private(set) var fitness: FitnessFunction
    /// A morph's schedule of objectives (nil: the fitness objective throughout).
    public let morph: MorphSchedule?
    /// Views scored per image in runs without framings (`ScoringView`; view 0 is the plain
    /// render). The objective and confidence are averaged over views; penalties use view 0.
    public let views: Int
    /// Random framings, if the run scores over them.
    public let framing: FramingSettings?
    /// The run's seed, from which each generation's framings are drawn.
    public let seed: UInt64
    /// The framed scoring of the current generation (nil without framings).
    public private(set) var framed: FramedScoring?

    /// Side of what `image(of:)` renders: the framings' source, else the network input.
    public let renderSize: Int
    /// Asked before each genome is rendered; yes ends the evaluation with
    /// `SearchError.interrupted` (building a large population takes a while).
    public var shouldStop: (@Sendable () -> Bool)?

    public init(scorer: Scorer, fitness: FitnessFunction, views: Int = 1, framing: FramingSettings? = nil,
                seed: UInt64 = 0, morph: MorphSchedule? = nil, generation: Int = 0) {
        self.scorer = scorer
        self.morph = morph
        var fitness = fitness
        if let morph { fitness.objective = morph.objective(generation: generation) }
        self.fitness = fitness
        self.views = max(views, 1)
        self.framing = framing
        self.seed = seed
        if let framing {
            renderSize = FramedScoring.sourceSize(for: scorer, smallestCrop: framing.ranges.scale.lowerBound,
                                                  detail: framing.detail)
            framed = FramedScoring(scorer: scorer, framings: Self.framings(framing, seed: seed, generation: 0),
                                   sourceSize: renderSize)
        } else {
            renderSize = scorer.resolution(of: 0)
        }
    }

    /// The evaluator a run's settings describe, as it stands after `generation` (a morph's
    /// objective depends on it).
    public init(settings: RunSettings, seed: UInt64, models: ModelCache, generation: Int = 0) throws {
        self.init(scorer: try models.scorer(settings.models, threads: settings.threads), fitness: settings.fitness, views: settings.views,
                  framing: settings.framings, seed: seed, morph: settings.morph, generation: generation)
    }

    /// The evaluator of an atlas: its fixed framings and networks, and the penalties every cell
    /// shares (the fitness's objective names the first cell and is not read).
    public init(atlas settings: AtlasSettings, seed: UInt64, models: ModelCache) throws {
        self.init(scorer: try models.scorer(settings.models, threads: settings.threads), fitness: settings.fitness,
                  framing: settings.framings, seed: seed)
    }

    /// Each genome's score for each of `cells` (`scores[i][j]`: genome i, cell `cells[j]`): one
    /// render and one classification over the framings and networks per genome, then each
    /// cell's quality is its class's mean log-probability minus the penalties.
    public func cellScores(_ genomes: [Genome], cells: [Int]) throws -> [[CellScore]] {
        guard let framed else { preconditionFailure("an atlas scores over framings") }
        let images = try genomes.map(image)
        let classScores = try framed.classScores(images)
        let penalties = penalised(images, values: [Float](repeating: 0, count: images.count),
                                  confidences: [Float](repeating: 0, count: images.count), skipGateBelow: -.infinity)
        return zip(classScores, penalties).map { scores, penalty in
            cells.map { c in
                let quality = scores.logProbabilities[c] + penalty.fitness
                return CellScore(quality: quality.isFinite ? quality : -1e9, confidence: scores.probabilities[c],
                                 naturalness: penalty.naturalness)
            }
        }
    }

    /// The framings of `generation` (all generations share generation 0's when fixed).
    static func framings(_ settings: FramingSettings, seed: UInt64, generation: Int) -> [Framing] {
        let round = settings.renewal == .fixed ? 0 : generation
        var rng = SeededGenerator(seed: SeedStream.framings.seed(seed, item: round + 1))
        return (0..<settings.count).map { _ in Framing.random(settings.ranges, using: &rng) }
    }

    /// Renews the framings (when they renew each generation) and moves a morph to the frame of
    /// `generation`; either means the parents must be scored again.
    public mutating func beginGeneration(_ generation: Int) throws -> Bool {
        var changed = false
        if let morph, morph.frame(generation: generation) != morph.frame(generation: generation - 1) {
            fitness.objective = morph.objective(generation: generation)
            changed = true
        }
        guard let framing, framing.renewal == .generation else { return changed }
        framed = FramedScoring(scorer: scorer, framings: Self.framings(framing, seed: seed, generation: generation),
                               sourceSize: renderSize)
        return true
    }

    /// The image a genome is scored from: the framings' source render, else the network input.
    public func image(of genome: Genome) throws -> Image {
        try Renderer.render(genome, width: renderSize, height: renderSize, supersample: 1, threads: scorer.threads)
    }

    /// How `image` looks at a glance (`Evaluation.look`): its 8² area average.
    public static func look(of image: Image) -> [Float] {
        image.resized(width: Evaluation.lookSide, height: Evaluation.lookSide).pixels
    }

    /// View `v` ≥ 1 of a genome (see `ScoringView`).
    func view(_ v: Int, of genome: Genome) throws -> Image {
        try ScoringView(index: v, resolution: scorer.resolution(of: 0)).render(genome, threads: scorer.threads)
    }

    public mutating func evaluate(_ genomes: [Genome], known: [UInt64: Evaluation],
                                  survivalFloor: Float) throws -> [Evaluation] {
        let images = try genomes.map { genome in
            if shouldStop?() == true { throw SearchError.interrupted }
            return try image(of: genome)
        }
        let phenotypes = images.map(Phenotype.hash)
        // Each genome's evaluation is either already known or the score of the first genome in
        // this batch with the same phenotype; only those first occurrences are classified.
        enum Source { case known(Evaluation), scored(slot: Int) }
        var slotOfPhenotype: [UInt64: Int] = [:]
        var toScore: [Int] = []
        let sources: [Source] = phenotypes.enumerated().map { i, p in
            if let e = known[p] { return .known(e) }
            if let slot = slotOfPhenotype[p] { return .scored(slot: slot) }
            slotOfPhenotype[p] = toScore.count
            toScore.append(i)
            return .scored(slot: toScore.count - 1)
        }
        let scores: [ImageScore]
        if let framed {
            scores = try score(framed: framed, toScore.map { images[$0] }, skipGateBelow: survivalFloor)
        } else {
            let extraViews = try (1..<views).map { v in try toScore.map { try view(v, of: genomes[$0]) } }
            scores = try score(toScore.map { images[$0] }, extraViews: extraViews, skipGateBelow: survivalFloor)
        }
        return zip(sources, phenotypes).map { source, p in
            switch source {
            case .known(let e): return e
            case .scored(let slot):
                let s = scores[slot]
                return Evaluation(fitness: s.fitness, confidence: s.confidence, naturalness: s.naturalness, phenotype: p,
                                  look: Self.look(of: images[toScore[slot]]))
            }
        }
    }

    /// Classifies and scores `images` (any count), `Scorer.batchSize` at a time; `extraViews[k][i]`
    /// is the (k+1)-th extra view of image i, averaged into its objective and confidence.
    public func score(_ images: [Image], extraViews: [[Image]] = [],
                      skipGateBelow: Float = -.infinity) throws -> [ImageScore] {
        let all = images + extraViews.flatMap { $0 }
        let n = images.count, viewCount = Float(1 + extraViews.count)
        let parts = try scorer.evaluate(all, objective: fitness.objective)
        var values = [Float](repeating: 0, count: n), confidences = values
        for i in 0..<n {
            for k in stride(from: i, to: all.count, by: n) {
                values[i] += parts[k].value
                confidences[i] += parts[k].confidence
            }
            values[i] /= viewCount
            confidences[i] /= viewCount
        }
        return penalised(images, values: values, confidences: confidences, skipGateBelow: skipGateBelow)
    }

    /// Scores source renders over the current framings and networks.
    func score(framed: FramedScoring, _ sources: [Image], skipGateBelow: Float) throws -> [ImageScore] {
        let parts = try framed.evaluate(sources, objective: fitness.objective)
        return penalised(sources, values: parts.map(\.value), confidences: parts.map(\.confidence),
                         skipGateBelow: skipGateBelow)
    }

    /// The fitness of each image from its objective value and confidence: the penalties
    /// (Chambolle above all) are per-image work, spread over both cores.
    func penalised(_ images: [Image], values: [Float], confidences: [Float], skipGateBelow: Float) -> [ImageScore] {
        let fitness = self.fitness
        return concurrentMap(images.count) { i in
            fitness.score(objectiveValue: values[i], confidence: confidences[i], image: images[i],
                          skipGateBelow: skipGateBelow)
        }
    }
}
