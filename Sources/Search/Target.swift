import ImageIO
import Net
import Scoring

/// What a run breeds toward, resolved from the user's words: `--class`/`--opposite` (the
/// shorthands) or an objective text (`--objective`), as one objective and one display name.
public struct Target: Sendable, Equatable {
    public var objective: Objective
    /// E.g. `rock crab`, `goldfish + not tench`, or the objective's canonical text: stored with
    /// the run and written into PNGs.
    public var name: String

    /// The positive classes pursued (for default run names and the held-out judge's top-1).
    public var classes: [Int] { objective.targetClasses }

    /// Resolves names, synonyms or indices (`--class`, `--opposite`): `log Σ p(classes) +
    /// Σ log(1 − p(opposite))`.
    public init(classes: [String], opposites: [String] = [], names: ImageNetClasses) throws {
        guard !classes.isEmpty || !opposites.isEmpty else { throw SearchError.noTarget }
        let positive = try classes.map(names.index(ofArgument:))
        let negative = try opposites.map(names.index(ofArgument:))
        var objective: Objective? = positive.isEmpty ? nil : .classes(positive)
        for n in negative { objective = objective.map { $0 + .opposite(n) } ?? .opposite(n) }
        self.objective = objective ?? .classes([])
        name = (positive.map { Target.shortName($0, names: names) }
            + negative.map { "not " + Target.shortName($0, names: names) }).joined(separator: " + ")
    }

    /// An objective text resolved on the networks of `scorer` (pictures in it are read as PNGs
    /// and measured once); the name is the canonical text.
    public init(objective text: ObjectiveText, names: ImageNetClasses, scorer: Scorer) throws {
        objective = try text.resolve(names: names, scorer: scorer) { path in try PNGFile.read(path).image }
        name = text.description
    }

    /// The networks a run needs: `given` (the user's `--model` list; lite0 when empty), plus the
    /// networks an objective text names by prefix; with no `--model` and every term on a named
    /// network, just those networks.
    ///
    /// - Throws: `SearchError.unknownModel` for a network the objective names that does not exist.
    public static func networks(given: [ModelVariant], objective: ObjectiveText?) throws -> [ModelVariant] {
        let named = try ModelCache.variants(objective?.models ?? [])
        if given.isEmpty, let objective, objective.terms.allSatisfy({ $0.model != nil }) { return named }
        let models = given.isEmpty ? [RunSettings.defaultModel] : given
        return models + named.filter { !models.contains($0) }
    }

    /// The first class's short name (for default run names), else the whole name.
    public func leadName(names: ImageNetClasses) -> String {
        classes.first.map { Target.shortName($0, names: names) } ?? name
    }

    static func shortName(_ index: Int, names: ImageNetClasses) -> String {
        (try? names.shortName(of: index)) ?? "class \(index)"
    }
}
