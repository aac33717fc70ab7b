import Foundation
import Genome
import Imaging
import Render
import Scoring

/// The cost of an objective's statistics prior term (`.stats`): a framed evaluation and a framed
/// constant-polish step of the objective, each against the same work for the objective without
/// the term (`withoutStatistics`).
///
/// The two are timed alternately, in turns whose order flips every run, and compared by their
/// medians: a busy machine slows both alike, so the ratios hold where absolute times do not.
public enum PriorBenchmark {
    /// Median seconds with and without the term, and with / without.
    public struct Cost: Sendable, Equatable {
        public var withPrior: Double
        public var without: Double
        public var ratio: Double { withPrior / without }
    }

    /// - Parameters:
    ///   - objective: an objective with a `.stats` term and at least one other term.
    ///   - scorer: the networks; each picture's framings are scored on each of them.
    ///   - framings: framings per picture (a prior batch on each network).
    ///   - pictures: source pictures per evaluation (a population's worth of renders).
    ///   - runs: timed turns of each kind (after one untimed warm-up turn each).
    /// - Returns: the cost of `FramedScoring.evaluate` of `pictures` pictures, and of one
    ///   framed constant-polish step (render at the source size, framed gradient, gradient into
    ///   the constants) of a seeded 24-term wave genome.
    /// - Throws: `PolishError.invalidSetting` for an objective without a `.stats` term or with
    ///   nothing else, or counts below 1.
    public static func run(objective: Objective, scorer: Scorer, framings: Int = 8, pictures: Int = 8,
                           runs: Int = 7) throws -> (evaluation: Cost, polishStep: Cost) {
        guard objective.readsStatistics, let rest = objective.withoutStatistics else {
            throw PolishError.invalidSetting(name: "objective's stats terms", value: objective.readsStatistics ? 1 : 0,
                                             allowed: "1 with another term beside it (e.g. class(goldfish) + stats(0.05))")
        }
        for (name, value) in [("framings", framings), ("pictures", pictures), ("runs", runs)] where value < 1 {
            throw PolishError.invalidSetting(name: name, value: Double(value), allowed: "≥ 1")
        }
        var rng = SplitMix64(state: 23)
        let ranges = Framing.Ranges.standard
        let size = FramedScoring.sourceSize(for: scorer, smallestCrop: ranges.scale.lowerBound)
        let framed = FramedScoring(scorer: scorer, framings: (0..<framings).map { _ in Framing.random(ranges, using: &rng) },
                                   sourceSize: size)
        var genomeRNG = SeededGenerator(seed: 5)
        let genome = Genome.waves(terms: 24, frequency: 8, limits: try Limits(maxDepth: 12, maxNodes: 400), using: &genomeRNG)
        let sources = try (0..<pictures).map { i -> Image in
            var g = genome
            g.constants = g.constants.enumerated().map { j, c in j % 3 == i % 3 ? c * 1.1 : c }
            return try Renderer.render(g, width: size, height: size)
        }
        func evaluate(_ o: Objective) throws { _ = try framed.evaluate(sources, objective: o) }
        func step(_ o: Objective) throws {
            let source = try Renderer.render(genome, width: size, height: size)
            let (_, pixelGradient) = try framed.gradient(source, objective: o)
            _ = try ConstantGradient.compute(genome: genome, width: size, height: size, pixelGradient: pixelGradient)
        }
        return (try interleaved(runs: runs, with: { try evaluate(objective) }, without: { try evaluate(rest) }),
                try interleaved(runs: runs, with: { try step(objective) }, without: { try step(rest) }))
    }

    /// Medians of `runs` alternating timings of `with` and `without` (order flipped every run),
    /// after one untimed call of each.
    static func interleaved(runs: Int, with: () throws -> Void, without: () throws -> Void) throws -> Cost {
        try with()
        try without()
        let clock = ContinuousClock()
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = clock.now
            try body()
            return (clock.now - start).seconds
        }
        var a: [Double] = [], b: [Double] = []
        for run in 0..<runs {
            if run % 2 == 0 {
                a.append(try time(with))
                b.append(try time(without))
            } else {
                b.append(try time(without))
                a.append(try time(with))
            }
        }
        func median(_ x: [Double]) -> Double {
            let s = x.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        return Cost(withPrior: median(a), without: median(b))
    }
}
