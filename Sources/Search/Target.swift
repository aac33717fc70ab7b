import Net
import Scoring

/// What a run breeds toward, resolved from the user's words: classes to look like and classes
/// not to look like, as indices, with one display name and one objective.
public struct Target: Sendable, Equatable {
    public var classes: [Int]
    public var opposites: [Int]
    /// E.g. `rock crab`, `goldfish + not tench`: stored with the run and written into PNGs.
    public var name: String

    /// Resolves names, synonyms or indices (`--class`, `--opposite`).
    public init(classes: [String], opposites: [String] = [], names: ImageNetClasses) throws {
        guard !classes.isEmpty || !opposites.isEmpty else { throw SearchError.noTarget }
        self.classes = try classes.map { try Target.index($0, names: names) }
        self.opposites = try opposites.map { try Target.index($0, names: names) }
        name = (self.classes.map { Target.shortName($0, names: names) }
            + self.opposites.map { "not " + Target.shortName($0, names: names) }).joined(separator: " + ")
    }

    /// `log Σ p(classes) + Σ log(1 − p(opposite))`.
    public var objective: Objective {
        var objective: Objective? = classes.isEmpty ? nil : .classes(classes)
        for n in opposites { objective = objective.map { $0 + .opposite(n) } ?? .opposite(n) }
        return objective ?? .classes([])
    }

    /// The first class's short name (for default run names), else the whole name.
    public func leadName(names: ImageNetClasses) -> String {
        classes.first.map { Target.shortName($0, names: names) } ?? name
    }

    /// A class argument: an index, a name or a synonym.
    public static func index(_ argument: String, names: ImageNetClasses) throws -> Int {
        if let i = Int(argument) {
            _ = try names.name(of: i)
            return i
        }
        return try names.index(of: argument)
    }

    static func shortName(_ index: Int, names: ImageNetClasses) -> String {
        (try? names.shortName(of: index)) ?? "class \(index)"
    }
}
