import Dispatch
import Evolution
import Genome
import Imaging
import Net
import Render
import Scoring

/// Scores genomes for evolution: render at the network's resolution, skip images already
/// scored, classify the rest in batches, apply the fitness function. Deterministic.
struct GenomeEvaluator: Evaluator {
    let session: InferenceSession
    let fitness: FitnessFunction
    /// Views scored per image (robustness, see `ScoringView`): view 0 is the plain render.
    /// The objective and confidence are averaged over views; penalties use view 0.
    var views = 1
    /// Images per classifier call.
    let batchSize = 32

    var resolution: Int { session.model.resolution }

    init(session: InferenceSession, fitness: FitnessFunction, views: Int = 1) {
        self.session = session
        self.fitness = fitness
        self.views = views
    }

    /// The evaluator a run's settings describe, on `net`.
    init(net: EfficientNetLite, settings: EvolveSettings) throws {
        self.init(session: try InferenceSession(model: net), fitness: settings.fitness, views: settings.views)
    }

    /// The image a genome shows the classifier.
    func image(of genome: Genome) throws -> Image {
        try Renderer.render(genome, width: resolution, height: resolution, supersample: 1, threads: 2)
    }

    /// View `v` ≥ 1 of a genome (see `ScoringView`).
    func view(_ v: Int, of genome: Genome) throws -> Image {
        try ScoringView(index: v, resolution: resolution).render(genome)
    }

    mutating func evaluate(_ genomes: [Genome], known: [UInt64: Evaluation],
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
        let extraViews = try (1..<max(views, 1)).map { v in try toScore.map { try view(v, of: genomes[$0]) } }
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

    /// Classifies and scores `images` (any count), `batchSize` at a time; `extraViews[k][i]` is
    /// the (k+1)-th extra view of image i, averaged into its objective and confidence.
    func score(_ images: [Image], extraViews: [[Image]] = [],
               skipGateBelow: Float = -.infinity) throws -> [ImageScore] {
        let all = images + extraViews.flatMap { $0 }
        let n = images.count, viewCount = Float(1 + extraViews.count)
        let parts = try objectives(all)
        let fitness = self.fitness
        let scores = ScoreBuffer(count: n)
        // The penalties (Chambolle above all) are per-image work: spread them over both cores.
        DispatchQueue.concurrentPerform(iterations: n) { i in
            var value: Float = 0, confidence: Float = 0
            for k in stride(from: i, to: all.count, by: n) {
                value += parts[k].0
                confidence += parts[k].1
            }
            scores.set(i, fitness.score(objectiveValue: value / viewCount, confidence: confidence / viewCount,
                                        image: images[i], skipGateBelow: skipGateBelow))
        }
        return scores.values
    }

    /// Objective value and confidence of each image, classified `batchSize` at a time.
    func objectives(_ images: [Image]) throws -> [(Float, Float)] {
        let r = resolution, classes = session.model.classCount
        var result: [(Float, Float)] = []
        result.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let chunk = images[start..<min(start + batchSize, images.count)]
            var input = [Float](repeating: 0, count: chunk.count * 3 * r * r)
            input.withUnsafeMutableBufferPointer { buffer in
                for (i, image) in chunk.enumerated() { Preprocess.write(image, into: buffer, index: i) }
            }
            let logits = try session.logits(input, batch: chunk.count)
            for i in 0..<chunk.count {
                let lp = Probabilities.logSoftmax(logits[(i * classes)..<((i + 1) * classes)])
                result.append(lp.withUnsafeBufferPointer { fitness.objectiveAndConfidence(logProbabilities: $0) })
            }
            start += chunk.count
        }
        return result
    }
}

/// Per-index results written from concurrent workers, each index by exactly one worker.
private final class ScoreBuffer: @unchecked Sendable {
    private var storage: [ImageScore]
    init(count: Int) {
        storage = Array(repeating: ImageScore(fitness: 0, confidence: 0, naturalness: 0), count: count)
    }
    func set(_ i: Int, _ value: ImageScore) { storage.withUnsafeMutableBufferPointer { $0[i] = value } }
    var values: [ImageScore] { storage }
}

/// Identity of a rendered image: equal 8-bit images have equal phenotypes.
enum Phenotype {
    /// FNV-1a over the image's 8-bit samples and size.
    static func hash(_ image: Image) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        h = (h ^ UInt64(image.width)) &* 0x100_0000_01b3
        h = (h ^ UInt64(image.height)) &* 0x100_0000_01b3
        image.pixels.withUnsafeBufferPointer { p in
            for v in p { h = (h ^ UInt64(Image.byte(v))) &* 0x100_0000_01b3 }
        }
        return h
    }
}
