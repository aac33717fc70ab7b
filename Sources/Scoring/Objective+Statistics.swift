import Net

/// The batch-normalised convolutions a `stats` term counts: a range of layers in forward order,
/// from `from` through `through`, both included (`stem...block7`, `block8...head`).
///
/// The ends are written the way the rest of the objective names layers (`blockN`), plus `stem`
/// and `head`, so that one stored range means the same thing on networks with different block
/// counts: `block8...head` is blocks 8 to the last block and the head on Lite0 and on Lite2.
public struct PriorLayers: Sendable, Hashable {
    /// One end of the range.
    public enum Bound: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The stem convolution (counted with factor 10, as in DeepInversion).
        case stem
        /// Block `N`'s expand, depthwise and project convolutions.
        case block(Int)
        /// The head's 1×1 convolution.
        case head

        /// `stem`, `block7`, `head`: as the objective's text writes it.
        public var description: String {
            switch self {
            case .stem: return "stem"
            case .block(let b): return "block\(b)"
            case .head: return "head"
            }
        }

        /// Reads `stem`, `head` or a block name (`block7`, `block_7`, `7`); nil for anything else.
        public init?(_ text: String) {
            switch text.lowercased() {
            case "stem": self = .stem
            case "head": self = .head
            default:
                guard let b = ObjectiveText.blockIndex(text) else { return nil }
                self = .block(b)
            }
        }

        private var order: (Int, Int) {
            switch self {
            case .stem: return (0, 0)
            case .block(let b): return (1, b)
            case .head: return (2, 0)
            }
        }

        public static func < (a: Bound, b: Bound) -> Bool { a.order < b.order }
    }

    public var from: Bound
    public var through: Bound

    public init(from: Bound, through: Bound) {
        self.from = from
        self.through = through
    }

    /// Every batch-normalised convolution: DeepInversion's prior.
    public static let all = PriorLayers(from: .stem, through: .head)

    /// `stem...block7`.
    public var description: String { "\(from)...\(through)" }

    /// The highest block index either end names, if any (to check it exists on a network).
    public var namedBlocks: [Int] {
        [from, through].compactMap { if case .block(let b) = $0 { return b } else { return nil } }
    }

    /// The engine's prior with `weight` over these layers of `architecture`. A block beyond the
    /// network's last counts as absent (the resolver refuses such ranges before a run starts).
    public func prior(weight: Float, architecture: Architecture) -> StatisticsPrior {
        let count = architecture.blocks.count
        func lower(_ b: Bound) -> Int {
            switch b { case .stem: return 0; case .block(let i): return min(i, count); case .head: return count }
        }
        func upper(_ b: Bound) -> Int {
            switch b { case .stem: return 0; case .block(let i): return min(i + 1, count); case .head: return count }
        }
        let lo = lower(from), hi = max(lo, upper(through))
        return StatisticsPrior(weight: weight, blocks: lo..<hi, stem: from == .stem, head: through == .head)
    }
}

/// The stored form of a layer range: `{"from":"stem","through":"head"}`, each end as the text writes it.
extension PriorLayers: Codable {
    enum Key: String, CodingKey { case from, through }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func bound(_ key: Key) throws -> Bound {
            let text = try c.decode(String.self, forKey: key)
            guard let b = Bound(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                       debugDescription: "'\(text)' is not a layer; write stem, head or blockN")
            }
            return b
        }
        self.init(from: try bound(.from), through: try bound(.through))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(from.description, forKey: .from)
        try c.encode(through.description, forKey: .through)
    }
}

extension Objective {
    /// Whether any term is a statistics prior (on any network). Objectives without one take
    /// exactly the paths they always took.
    public var readsStatistics: Bool {
        switch self {
        case .stats: return true
        case .classes, .opposite, .logit, .layer, .match, .style, .content, .margin: return false
        case .sum(let a, let b): return a.readsStatistics || b.readsStatistics
        case .scaled(_, let a), .on(_, let a), .worst(let a): return a.readsStatistics
        }
    }

    /// The objective with its statistics terms removed (nil when nothing else is left): what is
    /// read off each image's features, while the prior is a quantity of a whole batch.
    public var withoutStatistics: Objective? {
        switch self {
        case .stats: return nil
        case .classes, .opposite, .logit, .layer, .match, .style, .content, .margin: return self
        case .worst(let a): return a.withoutStatistics.map { .worst($0) }
        case .sum(let a, let b):
            switch (a.withoutStatistics, b.withoutStatistics) {
            case let (x?, y?): return .sum(x, y)
            case let (x?, nil): return x
            case let (nil, y): return y
            }
        case .scaled(let k, let a): return a.withoutStatistics.map { .scaled(k, $0) }
        case .on(let name, let a): return a.withoutStatistics.map { .on(network: name, $0) }
        }
    }

    /// The net weight of each layer range's statistics terms on network `network` (terms of an
    /// `.on` for another network do not count), in order of appearance.
    public func statisticsWeights(network: String) -> [(layers: PriorLayers, weight: Float)] {
        var out: [(layers: PriorLayers, weight: Float)] = []
        func collect(_ o: Objective, _ weight: Float) {
            switch o {
            case .stats(let layers):
                if let i = out.firstIndex(where: { $0.layers == layers }) { out[i].weight += weight } else { out.append((layers, weight)) }
            case .classes, .opposite, .logit, .layer, .match, .style, .content, .margin: break
            case .worst(let a): collect(a, weight)
            case .sum(let a, let b): collect(a, weight); collect(b, weight)
            case .scaled(let k, let a): collect(a, weight * k)
            case .on(let name, let a): if name == network { collect(a, weight) }
            }
        }
        collect(self, 1)
        return out
    }

    /// The statistics prior this objective asks of network `network` (`architecture`'s), with
    /// its net weight `w` (the objective's value includes `−w · P`), or nil when it has none
    /// there or the terms' weights sum to 0.
    ///
    /// - Throws: `ObjectiveError.priorWeight` for a net weight that is negative or not finite (a
    ///   negative weight would reward statistics unlike the training images';
    ///   `ObjectiveError.severalPriors` when terms over different layer ranges remain (one pass
    ///   computes one prior).
    public func statisticsPrior(network: String, architecture: Architecture) throws -> StatisticsPrior? {
        let weights = statisticsWeights(network: network).filter { $0.weight != 0 }
        guard let first = weights.first else { return nil }
        if let bad = weights.first(where: { !$0.weight.isFinite || $0.weight < 0 }) {
            throw ObjectiveError.priorWeight(weight: bad.weight,
                                             term: ObjectiveText.text(of: .stats(bad.layers), weight: bad.weight.magnitude))
        }
        guard weights.count == 1 else { throw ObjectiveError.severalPriors(layers: weights.map(\.layers.description)) }
        return first.layers.prior(weight: first.weight, architecture: architecture)
    }
}
