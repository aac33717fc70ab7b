import Evolution
import Genome
import Scoring
import Store

/// How one atlas cell's elite holds up, measured the way records are (`Judge`: 16 framings no
/// run scores, of the 448² anti-aliased render), with its nearest other class.
public struct CellVerdict: Codable, Sendable, Equatable {
    public var cell: Int
    /// The cell's class probability, mean over the framings and the atlas's networks.
    public var robust: Float
    /// The same for the held-out network.
    public var heldOut: Float
    /// Share of framings on which the held-out network's top-1 answer is the cell's class.
    public var heldOutTopOne: Float
    /// The atlas networks' most probable class overall (the cell's own when it holds up).
    public var topClass: Int
    /// The most probable class other than the cell's (its runner-up: the similarity graph's edge).
    public var nearest: Int
    public var nearestProbability: Float

    public init(cell: Int, robust: Float, heldOut: Float, heldOutTopOne: Float, topClass: Int, nearest: Int,
                nearestProbability: Float) {
        self.cell = cell
        self.robust = robust
        self.heldOut = heldOut
        self.heldOutTopOne = heldOutTopOne
        self.topClass = topClass
        self.nearest = nearest
        self.nearestProbability = nearestProbability
    }

    /// The held-out network calls the picture the cell's class on most framings.
    public var heldOutAgrees: Bool { heldOutTopOne > 0.5 }
}

/// Coverage of an atlas by its verdicts: cells at each robust level and held-out agreement.
public struct AtlasCoverage: Sendable, Equatable {
    public var cells: Int
    public var filled: Int
    public var robustAtHalf: Int
    public var robustAtNinety: Int
    public var robustAtNinetyNine: Int
    public var heldOutAtHalf: Int
    /// Cells whose held-out top-1 is their class on most framings.
    public var heldOutAgree: Int

    /// Cells holding an elite and judged (`verdicts.count`, at most `filled`).
    public var judged: Int

    /// Coverage of an atlas whose every filled cell has one of `verdicts`.
    public init(cells: Int, verdicts: [CellVerdict]) {
        self.init(cells: cells, filled: verdicts.count, verdicts: verdicts)
    }

    /// Coverage of an atlas of `cells` cells, `filled` of them holding an elite, judged so far
    /// by `verdicts` (the robust and held-out counts are over those).
    public init(cells: Int, filled: Int, verdicts: [CellVerdict]) {
        self.cells = cells
        self.filled = filled
        judged = verdicts.count
        robustAtHalf = verdicts.filter { $0.robust >= 0.5 }.count
        robustAtNinety = verdicts.filter { $0.robust >= 0.9 }.count
        robustAtNinetyNine = verdicts.filter { $0.robust >= 0.99 }.count
        heldOutAtHalf = verdicts.filter { $0.heldOut >= 0.5 }.count
        heldOutAgree = verdicts.filter(\.heldOutAgrees).count
    }
}

/// Judges an atlas's elites: each distinct genome is rendered and classified once, then read
/// for every cell it holds.
public struct AtlasJudge {
    public let judge: Judge
    public let trainingNetworks: Int

    public init(settings: AtlasSettings, models: ModelCache) throws {
        judge = try RunJudge.judge(networks: settings.models, models: models, threads: settings.threads)
        trainingNetworks = settings.models.count
    }

    /// The verdict on every elite, by cell; `progress(done, total)` after each distinct genome.
    public func judge(_ elites: [EliteRow], progress: (Int, Int) -> Void = { _, _ in }) throws -> [CellVerdict] {
        var cellsOfGenome: [String: [Int]] = [:]
        var order: [String] = []
        for elite in elites {
            if cellsOfGenome[elite.genome] == nil { order.append(elite.genome) }
            cellsOfGenome[elite.genome, default: []].append(elite.cell)
        }
        var verdicts: [CellVerdict] = []
        for (done, text) in order.enumerated() {
            let readings = try judge.readings(try RunJudge.render(try Genome(parsing: text)))
            verdicts += cellsOfGenome[text]!.map { Self.verdict(cell: $0, readings: readings, training: trainingNetworks) }
            progress(done + 1, order.count)
        }
        return verdicts.sorted { $0.cell < $1.cell }
    }

    /// The verdict for `cell` from one picture's readings (training networks first).
    static func verdict(cell: Int, readings: [ClassReading], training: Int) -> CellVerdict {
        let classes = readings[0].mean.count
        var mean = [Float](repeating: 0, count: classes)
        for reading in readings.prefix(training) {
            for c in 0..<classes { mean[c] += reading.mean[c] / Float(training) }
        }
        let combined = ClassReading(mean: mean, topOne: [:], framings: readings[0].framings)
        let heldOut = readings[training]
        let nearest = combined.strongest(excluding: cell)
        return CellVerdict(cell: cell, robust: mean[cell], heldOut: heldOut.mean[cell],
                           heldOutTopOne: Float(heldOut.topOne[cell] ?? 0) / Float(max(heldOut.framings, 1)),
                           topClass: mean.indices.max { mean[$0] < mean[$1] } ?? 0,
                           nearest: nearest, nearestProbability: mean[nearest])
    }
}
