import ArgumentParser
import Net
import Scoring
import Search

/// `--objective TEXT`, the general form of which `--class` and `--opposite` are shorthands.
enum ObjectiveOption {
    static let help: ArgumentHelp = """
        What to maximise, in the objective language: class(NAME | NAME…), not(NAME), logit(NAME), channel(blockN, C), neuron(blockN, C), dream(blockN), match(photo.png), style(painting.png); terms weighted and joined by + and -, each optionally on one network (lite1:class(go-kart)). Replaces --class/--opposite.
        """

    /// The parsed text, checked to stand alone.
    static func parse(_ text: String?, shorthands: [String]) throws -> ObjectiveText? {
        guard let text else { return nil }
        guard shorthands.isEmpty else {
            throw ValidationError("give --objective or --class/--opposite, not both (class(NAME) and not(NAME) say the same in an objective)")
        }
        return try ObjectiveText(parsing: text)
    }

    /// The target: the objective resolved on `networks` (loaded through `cache`), or the shorthands.
    static func target(_ objective: ObjectiveText?, classes: [String], opposites: [String] = [], networks: [String],
                       cache: ModelCache, names: ImageNetClasses) throws -> Target {
        guard let objective else { return try Target(classes: classes, opposites: opposites, names: names) }
        return try Target(objective: objective, names: names, scorer: try cache.scorer(networks))
    }
}
