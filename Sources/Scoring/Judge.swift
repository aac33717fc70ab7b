import Foundation
import Imaging
import Net

/// One network's verdict on a picture over the judge's framings.
public struct NetworkVerdict: Codable, Sendable, Equatable {
    /// Model name (`lite0`, …).
    public var model: String
    /// Mean confidence over the framings.
    public var confidence: Float
    /// Share of framings on which a target class is the network's top-1 answer.
    public var top1: Float
    /// The class with the highest mean probability over the framings.
    public var topClass: Int
    /// That class's mean probability over the framings (nil in verdicts stored before it was kept).
    public var topProbability: Float?

    public init(model: String, confidence: Float, top1: Float, topClass: Int, topProbability: Float? = nil) {
        self.model = model
        self.confidence = confidence
        self.top1 = top1
        self.topClass = topClass
        self.topProbability = topProbability
    }
}

/// How a picture holds up: the training networks and a held-out one, on framings no run scores.
public struct Judgement: Codable, Sendable, Equatable {
    /// The run's own networks, on the judge's framings ("robust").
    public var robust: [NetworkVerdict]
    /// A network the run never used, on the same framings ("held-out").
    public var heldOut: NetworkVerdict
    /// Framings per network.
    public var framings: Int
    /// Side of the anti-aliased render the framings were cut from.
    public var renderSize: Int

    public init(robust: [NetworkVerdict], heldOut: NetworkVerdict, framings: Int, renderSize: Int) {
        self.robust = robust
        self.heldOut = heldOut
        self.framings = framings
        self.renderSize = renderSize
    }

    /// The headline confidence: the robust confidence, averaged over the training networks.
    public var confidence: Float { robust.reduce(0) { $0 + $1.confidence } / Float(max(robust.count, 1)) }

    /// How this was measured, for labels.
    public var method: String {
        "mean over \(framings) random framings (crops 70–100 %, ±10°, mirror) of a \(renderSize)² anti-aliased render"
    }
}

/// Measures how a picture holds up: `framingCount` random framings (drawn from a fixed seed of
/// the judge's own, so no run ever scores them) of a square anti-aliased render, classified by
/// the run's networks and by a held-out network.
public struct Judge {
    /// Training networks first, the held-out network last.
    public let scorer: Scorer
    public let names: [String]
    public let framings: [Framing]
    /// The judge's framings come from this seed; runs draw theirs from their own seeds.
    public static let seed: UInt64 = 0x4A55_4447_4553_2121
    public static let framingCount = 16
    /// Side of the render the judge frames (2×2 anti-aliased).
    public static let renderSize = 448

    /// - Parameters:
    ///   - training: the run's networks with their names; `heldOut` the judge's own network.
    public init(training: [(name: String, model: EfficientNetLite)], heldOut: (name: String, model: EfficientNetLite),
                framingCount: Int = Judge.framingCount, threads: Int = 2) throws {
        scorer = try Scorer(models: training.map(\.model) + [heldOut.model], threads: threads)
        names = training.map(\.name) + [heldOut.name]
        framings = Self.framings(count: framingCount)
    }

    /// The judge's first `count` framings, drawn from `seed`: the same for every judge, so
    /// other measurements (a render's statistics prior in `bench evolve`) can read the
    /// framings the verdicts come from.
    public static func framings(count: Int = framingCount) -> [Framing] {
        var rng = SplitMix64(state: seed)
        return (0..<count).map { _ in Framing.random(using: &rng) }
    }

    /// What each network (training networks first, the held-out one last) sees in `render`:
    /// every class's mean probability over the judge's framings, and on how many framings
    /// each class is the top-1 answer.
    public func readings(_ render: Image) throws -> [ClassReading] {
        let framed = FramedScoring(scorer: scorer, framings: framings, sourceSize: render.width)
        return try scorer.sessions.indices.map { k in
            let rows = try scorer.logProbabilities(framed.images(render, network: k), network: k)
            var reading = ClassReading(mean: [Float](repeating: 0, count: rows.first?.count ?? 0), topOne: [:],
                                       framings: rows.count)
            for row in rows {
                for c in row.indices { reading.mean[c] += exp(row[c]) / Float(rows.count) }
                if let top = row.indices.max(by: { row[$0] < row[$1] }) { reading.topOne[top, default: 0] += 1 }
            }
            return reading
        }
    }

    /// The verdicts on `render` (square, any size; `renderSize`² by convention).
    public func judge(_ render: Image, objective: Objective) throws -> Judgement {
        try judge(render, objectives: [objective])[0]
    }

    /// The verdicts on `render` for each of `objectives`, from one classification of its framings.
    public func judge(_ render: Image, objectives: [Objective]) throws -> [Judgement] {
        let framed = FramedScoring(scorer: scorer, framings: framings, sourceSize: render.width)
        let probabilities = try scorer.sessions.indices.map { k in
            try scorer.logProbabilities(framed.images(render, network: k), network: k).map { $0.map { exp($0) } }
        }
        return objectives.map { objective in
            let targets = Set(objective.targetClasses)
            let verdicts = probabilities.enumerated().map { k, rows -> NetworkVerdict in
                var mean = [Float](repeating: 0, count: rows.first?.count ?? 0)
                var confidence: Float = 0, hits = 0
                for p in rows {
                    confidence += objective.confidence(probabilities: p, network: names[k])
                    for c in p.indices { mean[c] += p[c] }
                    if let top = p.indices.max(by: { p[$0] < p[$1] }), targets.contains(top) { hits += 1 }
                }
                let n = Float(max(rows.count, 1)), top = mean.indices.max(by: { mean[$0] < mean[$1] }) ?? 0
                return NetworkVerdict(model: names[k], confidence: confidence / n, top1: Float(hits) / n,
                                      topClass: top, topProbability: mean.isEmpty ? nil : mean[top] / n)
            }
            return Judgement(robust: Array(verdicts.dropLast()), heldOut: verdicts[verdicts.count - 1],
                             framings: framings.count, renderSize: render.width)
        }
    }
}

/// One network's view of a picture over the judge's framings.
public struct ClassReading: Sendable, Equatable {
    /// Every class's mean probability.
    public var mean: [Float]
    /// Framings on which each class is the top-1 answer (classes never top-1 are absent).
    public var topOne: [Int: Int]
    public var framings: Int

    public init(mean: [Float], topOne: [Int: Int], framings: Int) {
        self.mean = mean
        self.topOne = topOne
        self.framings = framings
    }

    /// The most probable class other than `excluded` (the runner-up of a class's own picture).
    public func strongest(excluding excluded: Int) -> Int {
        mean.indices.filter { $0 != excluded }.max { mean[$0] < mean[$1] } ?? 0
    }
}
