import Evolution
import Genome
import Imaging
import Render

/// A cheap, deterministic stand-in for the classifier: renders at 16×16 and rewards images
/// whose red channel follows a target pattern. Good enough to test the engine's mechanics.
struct SyntheticEvaluator: Evaluator {
    var calls = 0
    var scored = 0

    mutating func evaluate(_ genomes: [Genome], known: [UInt64: Evaluation],
                           survivalFloor: Float) throws -> [Evaluation] {
        calls += 1
        return try genomes.map { genome in
            let image = try Renderer.render(genome, width: 16, height: 16, supersample: 1, threads: 1)
            let phenotype = Self.hash(image)
            if let seen = known[phenotype] { return seen }
            scored += 1
            var error: Float = 0
            for y in 0..<16 {
                for x in 0..<16 {
                    let want: Float = (x / 4 + y / 4) % 2 == 0 ? 0.9 : 0.1
                    error += abs(image[0, x, y] - want)
                }
            }
            let fitness = -error / 256
            return Evaluation(fitness: fitness, confidence: 1 + fitness, naturalness: 0, phenotype: phenotype)
        }
    }

    static func hash(_ image: Image) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in image.pixels {
            h = (h ^ UInt64(UInt8((min(max(v, 0), 1) * 255).rounded()))) &* 0x100_0000_01b3
        }
        return h
    }
}
