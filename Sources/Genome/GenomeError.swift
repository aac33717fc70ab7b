/// Everything that can go wrong reading or building a genome. Positions are 1-based
/// (line, column in characters); 0 means "not from text".
public enum GenomeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The text holds no expression (only whitespace and comments).
    case empty
    /// A token where another was expected (e.g. a stray `)`, text after the expression).
    case unexpectedToken(found: String, expected: String, line: Int, column: Int)
    /// The text ended inside an expression opened at (line, column).
    case unexpectedEnd(expected: String, openLine: Int, openColumn: Int)
    /// An operator name that is not in the primitive set.
    case unknownOperator(name: String, suggestions: [String], line: Int, column: Int)
    /// An operator used with the wrong number of arguments.
    case wrongArity(op: String, expected: Int, found: Int, line: Int, column: Int)
    /// A token that starts like a number but is not a decimal number.
    case badNumber(text: String, line: Int, column: Int)
    /// A number that is infinite, NaN or beyond ±10⁶.
    case constantOutOfRange(text: String, line: Int, column: Int)
    /// Nesting deeper than the limit, first exceeded at (line, column).
    case tooDeep(limit: Int, line: Int, column: Int)
    /// More nodes than the limit.
    case tooManyNodes(count: Int, limit: Int)
    /// More body evaluations per sample than the limit (`Genome.evaluationCost`: `blur` and
    /// `graddir` multiply their body's cost).
    case tooCostly(cost: Int, limit: Int)
    /// A byte that cannot appear in genome text (control character, non-ASCII outside a comment).
    case invalidByte(UInt8, line: Int, column: Int)
    /// A node array that is not one complete expression.
    case invalidNodes(reason: String)
    /// A random-generator state that is not four words or is all zero.
    case invalidGeneratorState([UInt64])
    /// Limits that no genome can satisfy.
    case invalidLimits(maxDepth: Int, maxNodes: Int)
    /// A primitive set without functions or terminals, or with them mixed up.
    case invalidPrimitiveSet(functions: [String], terminals: [String])
    /// Picture bytes that are not `3·side²` planar RGB bytes of a side in 1…`Picture.maxSide`.
    case invalidPicture(side: Int, byteCount: Int)
    /// A `photo` naming a picture (by key; "" for a bare `photo`) that was not given with the
    /// genome (line 0: not from text).
    case missingPicture(key: String, available: [String], line: Int, column: Int)

    public var description: String {
        switch self {
        case .empty:
            return "empty genome: the text holds no expression; write one, e.g. (rgb x y r)"
        case let .unexpectedToken(found, expected, line, column):
            return "line \(line), column \(column): found \(found), expected \(expected)"
        case let .unexpectedEnd(expected, line, column):
            return "unexpected end of text: expected \(expected) to close the '(' opened at line \(line), column \(column)"
        case let .unknownOperator(name, suggestions, line, column):
            let hint = suggestions.isEmpty
                ? "see the primitive table (Primitive.markdownTable)"
                : "did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?"
            return "line \(line), column \(column): unknown operator '\(name)'; \(hint)"
        case let .wrongArity(op, expected, found, line, column):
            let args = expected == 1 ? "argument" : "arguments"
            if expected == 0 {
                return "line \(line), column \(column): '\(op)' takes no arguments; write it without parentheses"
            }
            if found == 0 {
                return "line \(line), column \(column): '\(op)' takes \(expected) \(args); write (\(op) …)"
            }
            return "line \(line), column \(column): '\(op)' takes \(expected) \(args), found \(found)"
        case let .badNumber(text, line, column):
            return "line \(line), column \(column): bad number '\(text)'; write a decimal such as 3.1, -2 or 1e-3"
        case let .constantOutOfRange(text, line, column):
            let at = line > 0 ? "line \(line), column \(column): " : ""
            return "\(at)constant \(text) is out of range; constants must be finite with magnitude ≤ 1e6"
        case let .tooDeep(limit, line, column):
            let at = line > 0 ? "line \(line), column \(column): " : ""
            return "\(at)expression nested deeper than \(limit) levels; simplify the genome"
        case let .tooManyNodes(count, limit):
            return "genome has \(count)+ nodes, more than the limit of \(limit)"
        case let .tooCostly(cost, limit):
            return "genome evaluates its subtrees \(cost) times per sample, more than the limit of \(limit): "
                + "each blur evaluates its body 9 times and each graddir 4 times, so nest fewer of them "
                + "or give them smaller bodies"
        case let .invalidByte(byte, line, column):
            let hex = String(byte, radix: 16, uppercase: true)
            return "line \(line), column \(column): invalid byte 0x\(hex.count == 1 ? "0" + hex : hex); "
                + "genome text is ASCII S-expressions (other characters only after ';')"
        case let .invalidNodes(reason):
            return "invalid genome nodes: \(reason)"
        case let .invalidGeneratorState(words):
            return "invalid random generator state \(words): need 4 words, not all zero"
        case let .invalidLimits(maxDepth, maxNodes):
            return "invalid limits maxDepth \(maxDepth), maxNodes \(maxNodes): both must be at least 1"
        case let .invalidPrimitiveSet(functions, terminals):
            return "invalid primitive set: functions \(functions), terminals \(terminals); "
                + "give at least one operator with arguments and one terminal (x, y, r, t or <number>)"
        case let .invalidPicture(side, byteCount):
            return "invalid picture: side \(side) with \(byteCount) bytes; a picture is 3·side² planar RGB bytes "
                + "with a side of 1 to \(Picture.maxSide)"
        case let .missingPicture(key, available, line, column):
            let at = line > 0 ? "line \(line), column \(column): " : ""
            let known = available.isEmpty
                ? "no picture was given with this formula: a formula with photo is read with its run's picture "
                    + "(evolve --start-from PNG stores it), or render it with --picture PNG"
                : "the pictures given are " + available.map { "photo@\($0)" }.joined(separator: ", ")
            let what = key.isEmpty ? "a bare photo (no @KEY) needs exactly one picture given" : "photo@\(key) names a picture that is not here"
            return "\(at)\(what); \(known)"
        }
    }
}
