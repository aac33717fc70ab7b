import Net

/// The objective language: what a run maximises, as text a user writes and the program prints
/// back the same way.
///
///     class(rock crab)                      log p(rock crab)
///     class(rock crab | king crab)          log of the summed probability (a merged target)
///     not(tench)                            log(1 − p(tench))
///     logit(tench)                          the raw logit (−logit(tench) finds its opposite)
///     margin(tench)                         its logit minus the largest other logit
///     worst(margin(tench))                  on an ensemble, the network where it is lowest
///     channel(block12, 57)                  mean activation of channel 57 of block 12's output
///     neuron(block12, 57)                   that channel at the centre position
///     dream(block10)                        mean squared activation of block 10's output
///     match(photo.png)                      cosine of pooled features with the photo's
///     style(painting.png)                   Gram matrices of a few layers against the painting's
///     content(photo.png, block8)            block 8's activations against the photo's, position by
///                                           position (−mean squared difference; also written
///                                           match(photo.png, block8): feature inversion at a layer)
///     lite1:class(go-kart)                  on another network
///     stats(0.05)                           −0.05 · P, the network's feature-statistics prior
///     stats(0.05, block8...head)            the prior over a range of layers, both ends included
///     0.5 * class(goldfish) - lite1:class(go-kart) + 2 dream(block10)
///
/// `stats` is a penalty: its number is its weight, the same as a weight before it
/// (`stats(0.05)` is `0.05 * stats`, and prints as `stats(0.05)`), and bare `stats` weighs 1.
/// Its layer range runs in forward order over `stem`, `block0` … `blockN`, `head` (default
/// `stem...head`, every batch-normalised convolution). A negative weight parses, so that the
/// error can name it, but does not resolve (`ObjectiveError.priorWeight`).
///
/// `worst(…)` holds a sum of its own (class, not, logit, margin, channel, neuron, dream, match
/// or style terms: no network prefix, stats or worst inside, and none before it): the run's
/// other terms are averaged over its networks, this one takes the minimum.
///
/// Terms are summed with their weights (`+`, `-`, a number with or without `*`). Arguments are
/// the text up to the closing parenthesis, trimmed, or a "quoted string" (for paths with `)`).
/// Weights are 1e-6 … 1e6 in magnitude (`weightMagnitudes`). This file only parses and prints (and
/// refuses unknown network prefixes and terms that cancel); names are resolved against the
/// classes and layers later.
public struct ObjectiveText: Sendable, Equatable, CustomStringConvertible {
    /// One weighted term.
    public struct Term: Sendable, Equatable {
        public var weight: Float
        /// The network it is measured on (`lite1`); nil: the run's networks.
        public var model: String?
        public var atom: Atom

        public init(weight: Float = 1, model: String? = nil, atom: Atom) {
            self.weight = weight
            self.model = model
            self.atom = atom
        }
    }

    /// What one term measures, with its arguments as written.
    public enum Atom: Sendable, Equatable {
        case classes([String])
        case not(String)
        case logit(String)
        case channel(layer: String, channel: Int)
        case neuron(layer: String, channel: Int)
        case dream(layer: String)
        case match(path: String)
        case style(path: String)
        /// A picture's activations at a layer, position by position.
        case content(path: String, layer: String)
        /// The feature-statistics prior over a range of layers (its weight is the term's).
        case stats(PriorLayers)
        /// A class's logit minus the largest other logit.
        case margin(String)
        /// A sum measured on the ensemble's worst network.
        case worst([Term])

        /// The function names, in the order the parser lists them when it expects one.
        public static let names = ["class", "not", "logit", "margin", "channel", "neuron", "dream", "match", "style", "content",
                                   "stats", "worst"]
    }

    public var terms: [Term]

    public init(terms: [Term]) {
        self.terms = terms
    }

    /// Parses `text`; a mistake throws `ObjectiveTextError` naming the column and what was
    /// expected, an unknown network prefix `ObjectiveError.unknownModel`, and terms that cancel
    /// out (an objective every image scores the same on) `ObjectiveError.constant`.
    public init(parsing text: String) throws {
        var parser = ObjectiveParser(text: text)
        terms = try parser.parseSum()
        for model in models where ModelVariant(rawValue: model) == nil { throw ObjectiveError.unknownModel(name: model) }
        try checkNotConstant(text: text)
    }

    /// The magnitudes a written weight may have: 1e-6 … 1e6. Beyond them a weighted log
    /// probability overflows the fitness clamp (every image scores the same) or underflows to 0.
    public static let weightMagnitudes: ClosedRange<Double> = 1e-6...1e6
    /// The weight range as the parser's "expected" text.
    static let weightRangeText = "a weight between 1e-6 and 1e6 in magnitude (e.g. 0.5 * class(goldfish))"

    /// A net weight below this (half the smallest weight: a Float weight of 1e-6 is a little
    /// under 1e-6) is a cancellation.
    static let cancelledBelow = weightMagnitudes.lowerBound / 2

    /// Throws `ObjectiveError.constant` when every term's net weight (summed over terms that
    /// measure the same thing on the same network) is below `cancelledBelow`.
    func checkNotConstant(text: String) throws {
        var net: [(model: String?, atom: Atom, weight: Double)] = []
        for term in terms {
            let model = term.model?.lowercased()
            if let i = net.firstIndex(where: { $0.model == model && $0.atom == term.atom }) {
                net[i].weight += Double(term.weight)
            } else {
                net.append((model, term.atom, Double(term.weight)))
            }
        }
        guard net.contains(where: { $0.weight.magnitude >= Self.cancelledBelow }) else {
            throw ObjectiveError.constant(text: text)
        }
    }

    /// What the confidence of this objective is, read from the text alone (as
    /// `Objective.confidenceKind` from the resolved objective): the first term that seeks or
    /// avoids a class decides; inner features alone (channel, neuron, dream, style) have none.
    public var confidenceKind: Objective.ConfidenceKind {
        for term in terms {
            switch term.atom {
            case .classes, .logit, .match, .margin: return term.weight > 0 ? .sought : .absence
            case .not: return .absence
            case .worst(let inner):
                switch ObjectiveText(terms: inner).confidenceKind {
                case .topOne: continue
                case .sought: return term.weight > 0 ? .sought : .absence
                case .absence: return term.weight > 0 ? .absence : .sought
                }
            case .channel, .neuron, .dream, .style, .content, .stats: continue
            }
        }
        return .topOne
    }

    /// The canonical text: `parse(description) == self`.
    public var description: String {
        var out = ""
        for (i, term) in terms.enumerated() {
            var weight = term.weight
            if i == 0 {
                if weight < 0 { out += "-"; weight = -weight }
            } else {
                out += weight < 0 ? " - " : " + "
                weight = weight.magnitude
            }
            if case .stats = term.atom {
                // The prior's weight prints inside its parentheses: stats(0.05).
                if let model = term.model { out += model + ":" }
                out += Self.text(of: term.atom, weight: weight)
                continue
            }
            if weight != 1 { out += "\(Self.number(weight)) * " }
            if let model = term.model { out += model + ":" }
            out += Self.text(of: term.atom)
        }
        return out
    }

    static func number(_ value: Float) -> String {
        value == value.rounded() && value.magnitude < 1e7 ? String(Int(value)) : "\(value)"
    }

    static func text(of atom: Atom) -> String {
        switch atom {
        case .classes(let names): return "class(\(names.map(argument).joined(separator: " | ")))"
        case .not(let name): return "not(\(argument(name)))"
        case .logit(let name): return "logit(\(argument(name)))"
        case .margin(let name): return "margin(\(argument(name)))"
        case .worst(let inner): return "worst(\(ObjectiveText(terms: inner).description))"
        case let .channel(layer, channel): return "channel(\(layer), \(channel))"
        case let .neuron(layer, channel): return "neuron(\(layer), \(channel))"
        case .dream(let layer): return "dream(\(layer))"
        case .match(let path): return "match(\(argument(path)))"
        case .style(let path): return "style(\(argument(path)))"
        case let .content(path, layer): return "content(\(argument(path)), \(argument(layer)))"
        case .stats(let layers): return text(of: .stats(layers), weight: 1)
        }
    }

    /// A term's text with `weight` written inside a `stats(…)` (other atoms ignore it): `stats`,
    /// `stats(0.05)`, `stats(0.05, stem...block7)`, `stats(block8...head)`.
    static func text(of atom: Atom, weight: Float) -> String {
        guard case .stats(let layers) = atom else { return text(of: atom) }
        var arguments: [String] = []
        if weight != 1 { arguments.append(number(weight)) }
        if layers != .all { arguments.append(layers.description) }
        return arguments.isEmpty ? "stats" : "stats(\(arguments.joined(separator: ", ")))"
    }

    /// An argument as the parser reads it back: bare when it can be, else quoted.
    public static func argument(_ text: String) -> String {
        let plain = !text.isEmpty && text == text.trimmingSpaces
            && !text.contains(where: { "()|,\"\\".contains($0) })
        if plain { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// A mistake in an objective's text: where (1-based column), what was expected, what was found.
public struct ObjectiveTextError: Error, Equatable, CustomStringConvertible {
    public var text: String
    public var column: Int
    public var expected: String
    public var found: String

    public var description: String {
        "objective \"\(text)\": at column \(column), expected \(expected) but found \(found)"
    }
}

/// Recursive descent over the characters of an objective.
struct ObjectiveParser {
    let text: String
    let characters: [Character]
    var position = 0

    init(text: String) {
        self.text = text
        characters = Array(text)
    }

    func error(_ expected: String, at column: Int? = nil) -> ObjectiveTextError {
        let at = column ?? position
        let found = at < characters.count ? "'\(characters[at])'" : "the end of the text"
        return ObjectiveTextError(text: text, column: at + 1, expected: expected, found: found)
    }

    mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    mutating func take(_ c: Character) -> Bool {
        skipSpaces()
        guard position < characters.count, characters[position] == c else { return false }
        position += 1
        return true
    }

    mutating func expect(_ c: Character) throws {
        guard take(c) else { throw error("'\(c)'") }
    }

    /// sum := ['-'] term (('+' | '-') term)*, up to the end of the text, or up to the ')' that
    /// closes a `worst(` when `inner` (the ')' is left for the caller).
    mutating func parseSum(inner: Bool = false) throws -> [ObjectiveText.Term] {
        skipSpaces()
        guard position < characters.count else { throw error("an objective such as class(rock crab)") }
        var terms: [ObjectiveText.Term] = []
        var sign: Float = take("-") ? -1 : 1
        while true {
            var term = try parseTerm(inner: inner)
            term.weight *= sign
            terms.append(term)
            skipSpaces()
            if inner, position < characters.count, characters[position] == ")" { return terms }
            if !inner, position == characters.count { return terms }
            if take("+") { sign = 1 } else if take("-") { sign = -1 } else { throw error(inner ? "'+', '-' or ')'" : "'+', '-' or the end") }
        }
    }

    /// term := [number ['*']] [model ':'] name '(' arguments ')'; `inner`: a term inside `worst(…)`.
    mutating func parseTerm(inner: Bool = false) throws -> ObjectiveText.Term {
        skipSpaces()
        var weight: Float = 1
        if let number = try parseNumber() {
            weight = number
            _ = take("*")
        }
        skipSpaces()
        let nameStart = position
        var name = parseIdentifier()
        var model: String?
        if take(":") {
            guard !name.isEmpty else { throw error("a model name before ':'", at: nameStart) }
            model = name
            skipSpaces()
            name = parseIdentifier()
        }
        guard ObjectiveText.Atom.names.contains(name) else {
            throw error("one of " + ObjectiveText.Atom.names.joined(separator: ", "), at: nameStart)
        }
        if inner, name == "stats" || name == "worst" || model != nil {
            throw error("a class or feature term without a network prefix inside worst(…) (stats, worst and lite1: are measured per network; put them outside)",
                        at: nameStart)
        }
        if name == "worst", model != nil {
            throw error("worst(…) without a network prefix (it compares the run's networks)", at: nameStart)
        }
        if name == "stats" {
            let (factor, layers) = try parseStatsArguments()
            let product = Double(weight) * Double(factor)
            guard ObjectiveText.weightMagnitudes.contains(product.magnitude) else {
                throw ObjectiveTextError(text: text, column: nameStart + 1, expected: ObjectiveText.weightRangeText + " for the prior's weight times the term's",
                                         found: "\(product)")
            }
            return ObjectiveText.Term(weight: Float(product), model: model, atom: .stats(layers))
        }
        try expect("(")
        let atom: ObjectiveText.Atom
        switch name {
        case "class":
            var names = [try parseArgument(stop: "|)")]
            while take("|") { names.append(try parseArgument(stop: "|)")) }
            atom = .classes(names)
        case "not": atom = .not(try parseArgument(stop: ")"))
        case "logit": atom = .logit(try parseArgument(stop: ")"))
        case "margin": atom = .margin(try parseArgument(stop: ")"))
        case "worst": atom = .worst(try parseSum(inner: true))
        case "channel", "neuron":
            let layer = try parseArgument(stop: ",)")
            try expect(",")
            let channel = try parseInteger()
            atom = name == "channel" ? .channel(layer: layer, channel: channel) : .neuron(layer: layer, channel: channel)
        case "dream": atom = .dream(layer: try parseArgument(stop: ")"))
        case "match":
            // match(photo.png) compares pooled features; with a layer it is content(…).
            let path = try parseArgument(stop: ",)")
            atom = take(",") ? .content(path: path, layer: try parseArgument(stop: ")")) : .match(path: path)
        case "content":
            let path = try parseArgument(stop: ",)")
            guard take(",") else { throw error("',' and a layer after the picture (e.g. content(photo.png, block8))") }
            atom = .content(path: path, layer: try parseArgument(stop: ")"))
        default: atom = .style(path: try parseArgument(stop: ")"))
        }
        try expect(")")
        return ObjectiveText.Term(weight: weight, model: model, atom: atom)
    }

    /// stats := 'stats' ['(' (number [',' range] | range) ')'], range := layer '...' layer; the
    /// weight (1 when absent) and the layers (`PriorLayers.all` when absent).
    mutating func parseStatsArguments() throws -> (weight: Float, layers: PriorLayers) {
        guard take("(") else { return (1, .all) }
        skipSpaces()
        let start = position
        var weight: Float = 1, layers = PriorLayers.all
        if let number = try parseNumber() {
            weight = number
            if take(",") { layers = try parseLayerRange() }
        } else if position < characters.count, characters[position].isLetter {
            layers = try parseLayerRange()
        } else {
            throw error("a weight or a layer range (e.g. stats(0.05) or stats(0.05, stem...block7))", at: start)
        }
        try expect(")")
        return (weight, layers)
    }

    /// layer '...' layer, in forward order (`stem...block7`, `block8...head`).
    mutating func parseLayerRange() throws -> PriorLayers {
        func layer() throws -> PriorLayers.Bound {
            skipSpaces()
            let start = position
            guard let bound = PriorLayers.Bound(parseIdentifier()) else {
                throw error("a layer: stem, head or blockN (e.g. stem...block7)", at: start)
            }
            return bound
        }
        let from = try layer()
        skipSpaces()
        let dots = position
        guard position + 3 <= characters.count, characters[position..<(position + 3)].allSatisfy({ $0 == "." }) else {
            throw error("'...' between the first and the last layer (e.g. stem...block7)", at: dots)
        }
        position += 3
        skipSpaces()
        let throughStart = position
        let through = try layer()
        guard from <= through else {
            throw ObjectiveTextError(text: text, column: throughStart + 1,
                                     expected: "a last layer at or after \(from) (layers run stem, block0 … blockN, head)",
                                     found: "\(through)")
        }
        return PriorLayers(from: from, through: through)
    }

    mutating func parseIdentifier() -> String {
        var out = ""
        while position < characters.count, characters[position].isLetter || characters[position].isNumber
                || characters[position] == "_" {
            out.append(characters[position])
            position += 1
        }
        return out
    }

    /// A decimal number (no sign: signs are the sum's), or nil when the term has no weight; a
    /// weight outside `ObjectiveText.weightMagnitudes` throws, naming the range.
    mutating func parseNumber() throws -> Float? {
        let start = position
        var digits = ""
        func isDigit(_ i: Int) -> Bool { i < characters.count && characters[i].isASCII && characters[i].isNumber }
        while position < characters.count {
            let c = characters[position]
            if isDigit(position) || c == "." {
                digits.append(c)
                position += 1
            } else if c == "e" || c == "E", !digits.isEmpty {
                // An exponent: e5, e-5, e+5 (an 'e' not followed by one is not part of the number).
                let signed = position + 1 < characters.count && "+-".contains(characters[position + 1])
                guard isDigit(position + (signed ? 2 : 1)) else { break }
                digits += String(characters[position...(position + (signed ? 1 : 0))])
                position += signed ? 2 : 1
            } else {
                break
            }
        }
        guard !digits.isEmpty else { return nil }
        guard let value = Double(digits) else { throw error("a number", at: start) }
        guard ObjectiveText.weightMagnitudes.contains(value.magnitude) else {
            throw ObjectiveTextError(text: text, column: start + 1, expected: ObjectiveText.weightRangeText, found: digits)
        }
        return Float(value)
    }

    mutating func parseInteger() throws -> Int {
        skipSpaces()
        let start = position
        var digits = ""
        while position < characters.count, characters[position].isNumber {
            digits.append(characters[position])
            position += 1
        }
        guard let value = Int(digits) else { throw error("a channel number", at: start) }
        return value
    }

    /// A bare argument (up to one of `stop`, trimmed, not empty) or a quoted string.
    mutating func parseArgument(stop: String) throws -> String {
        skipSpaces()
        if take("\"") {
            var out = ""
            while position < characters.count, characters[position] != "\"" {
                if characters[position] == "\\", position + 1 < characters.count { position += 1 }
                out.append(characters[position])
                position += 1
            }
            try expect("\"")
            return out
        }
        let start = position
        var out = ""
        while position < characters.count, !stop.contains(characters[position]) {
            out.append(characters[position])
            position += 1
        }
        let trimmed = out.trimmingSpaces
        guard !trimmed.isEmpty else { throw error("an argument", at: start) }
        return trimmed
    }
}

extension String {
    /// Without leading and trailing whitespace.
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
