import Spelling
import Foundation

/// The 1000 ImageNet class names in index order, with lookup by index, by name and by query.
///
/// Each entry is a comma-separated list of synonyms, e.g. `"tabby, tabby cat"`; any synonym
/// names the class. A few synonyms are shared ("crane" is a bird and a machine): looking those
/// up is an `.ambiguousClass` error listing the candidates.
public struct ImageNetClasses: Sendable {
    /// Full names, e.g. `"tiger cat"`, `"tabby, tabby cat"`.
    public let names: [String]
    /// Each class's synonyms, lower-cased and trimmed.
    private let synonyms: [[String]]
    /// Lower-cased synonym → class indices having it.
    private let bySynonym: [String: [Int]]

    /// The list bundled with the module (`Resources/imagenet_classes.txt`).
    public static func bundled() throws -> ImageNetClasses {
        guard let url = Bundle.module.url(forResource: "imagenet_classes", withExtension: "txt") else {
            throw NetError.classListUnavailable(reason: "imagenet_classes.txt is not in the module bundle")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw NetError.classListUnavailable(reason: "\(url.path) cannot be read as UTF-8")
        }
        let names = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lines = names.last == "" ? Array(names.dropLast()) : names
        guard lines.count == 1000, lines.allSatisfy({ !$0.isEmpty }) else {
            throw NetError.classListUnavailable(reason: "\(url.path) has \(lines.count) lines, expected 1000 non-empty names")
        }
        return ImageNetClasses(names: lines)
    }

    /// A class list from explicit names (one entry per class, synonyms comma-separated).
    public init(names: [String]) {
        self.names = names
        synonyms = names.map { Self.splitSynonyms($0) }
        var map: [String: [Int]] = [:]
        for (i, list) in synonyms.enumerated() {
            for s in Set(list) { map[s, default: []].append(i) }
            let full = Self.normalise(names[i])
            if !list.contains(full) { map[full, default: []].append(i) }
        }
        bySynonym = map
    }

    public var count: Int { names.count }

    /// The full name of class `index`.
    public func name(of index: Int) throws -> String {
        guard names.indices.contains(index) else { throw NetError.classIndexOutOfRange(index: index, count: names.count) }
        return names[index]
    }

    /// The first synonym of class `index` (e.g. `"tabby"` for `"tabby, tabby cat"`).
    public func shortName(of index: Int) throws -> String {
        let full = try name(of: index)
        return full.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? full
    }

    /// The index of the class having `name` as its full name or as one synonym (case-insensitive).
    ///
    /// Throws `.unknownClass` with up to five suggestions, or `.ambiguousClass` when the name is
    /// a synonym of several classes.
    public func index(of name: String) throws -> Int {
        let key = Self.normalise(name)
        if let hits = bySynonym[key] {
            if hits.count == 1 { return hits[0] }
            throw NetError.ambiguousClass(name: name, matches: hits.map { "\($0) \(names[$0])" })
        }
        throw NetError.unknownClass(name: name, suggestions: candidates(matching: name).map { names[$0.index] })
    }

    /// The class a user's argument names: an index (checked against the count), a full name or a
    /// synonym (as `index(of:)`).
    public func index(ofArgument argument: String) throws -> Int {
        if let i = Int(argument) {
            _ = try name(of: i)
            return i
        }
        return try index(of: argument)
    }

    /// One ranked candidate of `candidates(matching:)`.
    public struct Match: Sendable, Equatable {
        public let index: Int
        public let name: String
        /// Higher is better: 100 exact synonym, 80 whole words of a synonym, 60 synonym prefix,
        /// 40 substring, 20 − edit distance for near spellings.
        public let score: Int

        public init(index: Int, name: String, score: Int) {
            self.index = index
            self.name = name
            self.score = score
        }
    }

    /// Classes whose names resemble `query`, best first: exact synonym, the query as whole
    /// words of a synonym ("cat" in "tiger cat"), a synonym starting with it, a substring, then
    /// synonyms or words within a small edit distance (typos). Ties keep index order.
    public func candidates(matching query: String, limit: Int = 5) -> [Match] {
        let q = Self.normalise(query)
        guard !q.isEmpty, limit > 0 else { return [] }
        let qWords = q.split(separator: " ").map(String.init)
        let maxDistance = q.count <= 4 ? 1 : 2
        var matches: [Match] = []
        for (i, list) in synonyms.enumerated() {
            var best = 0
            for s in list {
                let words = s.split(separator: " ").map(String.init)
                if s == q { best = max(best, 100) }
                else if Self.containsRun(words, qWords) { best = max(best, 80) }
                else if s.hasPrefix(q) { best = max(best, 60) }
                else if s.contains(q) { best = max(best, 40) }
                else {
                    let d = min(EditDistance.between(s.unicodeScalars, q.unicodeScalars, limit: maxDistance),
                                words.map { EditDistance.between($0.unicodeScalars, q.unicodeScalars, limit: maxDistance) }.min() ?? Int.max)
                    if d <= maxDistance { best = max(best, 20 - d) }
                }
            }
            if best > 0 { matches.append(Match(index: i, name: names[i], score: best)) }
        }
        matches.sort { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        return Array(matches.prefix(limit))
    }

    // MARK: Helpers

    static func normalise(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "_" }).joined(separator: " ")
    }

    static func splitSynonyms(_ name: String) -> [String] {
        name.split(separator: ",").map { normalise(String($0)) }.filter { !$0.isEmpty }
    }

    /// Whether `needle` occurs as consecutive whole words in `words`.
    private static func containsRun(_ words: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, needle.count <= words.count else { return false }
        return (0...(words.count - needle.count)).contains { Array(words[$0..<($0 + needle.count)]) == needle }
    }
}
