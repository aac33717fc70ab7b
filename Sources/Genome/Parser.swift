import Spelling
/// Reading genomes from S-expression text, e.g. `(rgb (sin (* 3.1 x)) (abs (- y r)) (noise x y))`.
///
/// Grammar: `expr := number | name | '(' name expr* ')'`; `;` starts a comment to the end of
/// the line. The parser is iterative (an explicit stack), linear in the input and refuses
/// nesting deeper than `Genome.maxDepth` with a positioned error, so hostile input cannot
/// overflow the stack or hang it.
extension Genome {
    /// Parses one genome from its text form; throws `GenomeError` naming line, column, what
    /// was found and what was expected.
    ///
    /// `(photo@KEY u v)` samples the picture with that key, which must be among `pictures`;
    /// a bare `(photo u v)` samples the only picture given.
    public init(parsing text: String, pictures: Pictures = .none) throws {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }   // a UTF-8 byte-order mark
        bytes.append(0x0A)   // a final newline simplifies end-of-token handling
        var parser = Parser(bytes: bytes, pictures: pictures)
        self.init(validNodes: try parser.parse(), pictures: pictures)
        try checkEvaluationCost()
    }
}

/// One lexical token with its 1-based position.
private struct Token {
    enum Kind { case open, close, atom, end }
    var kind: Kind
    var start: Int, end: Int
    var line: Int, column: Int
}

private struct Parser {
    let bytes: [UInt8]
    let pictures: Pictures
    var index = 0
    var line = 1
    var column = 1

    init(bytes: [UInt8], pictures: Pictures) {
        self.bytes = bytes
        self.pictures = pictures
    }

    /// An expression still waiting for arguments.
    struct Frame {
        var op: Op
        var count: Int
        var line: Int, column: Int
    }

    mutating func parse() throws -> [Node] {
        var nodes: [Node] = []
        var stack: [Frame] = []
        var done = false
        while true {
            let token = try next()
            if token.kind == .end { break }
            if done {
                throw GenomeError.unexpectedToken(found: describe(token), expected: "end of input",
                                                  line: token.line, column: token.column)
            }
            switch token.kind {
            case .open:
                try takeArgumentSlot(&stack, at: token)
                let name = try next()
                guard name.kind == .atom else {
                    if name.kind == .end {
                        throw GenomeError.unexpectedEnd(expected: "an operator name and ')'",
                                                        openLine: token.line, openColumn: token.column)
                    }
                    throw GenomeError.unexpectedToken(found: describe(name), expected: "an operator name after '('",
                                                      line: name.line, column: name.column)
                }
                let node = try atom(name)
                guard node.op.arity > 0 else {
                    throw GenomeError.wrongArity(op: text(name), expected: 0, found: 0,
                                                 line: name.line, column: name.column)
                }
                guard stack.count < Genome.maxDepth - 1 else {   // leaves room for the leaves
                    throw GenomeError.tooDeep(limit: Genome.maxDepth, line: token.line, column: token.column)
                }
                nodes.append(node)
                stack.append(Frame(op: node.op, count: 0, line: token.line, column: token.column))
            case .close:
                guard let frame = stack.last else {
                    throw GenomeError.unexpectedToken(found: "')'", expected: "an expression before it",
                                                      line: token.line, column: token.column)
                }
                guard frame.count == frame.op.arity else {
                    throw GenomeError.wrongArity(op: frame.op.name, expected: frame.op.arity, found: frame.count,
                                                 line: token.line, column: token.column)
                }
                stack.removeLast()
                done = stack.isEmpty
            case .atom:
                try takeArgumentSlot(&stack, at: token)
                let node = try atom(token)
                guard node.op.arity == 0 else {
                    throw GenomeError.wrongArity(op: node.op.name, expected: node.op.arity, found: 0,
                                                 line: token.line, column: token.column)
                }
                nodes.append(node)
                done = stack.isEmpty
            case .end:
                break
            }
            guard nodes.count <= Genome.maxNodes else {
                throw GenomeError.tooManyNodes(count: nodes.count, limit: Genome.maxNodes)
            }
        }
        if let frame = stack.last {
            throw GenomeError.unexpectedEnd(expected: frame.count < frame.op.arity ? "more arguments and ')'" : "')'",
                                            openLine: frame.line, openColumn: frame.column)
        }
        guard !nodes.isEmpty else { throw GenomeError.empty }
        return nodes
    }

    /// Counts one more argument for the innermost open expression, refusing one too many.
    func takeArgumentSlot(_ stack: inout [Frame], at token: Token) throws {
        guard !stack.isEmpty else { return }
        let top = stack.count - 1
        guard stack[top].count < stack[top].op.arity else {
            throw GenomeError.wrongArity(op: stack[top].op.name, expected: stack[top].op.arity,
                                         found: stack[top].count + 1, line: token.line, column: token.column)
        }
        stack[top].count += 1
    }

    func text(_ token: Token) -> String {
        String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .open: return "'('"
        case .close: return "')'"
        case .end: return "end of input"
        case .atom: return "'\(text(token))'"
        }
    }

    /// The node an atom denotes: a number or a named operator.
    func atom(_ token: Token) throws -> Node {
        let s = text(token)
        let first = bytes[token.start]
        let second = token.end - token.start > 1 ? bytes[token.start + 1] : 0
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let looksNumeric = isDigit(first) || first == 0x2E
            || ((first == 0x2D || first == 0x2B) && (isDigit(second) || second == 0x2E))
        if looksNumeric {
            guard Parser.isDecimal(bytes[token.start..<token.end]), let value = Float(s) else {
                throw GenomeError.badNumber(text: s, line: token.line, column: token.column)
            }
            guard Genome.admits(constant: value) else {
                throw GenomeError.constantOutOfRange(text: s, line: token.line, column: token.column)
            }
            return .constant(value)
        }
        if s == "photo" || s.hasPrefix("photo@") { return try photo(s, token) }
        guard let op = Op(name: s) else {
            throw GenomeError.unknownOperator(name: s, suggestions: Suggestions.names(near: s),
                                              line: token.line, column: token.column)
        }
        return Node(op)
    }

    /// A `photo` node: `photo@KEY` (six hex digits) naming one of `pictures`, or bare `photo`
    /// when exactly one picture is given.
    func photo(_ s: String, _ token: Token) throws -> Node {
        let missing = { (key: String) in
            GenomeError.missingPicture(key: key, available: self.pictures.all.map(\.keyText),
                                       line: token.line, column: token.column)
        }
        guard s != "photo" else {
            guard pictures.all.count == 1 else { throw missing("") }
            return .photo(key: pictures.all[0].key)
        }
        let hex = s.dropFirst("photo@".count)
        guard hex.count == 6, let key = UInt32(hex, radix: 16), hex.allSatisfy({ $0.isHexDigit }) else {
            throw GenomeError.unknownOperator(name: s, suggestions: ["photo@KEY (six hex digits)"],
                                              line: token.line, column: token.column)
        }
        guard pictures[key] != nil else { throw missing(String(hex).lowercased()) }
        return .photo(key: key)
    }

    /// `[+-]? (d+ (. d*)? | . d+) ([eE] [+-]? d+)?`
    static func isDecimal(_ s: ArraySlice<UInt8>) -> Bool {
        var i = s.startIndex
        func digits() -> Int {
            let start = i
            while i < s.endIndex, s[i] >= 0x30, s[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < s.endIndex, s[i] == 0x2B || s[i] == 0x2D { i += 1 }
        var mantissa = digits()
        if i < s.endIndex, s[i] == 0x2E {
            i += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if i < s.endIndex, s[i] == 0x65 || s[i] == 0x45 {
            i += 1
            if i < s.endIndex, s[i] == 0x2B || s[i] == 0x2D { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == s.endIndex
    }

    /// Advances one byte, keeping line and column (columns count characters, not bytes).
    mutating func advance() {
        let b = bytes[index]
        index += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// The next token, skipping whitespace and comments; rejects bytes that cannot be genome text.
    mutating func next() throws -> Token {
        while index < bytes.count {
            let b = bytes[index]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                advance()
            } else if b == 0x3B {                   // ';' comment: anything up to the newline
                while index < bytes.count, bytes[index] != 0x0A { advance() }
            } else {
                break
            }
        }
        guard index < bytes.count else {
            return Token(kind: .end, start: index, end: index, line: line, column: column)
        }
        let start = index, startLine = line, startColumn = column
        let b = bytes[index]
        if b == 0x28 || b == 0x29 {
            advance()
            return Token(kind: b == 0x28 ? .open : .close, start: start, end: index, line: startLine, column: startColumn)
        }
        while index < bytes.count {
            let c = bytes[index]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x28 || c == 0x29 || c == 0x3B { break }
            guard c > 0x20, c < 0x7F else {
                throw GenomeError.invalidByte(c, line: line, column: column)
            }
            advance()
        }
        return Token(kind: .atom, start: start, end: index, line: startLine, column: startColumn)
    }
}

/// "Did you mean …" suggestions by edit distance over the primitive names.
enum Suggestions {
    /// The closest operator names to `name` (case-insensitive Levenshtein distance ≤ 2), best first.
    static func names(near name: String) -> [String] {
        let target = Array(name.lowercased().utf8)
        guard target.count <= 64 else { return [] }
        let scored = Primitive.table.filter { $0.op != .constant }.map { ($0.name, EditDistance.between(target, Array($0.name.utf8))) }
        guard let best = scored.map(\.1).min(), best <= Swift.min(2, Swift.max(1, target.count / 2)) else { return [] }
        return scored.filter { $0.1 == best }.map(\.0).prefix(3).map { $0 }
    }
}
