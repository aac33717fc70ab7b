import Foundation

/// Writes legacy (non-zip) `torch.save` files by hand, pickle opcode by opcode, the way
/// PyTorch < 1.6 wrote a state dict: the test's independent model of the format.
struct LegacyTorchWriter {
    /// One tensor to write: values in row-major order; `permutation` stores it as a permuted
    /// view (the storage holds the axes in that order, the strides undo it).
    struct Entry {
        var name: String
        var shape: [Int]
        var values: [Float]
        var int64 = false
        var permutation: [Int]? = nil
        var offset = 0  // leading storage elements before the tensor's data
    }

    var entries: [Entry] = []
    /// Write OrderedDict's `_metadata` attribute through BUILD, as torch does.
    var withMetadata = true

    mutating func add(_ name: String, _ shape: [Int], _ values: [Float], permutation: [Int]? = nil, offset: Int = 0) {
        entries.append(Entry(name: name, shape: shape, values: values, permutation: permutation, offset: offset))
    }

    mutating func addCounter(_ name: String, _ value: Int64) {
        entries.append(Entry(name: name, shape: [], values: [Float(value)], int64: true))
    }

    /// The whole file.
    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        // 1. magic number 0x1950a86a20f9469cfc6c as LONG1
        out += [0x80, 0x02, 0x8A, 10, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        // 2. protocol version 1001
        out += [0x80, 0x02, 0x4D] + le(1001, 2) + [0x2E]
        // 3. sys info
        var p = Pickle()
        p.op(0x7D); p.op(0x28)
        p.string("protocol_version"); p.int(1001)
        p.string("little_endian"); p.op(0x88)
        p.string("type_sizes"); p.op(0x7D); p.op(0x28)
        p.string("short"); p.int(2); p.string("int"); p.int(4); p.string("long"); p.int(4)
        p.op(0x75); p.op(0x75)
        out += p.finish()
        // 4. state dict
        p = Pickle()
        p.global("collections", "OrderedDict"); p.put(0); p.op(0x29); p.op(0x52); p.put(1)
        p.op(0x28)
        for (i, e) in entries.enumerated() {
            p.string(e.name)
            if i == 0 { p.global("torch._utils", "_rebuild_tensor_v2"); p.put(2) } else { p.get(2) }
            p.op(0x28)
            p.op(0x28); p.string("storage"); p.global("torch", e.int64 ? "LongStorage" : "FloatStorage")
            p.string("key\(i)"); p.string("cpu"); p.int(e.offset + e.values.count); p.op(0x4E); p.op(0x74)
            p.op(0x51)                       // BINPERSID
            p.int(e.offset)
            p.tuple(e.shape)
            p.tuple(strides(e))
            p.op(0x89)                       // requires_grad False
            p.get(0); p.op(0x29); p.op(0x52) // backward hooks: OrderedDict()
            p.op(0x74)
            p.op(0x52)
        }
        p.op(0x75)
        if withMetadata {
            p.op(0x7D); p.string("_metadata"); p.get(0); p.op(0x29); p.op(0x52)
            p.op(0x28); p.string(""); p.op(0x7D); p.string("version"); p.int(1); p.op(0x73); p.op(0x75)
            p.op(0x73)
            p.op(0x62)                       // BUILD
        }
        out += p.finish()
        // 5. storage keys
        p = Pickle()
        p.op(0x5D); p.op(0x28)
        for i in entries.indices { p.string("key\(i)") }
        p.op(0x65)
        out += p.finish()
        // 6. storages
        for e in entries {
            let stored = [Float](repeating: 7, count: e.offset) + storageOrder(e)
            out += le(UInt64(stored.count), 8)
            for v in stored {
                out += e.int64 ? le(UInt64(bitPattern: Int64(v)), 8) : le(UInt64(v.bitPattern), 4)
            }
        }
        return out
    }

    /// Strides of the view: row-major, or those of a permuted storage.
    private func strides(_ e: Entry) -> [Int] {
        guard let perm = e.permutation else { return rowMajorStrides(e.shape) }
        let stored = perm.map { e.shape[$0] }
        let storedStrides = rowMajorStrides(stored)
        var s = [Int](repeating: 0, count: e.shape.count)
        for (i, axis) in perm.enumerated() { s[axis] = storedStrides[i] }
        return s
    }

    /// The values in storage order (permuted axes when `permutation` is set).
    private func storageOrder(_ e: Entry) -> [Float] {
        guard let perm = e.permutation else { return e.values }
        let stored = perm.map { e.shape[$0] }
        let src = rowMajorStrides(e.shape)
        var out = [Float](repeating: 0, count: e.values.count)
        for j in 0..<out.count {
            var rest = j, index = 0
            for (i, d) in stored.enumerated().reversed() {
                index += (rest % d) * src[perm[i]]
                rest /= d
            }
            out[j] = e.values[index]
        }
        return out
    }
}

func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in shape.indices.reversed() { s[i] = acc; acc *= shape[i] }
    return s
}

func le<T: FixedWidthInteger>(_ v: T, _ bytes: Int) -> [UInt8] {
    (0..<bytes).map { UInt8(truncatingIfNeeded: UInt64(truncatingIfNeeded: v) >> (8 * UInt64($0))) }
}

/// A protocol-2 pickle under construction.
struct Pickle {
    private(set) var bytes: [UInt8] = [0x80, 0x02]
    mutating func op(_ b: UInt8) { bytes.append(b) }
    mutating func string(_ s: String) { let u = Array(s.utf8); bytes += [0x58] + le(UInt32(u.count), 4) + u }
    mutating func int(_ v: Int) {
        if v >= 0 && v < 256 { bytes += [0x4B, UInt8(v)] }
        else if v >= 0 && v < 65536 { bytes += [0x4D] + le(UInt16(v), 2) }
        else { bytes += [0x4A] + le(Int32(v), 4) }
    }
    mutating func tuple(_ values: [Int]) {
        switch values.count {
        case 0: op(0x29)
        case 1: int(values[0]); op(0x85)
        default: op(0x28); values.forEach { int($0) }; op(0x74)
        }
    }
    mutating func global(_ module: String, _ name: String) { bytes += [0x63] + Array("\(module)\n\(name)\n".utf8) }
    mutating func put(_ i: Int) { bytes += i < 256 ? [0x71, UInt8(i)] : [0x72] + le(UInt32(i), 4) }
    mutating func get(_ i: Int) { bytes += i < 256 ? [0x68, UInt8(i)] : [0x6A] + le(UInt32(i), 4) }
    func finish() -> [UInt8] { bytes + [0x2E] }
}
