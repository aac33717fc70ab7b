import Genome

/// Render throughput in pixel·nodes per second (pixels rendered × node evaluations per pixel
/// ÷ seconds). A node evaluation is `Genome.evaluationCost`: each node once, nodes inside a
/// `blur` body 9 times, inside a `graddir` body 4 times; without those it is the node count.
public struct RenderThroughput: Sendable, Hashable {
    /// Total pixels × node evaluations rendered.
    public let pixelNodes: Double
    /// Wall-clock seconds.
    public let seconds: Double
    /// Number of renders timed.
    public let renders: Int

    /// pixel·nodes per second.
    public var pixelNodesPerSecond: Double { seconds > 0 ? pixelNodes / seconds : 0 }
    /// Mean seconds per render.
    public var secondsPerRender: Double { renders > 0 ? seconds / Double(renders) : 0 }
}

/// Timing of the compiled renderer and of the reference evaluator on a set of genomes, for
/// `pareidolia bench render`.
public enum RenderBenchmark {
    /// Compiles and renders every genome `repeats` times at `width`×`height` on `threads`
    /// threads (after one untimed warm-up pass); compilation is included in the time.
    public static func run(genomes: [Genome], width: Int, height: Int, threads: Int,
                           repeats: Int) throws -> RenderThroughput {
        for g in genomes { _ = try Renderer.render(g, width: width, height: height, threads: threads) }
        let clock = ContinuousClock()
        var pixelNodes = 0.0
        let start = clock.now
        for _ in 0..<Swift.max(1, repeats) {
            for g in genomes {
                _ = try Renderer.render(g, width: width, height: height, threads: threads)
                pixelNodes += Double(width * height * g.evaluationCost)
            }
        }
        return RenderThroughput(pixelNodes: pixelNodes, seconds: seconds(clock.now - start),
                                renders: Swift.max(1, repeats) * genomes.count)
    }

    /// Renders every genome `repeats` times with `ReferenceEvaluator` (single-threaded).
    /// With `rows`, only the first `rows` rows of each image are evaluated (the reference's
    /// cost per pixel does not depend on the row, and a full 1024² tree walk takes minutes).
    public static func runReference(genomes: [Genome], width: Int, height: Int,
                                    repeats: Int, rows: Int? = nil) throws -> RenderThroughput {
        let rowCount = Swift.max(1, Swift.min(rows ?? height, height))
        let clock = ContinuousClock()
        var pixelNodes = 0.0
        let start = clock.now
        for _ in 0..<Swift.max(1, repeats) {
            for g in genomes {
                _ = try ReferenceEvaluator.render(g, width: width, height: height, supersample: 1, rows: 0..<rowCount)
                pixelNodes += Double(width * rowCount * g.evaluationCost)
            }
        }
        return RenderThroughput(pixelNodes: pixelNodes, seconds: seconds(clock.now - start),
                                renders: Swift.max(1, repeats) * genomes.count)
    }

    /// Largest |compiled − reference| over every sample of every genome rendered at
    /// `width`×`height` (0 when the two renderers agree bit for bit, as they should).
    public static func maxDifference(genomes: [Genome], width: Int, height: Int) throws -> Float {
        var worst: Float = 0
        for g in genomes {
            let a = try Renderer.render(g, width: width, height: height)
            let b = try ReferenceEvaluator.render(g, width: width, height: height)
            for i in a.pixels.indices { worst = Swift.max(worst, (a.pixels[i] - b.pixels[i]).magnitude) }
        }
        return worst
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) * 1e-18
    }
}
