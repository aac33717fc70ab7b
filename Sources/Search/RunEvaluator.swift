import Evolution
import Genome
import Imaging
import Render
import Scoring

/// Scores genomes for evolution: render at the network's resolution, skip images already
/// scored, classify the rest in batches, apply the fitness function. Deterministic.
public struct RunEvaluator: Evaluator {
    public let scorer: Scorer
    public let fitness: FitnessFunction
    /// Views scored per image (robustness, see `ScoringView`): view 0 is the plain render.
    /// The objective and confidence are averaged over views; penalties use view 0.
    public let views: Int

    public var resolution: Int { scorer.resolution(of: 0) }

    public init(scorer: Scorer, fitness: FitnessFunction, views: Int = 1) {
        self.scorer = scorer
        self.fitness = fitness
        self.views = max(views, 1)
    }

    /// The evaluator a run's settings describe.
    public init(settings: RunSettings, models: ModelCache) throws {
        self.init(scorer: try models.scorer([settings.model]), fitness: settings.fitness, views: settings.views)
    }

    /// The image a genome shows the classifier.
    public func image(of genome: Genome) throws -> Image {
        try Renderer.render(genome, width: resolution, height: resolution, supersample: 1, threads: 2)
    }

    /// View `v` ≥ 1 of a genome (see `ScoringView`).
    func view(_ v: Int, of genome: Genome) throws -> Image {
        try ScoringView(index: v, resolution: resolution).render(genome)
    }

    public mutating func evaluate(_ genomes: [Genome], known: [UInt64: Evaluation],
                                  survivalFloor: Float) throws -> [Evaluation] {
        let images = try genomes.map(image(of:))
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
        let extraViews = try (1..<views).map { v in try toScore.map { try view(v, of: genomes[$0]) } }
        let scores = try score(toScore.map { images[$0] }, extraViews: extraViews, skipGateBelow: survivalFloor)
        return zip(sources, phenotypes).map { source, p in
            switch source {
            case .known(let e): return e
            case .scored(let slot):
                let s = scores[slot]
                return Evaluation(fitness: s.fitness, confidence: s.confidence, naturalness: s.naturalness, phenotype: p)
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
        let fitness = self.fitness
        // The penalties (Chambolle above all) are per-image work: spread them over both cores.
        return concurrentMap(n) { i in
            var value: Float = 0, confidence: Float = 0
            for k in stride(from: i, to: all.count, by: n) {
                value += parts[k].value
                confidence += parts[k].confidence
            }
            return fitness.score(objectiveValue: value / viewCount, confidence: confidence / viewCount,
                                 image: images[i], skipGateBelow: skipGateBelow)
        }
    }
}
