/// A value built by the unpickler. Lists and dicts are reference boxes because pickle memoises
/// them before filling them (the memo and the stack share one object, as in Python).
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// A LONG1 integer too wide for `Int`: its little-endian two's-complement bytes.
    case bigInt([UInt8])
    case string(String)
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(module: String, name: String)
    /// What the caller's persistent-load hook made of a BINPERSID id.
    case persistent(Int)
    /// What the caller's reduce hook made of `callable(*args)`.
    case object(Int)

    /// A short human-readable name of the value's kind, for error messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(m, n): return "global \(m).\(n)"
        case .persistent: return "persistent object"
        case .object: return "object"
        }
    }
}

final class PickleList { var items: [PickleValue] = [] }
final class PickleDict { var entries: [(key: PickleValue, value: PickleValue)] = [] }

/// A pickle problem found at a byte offset; `TorchCheckpoint` turns it into a `NetError`.
struct PickleFailure: Error {
    let offset: Int
    let reason: String
}

/// A small protocol-2 unpickler that knows only the opcodes legacy `torch.save` files use.
///
/// It never calls or imports anything: globals are checked against `allowedGlobals`, and
/// REDUCE / BINPERSID / BUILD are handed to the caller's hooks, which build plain values.
/// Any other opcode is an error naming it and its offset.
struct PickleMachine {
    let bytes: [UInt8]
    private(set) var position: Int
    var allowedGlobals: Set<String> = []
    /// Called for BINPERSID with the persistent id; returns the value to push.
    var persistentLoad: (PickleValue, Int) throws -> PickleValue = { _, offset in
        throw PickleFailure(offset: offset, reason: "unexpected persistent id")
    }
    /// Called for REDUCE with the callable (a global) and its argument tuple.
    var reduce: (PickleValue, [PickleValue], Int) throws -> PickleValue = { callable, _, offset in
        throw PickleFailure(offset: offset, reason: "refusing to call \(callable.kind)")
    }

    init(bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Reads one pickle (through its STOP opcode) and returns the top-level value.
    mutating func load() throws -> PickleValue {
        var stack: [PickleValue] = []
        var marks: [Int] = []
        var memo: [Int: PickleValue] = [:]
        let start = position
        if position >= bytes.count { throw PickleFailure(offset: position, reason: "truncated: expected another pickle, found end of file") }
        if bytes[position] != 0x80 { throw PickleFailure(offset: position, reason: "no pickle protocol header (byte 0x\(hex(bytes[position])))") }

        func pop(_ offset: Int) throws -> PickleValue {
            guard let v = stack.popLast() else { throw PickleFailure(offset: offset, reason: "pickle stack underflow") }
            return v
        }
        func popMark(_ offset: Int) throws -> [PickleValue] {
            guard let m = marks.popLast(), m <= stack.count else { throw PickleFailure(offset: offset, reason: "pickle MARK missing") }
            let items = Array(stack[m...])
            stack.removeSubrange(m...)
            return items
        }

        while true {
            let offset = position
            let op = try readByte()
            switch op {
            case 0x80: // PROTO
                let proto = try readByte()
                if proto > 2 { throw PickleFailure(offset: offset, reason: "pickle protocol \(proto) is not supported (legacy torch files use 2)") }
            case 0x2E: // STOP
                guard stack.count == 1, let top = stack.first else {
                    throw PickleFailure(offset: offset, reason: "pickle starting at byte \(start) ends with \(stack.count) values on the stack")
                }
                return top
            case 0x28: marks.append(stack.count)                                        // MARK
            case 0x4E: stack.append(.none)                                              // NONE
            case 0x88: stack.append(.bool(true))                                        // NEWTRUE
            case 0x89: stack.append(.bool(false))                                       // NEWFALSE
            case 0x4B: stack.append(.int(Int(try readByte())))                          // BININT1
            case 0x4D: stack.append(.int(Int(try readUInt(2))))                         // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try readUInt(4))))) // BININT
            case 0x8A: // LONG1
                let n = Int(try readByte())
                let raw = try readBytes(n)
                stack.append(Self.integer(fromLittleEndian: raw))
            case 0x58: // BINUNICODE
                let n = Int(try readUInt(4))
                let raw = try readBytes(n)
                guard let s = String(validating: raw, as: UTF8.self) else {
                    throw PickleFailure(offset: offset, reason: "string is not valid UTF-8")
                }
                stack.append(.string(s))
            case 0x29: stack.append(.tuple([]))                                         // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark(offset)))                        // TUPLE
            case 0x85: stack.append(.tuple([try pop(offset)]))                          // TUPLE1
            case 0x86, 0x87: // TUPLE2, TUPLE3
                let n = op == 0x86 ? 2 : 3
                guard stack.count >= n else { throw PickleFailure(offset: offset, reason: "pickle stack underflow") }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(.tuple(items))
            case 0x5D: stack.append(.list(PickleList()))                                // EMPTY_LIST
            case 0x7D: stack.append(.dict(PickleDict()))                                // EMPTY_DICT
            case 0x61, 0x65: // APPEND, APPENDS
                let items = op == 0x61 ? [try pop(offset)] : try popMark(offset)
                guard case let .list(list)? = stack.last else { throw PickleFailure(offset: offset, reason: "APPEND to a non-list") }
                list.items.append(contentsOf: items)
            case 0x73, 0x75: // SETITEM, SETITEMS
                var items: [PickleValue]
                if op == 0x73 { let v = try pop(offset); let k = try pop(offset); items = [k, v] } else { items = try popMark(offset) }
                guard items.count % 2 == 0 else { throw PickleFailure(offset: offset, reason: "SETITEMS with an odd number of values") }
                guard case let .dict(dict)? = stack.last else { throw PickleFailure(offset: offset, reason: "SETITEM on a non-dict") }
                for i in stride(from: 0, to: items.count, by: 2) { dict.entries.append((items[i], items[i + 1])) }
            case 0x71, 0x72: // BINPUT, LONG_BINPUT
                let index = Int(op == 0x71 ? UInt64(try readByte()) : try readUInt(4))
                guard let top = stack.last else { throw PickleFailure(offset: offset, reason: "memo PUT with an empty stack") }
                memo[index] = top
            case 0x68, 0x6A: // BINGET, LONG_BINGET
                let index = Int(op == 0x68 ? UInt64(try readByte()) : try readUInt(4))
                guard let value = memo[index] else { throw PickleFailure(offset: offset, reason: "memo GET of unknown slot \(index)") }
                stack.append(value)
            case 0x63: // GLOBAL
                let module = try readLine(offset)
                let name = try readLine(offset)
                guard allowedGlobals.contains("\(module).\(name)") else {
                    throw PickleFailure(offset: offset, reason: "refusing global \(module).\(name) (not part of a state dict)")
                }
                stack.append(.global(module: module, name: name))
            case 0x52: // REDUCE
                let args = try pop(offset)
                let callable = try pop(offset)
                guard case let .tuple(items) = args else { throw PickleFailure(offset: offset, reason: "REDUCE arguments are a \(args.kind), not a tuple") }
                stack.append(try reduce(callable, items, offset))
            case 0x51: // BINPERSID
                stack.append(try persistentLoad(try pop(offset), offset))
            case 0x62: // BUILD: only OrderedDict's attribute dict (`_metadata`), which we drop
                let state = try pop(offset)
                guard case .dict? = stack.last, case .dict = state else {
                    throw PickleFailure(offset: offset, reason: "BUILD on a \(stack.last?.kind ?? "empty stack") is not supported")
                }
            default:
                throw PickleFailure(offset: offset, reason: "unsupported pickle opcode 0x\(hex(op))")
            }
        }
    }

    // MARK: Reading primitives

    private mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw truncated(1) }
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads an unsigned little-endian integer of `count` ≤ 8 bytes.
    mutating func readUInt(_ count: Int) throws -> UInt64 {
        guard bytes.count - position >= count else { throw truncated(count) }
        var v: UInt64 = 0
        for i in 0..<count { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += count
        return v
    }

    mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - position >= count else { throw truncated(count) }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    private mutating func readLine(_ offset: Int) throws -> String {
        guard let end = bytes[position...].prefix(256).firstIndex(of: 0x0A) else {
            throw PickleFailure(offset: offset, reason: "GLOBAL name is not terminated by a newline")
        }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private func truncated(_ needed: Int) -> PickleFailure {
        PickleFailure(offset: position, reason: "truncated: needs \(needed) more bytes, \(bytes.count - position) left")
    }

    private static func integer(fromLittleEndian raw: ArraySlice<UInt8>) -> PickleValue {
        if raw.isEmpty { return .int(0) }
        if raw.count > 8 { return .bigInt(Array(raw)) }
        var v: UInt64 = 0
        for (i, b) in raw.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        let bits = 8 * raw.count
        if bits < 64, let last = raw.last, last & 0x80 != 0 { v |= ~0 << UInt64(bits) } // sign-extend
        return .int(Int(Int64(bitPattern: v)))
    }
}

func hex(_ b: UInt8) -> String {
    let s = String(b, radix: 16, uppercase: true)
    return s.count == 1 ? "0" + s : s
}
