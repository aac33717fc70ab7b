import ArgumentParser
import Net
import Scoring
import Search

/// `--objective TEXT`, the general form of which `--class` and `--opposite` are shorthands.
enum ObjectiveOption {
    static let help: ArgumentHelp = """
        What to maximise, in the objective language: class(NAME | NAME…), not(NAME), logit(NAME), channel(blockN, C), neuron(blockN, C), dream(blockN), match(photo.png), style(painting.png), content(photo.png, blockN) (the photo's activations at a layer, position by position); terms weighted (a number of magnitude 1e-6 to 1e6 before a term: 0.5 * class(goldfish)) and joined by + and -, each optionally on one network (lite0, lite1 or lite2: lite1:class(go-kart)). A leading - is part of the objective: --objective "-logit(tench)" (or --objective=-logit(tench)). Replaces --class/--opposite.
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
    static func target(_ objective: ObjectiveText?, classes: [String], opposites: [String] = [], networks: [ModelVariant],
                       cache: ModelCache, names: ImageNetClasses) throws -> Target {
        guard let objective else { return try Target(classes: classes, opposites: opposites, names: names) }
        return try Target(objective: objective, names: names, scorer: try cache.scorer(networks))
    }
}
