import Evolution
import Genome
import Imaging
import Render
import Scoring

/// Scores genomes for every cell of an atlas at once: one render each, one classification over
/// the atlas's fixed framings and networks, then each cell's quality is its class's mean
/// log-probability minus the penalties (which every cell shares).
public struct AtlasEvaluator {
    public let scorer: Scorer
    public let framed: FramedScoring
    public let fitness: FitnessFunction
    public let classes: [Int]

    public init(settings: AtlasSettings, seed: UInt64, models: ModelCache) throws {
        scorer = try models.scorer(settings.models)
        fitness = settings.fitness
        classes = settings.classes
        let size = FramedScoring.sourceSize(for: scorer, smallestCrop: settings.framings.ranges.scale.lowerBound,
                                            detail: settings.framings.detail)
        framed = FramedScoring(scorer: scorer, framings: RunEvaluator.framings(settings.framings, seed: seed, generation: 0),
                               sourceSize: size)
    }

    /// The source render a genome is scored from.
    public func image(of genome: Genome) throws -> Image {
        try Renderer.render(genome, width: framed.sourceSize, height: framed.sourceSize, supersample: 1, threads: 2)
    }

    /// Each genome's score for each cell (`scores[i][j]`: genome i, cell `classes[j]`).
    public func score(_ genomes: [Genome]) throws -> [[CellScore]] {
        let images = try genomes.map(image)
        let classScores = try framed.classScores(images)
        let fitness = self.fitness
        let penalties = concurrentMap(images.count) { i in
            fitness.score(objectiveValue: 0, confidence: 0, image: images[i])
        }
        return zip(classScores, penalties).map { scores, penalty in
            classes.map { c in
                let quality = scores.logProbabilities[c] + penalty.fitness
                return CellScore(quality: quality.isFinite ? quality : -1e9, confidence: scores.probabilities[c],
                                 naturalness: penalty.naturalness)
            }
        }
    }
}
