import Foundation

/// One tensor of a checkpoint: its shape and its values in row-major order.
public struct TorchTensor: Sendable, Equatable {
    /// The element type the file stores.
    public enum Element: String, Sendable { case float32, int64 }

    /// Dimensions, outermost first (`[]` for a 0-d scalar such as `num_batches_tracked`).
    public let shape: [Int]
    /// The element type in the file; int64 values are converted to `Float` in `values`.
    public let element: Element
    /// The `shape.reduce(1, *)` values, contiguous row-major.
    public let values: [Float]

    public init(shape: [Int], element: Element = .float32, values: [Float]) {
        self.shape = shape
        self.element = element
        self.values = values
    }
}

/// A state dict read natively from a *legacy* (pre-1.6, non-zip) `torch.save` file.
///
/// Layout: five pickles (magic number, protocol 1001, sys-info dict, the state dict, the list of
/// storage keys), then for every key in that list an int64 little-endian element count and the
/// raw little-endian data. Tensors may be strided views (permuted layouts are copied out to
/// row-major). Every size, offset and stride is checked; a damaged or foreign file
/// is a `NetError.checkpointInvalid` naming the file, the byte offset and the problem.
public struct TorchCheckpoint: Sendable {
    /// Where the bytes came from (used in error messages).
    public let path: String
    /// Tensor names in file order.
    public let names: [String]
    /// Tensors by name.
    public let tensors: [String: TorchTensor]

    /// The magic number pickled at the start of every legacy torch file, as LONG1 bytes.
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001

    /// Reads and validates the checkpoint at `path`.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be opened" : "no such file"
            throw NetError.checkpointUnreadable(path: path, reason: reason)
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Parses a checkpoint held in memory; `path` only labels errors.
    public init(bytes: [UInt8], path: String) throws {
        self.path = path
        do {
            (names, tensors) = try Self.parse(bytes)
        } catch let failure as PickleFailure {
            throw NetError.checkpointInvalid(path: path, offset: failure.offset, reason: failure.reason)
        }
    }

    /// The tensor called `key`, or `NetError.missingTensor`.
    public func tensor(_ key: String) throws -> TorchTensor {
        guard let t = tensors[key] else { throw NetError.missingTensor(key: key, path: path) }
        return t
    }

    // MARK: Parsing

    /// A storage as described by its persistent id.
    private struct StorageRef { let element: TorchTensor.Element; let key: String; let count: Int }
    /// A `_rebuild_tensor_v2(storage, offset, size, stride, ...)` call.
    private struct TensorRef { let storage: Int; let offset: Int; let shape: [Int]; let stride: [Int] }
    /// Parse-time tables the pickle hooks fill (a class so the hooks can share it).
    private final class Tables { var storages: [StorageRef] = []; var tensors: [TensorRef] = []; var orderedDicts: Set<Int> = [] }

    private static func parse(_ bytes: [UInt8]) throws -> ([String], [String: TorchTensor]) {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw PickleFailure(offset: 0, reason: "this is a zip-format checkpoint (torch ≥ 1.6); the reader expects the legacy format the pinned PyPI wheels ship")
        }
        var machine = PickleMachine(bytes: bytes)
        // 1. magic, 2. protocol, 3. sys info
        let magic = try machine.load()
        guard case let .bigInt(raw) = magic, raw == Self.magic else {
            throw PickleFailure(offset: 0, reason: "wrong magic number (found \(magic.kind)), not a legacy torch.save file")
        }
        let protoOffset = machine.position
        guard case let .int(proto) = try machine.load(), proto == protocolVersion else {
            throw PickleFailure(offset: protoOffset, reason: "unsupported torch.save protocol (expected \(protocolVersion))")
        }
        let infoOffset = machine.position
        guard case let .dict(info) = try machine.load() else { throw PickleFailure(offset: infoOffset, reason: "sys-info is not a dict") }
        for (k, v) in info.entries {
            if case .string("little_endian") = k, case .bool(false) = v {
                throw PickleFailure(offset: infoOffset, reason: "big-endian checkpoints are not supported")
            }
        }
        // 4. the state dict, through the restricted hooks
        let tables = Tables()
        machine.allowedGlobals = ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                                  "torch.FloatStorage", "torch.LongStorage"]
        machine.persistentLoad = { pid, offset in try Self.storage(pid, offset, tables) }
        machine.reduce = { callable, args, offset in try Self.call(callable, args, offset, tables) }
        let dictOffset = machine.position
        guard case let .dict(stateDict) = try machine.load() else { throw PickleFailure(offset: dictOffset, reason: "the checkpoint object is not a state dict") }
        var names: [String] = []
        var refs: [String: TensorRef] = [:]
        for (k, v) in stateDict.entries {
            guard case let .string(name) = k else { throw PickleFailure(offset: dictOffset, reason: "state-dict key is a \(k.kind), not a string") }
            guard case let .object(t) = v, t < tables.tensors.count else { throw PickleFailure(offset: dictOffset, reason: "state-dict entry '\(name)' is a \(v.kind), not a tensor") }
            guard refs[name] == nil else { throw PickleFailure(offset: dictOffset, reason: "state-dict key '\(name)' appears twice") }
            names.append(name)
            refs[name] = tables.tensors[t]
        }
        // 5. storage keys, 6. storage data
        machine.allowedGlobals = []
        let keysOffset = machine.position
        guard case let .list(keyList) = try machine.load() else { throw PickleFailure(offset: keysOffset, reason: "storage key list is not a list") }
        var refByKey: [String: StorageRef] = [:]
        for s in tables.storages {
            if let other = refByKey[s.key], other.count != s.count || other.element != s.element {
                throw PickleFailure(offset: dictOffset, reason: "storage '\(s.key)' is described twice with different sizes or types")
            }
            refByKey[s.key] = s
        }
        var data: [String: ArraySlice<UInt8>] = [:]
        for item in keyList.items {
            guard case let .string(key) = item else { throw PickleFailure(offset: keysOffset, reason: "storage key is a \(item.kind), not a string") }
            guard let ref = refByKey[key], data[key] == nil else {
                throw PickleFailure(offset: keysOffset, reason: "storage key '\(key)' is unknown or listed twice")
            }
            let countOffset = machine.position
            let count = Int64(bitPattern: try machine.readUInt(8))
            guard count == Int64(ref.count) else {
                throw PickleFailure(offset: countOffset, reason: "storage '\(key)' holds \(count) elements, its header says \(ref.count)")
            }
            let elementSize = ref.element == .float32 ? 4 : 8
            guard ref.count <= bytes.count / elementSize else {
                throw PickleFailure(offset: countOffset, reason: "truncated: storage '\(key)' needs \(ref.count) elements, the file is smaller")
            }
            data[key] = try machine.readBytes(ref.count * elementSize)
        }
        if let missing = refByKey.keys.sorted().first(where: { data[$0] == nil }) {
            throw PickleFailure(offset: keysOffset, reason: "storage '\(missing)' is used by a tensor but has no data")
        }
        if machine.position != bytes.count {
            throw PickleFailure(offset: machine.position, reason: "\(bytes.count - machine.position) unexpected bytes after the last storage")
        }
        var tensors: [String: TorchTensor] = [:]
        for name in names {
            guard let ref = refs[name] else { continue }
            let storage = tables.storages[ref.storage]
            guard let raw = data[storage.key] else { continue }
            tensors[name] = try tensor(name, ref, storage, raw, dictOffset)
        }
        return (names, tensors)
    }

    /// Checks a tensor's view of its storage and copies its values out.
    private static func tensor(_ name: String, _ ref: TensorRef, _ storage: StorageRef,
                               _ raw: ArraySlice<UInt8>, _ offset: Int) throws -> TorchTensor {
        func fail(_ why: String) -> PickleFailure { PickleFailure(offset: offset, reason: "tensor '\(name)': \(why)") }
        guard ref.shape.count == ref.stride.count else { throw fail("\(ref.shape.count) sizes but \(ref.stride.count) strides") }
        guard ref.shape.allSatisfy({ $0 >= 0 }), ref.offset >= 0 else { throw fail("negative size or offset") }
        var count = 1
        for d in ref.shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= storage.count else { throw fail("shape \(ref.shape) is larger than its storage") }
            count = p
        }
        // Views may be permuted (the Lite checkpoints store most convs channels-last), so any
        // non-negative strides are allowed as long as the last element stays inside the storage.
        guard ref.stride.allSatisfy({ $0 >= 0 }) else { throw fail("negative strides \(ref.stride)") }
        var last = ref.offset
        for (d, st) in zip(ref.shape, ref.stride) where d > 0 {
            let (step, o1) = (d - 1).multipliedReportingOverflow(by: st)
            let (sum, o2) = last.addingReportingOverflow(step)
            guard !o1, !o2 else { throw fail("strides \(ref.stride) overflow") }
            last = sum
        }
        guard count == 0 || last < storage.count else {
            throw fail("view (offset \(ref.offset), shape \(ref.shape), strides \(ref.stride)) reaches element \(last), its storage holds \(storage.count)")
        }
        let size = storage.element == .float32 ? 4 : 8
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            raw.withUnsafeBytes { bytes in
                // odometer over the multi-index in row-major order, tracking the storage index
                var index = [Int](repeating: 0, count: ref.shape.count)
                var source = ref.offset
                for i in 0..<count {
                    let at = source * size
                    if storage.element == .float32 {
                        buffer[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                    } else {
                        buffer[i] = Float(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self)))
                    }
                    var d = ref.shape.count - 1
                    while d >= 0 {
                        index[d] += 1
                        source += ref.stride[d]
                        if index[d] < ref.shape[d] { break }
                        source -= ref.stride[d] * ref.shape[d]
                        index[d] = 0
                        d -= 1
                    }
                }
            }
            initialized = count
        }
        return TorchTensor(shape: ref.shape, element: storage.element, values: values)
    }

    /// BINPERSID hook: `('storage', torch.FloatStorage, key, location, numel, view)`.
    private static func storage(_ pid: PickleValue, _ offset: Int, _ tables: Tables) throws -> PickleValue {
        guard case let .tuple(f) = pid, f.count >= 5, case .string("storage") = f[0],
              case let .global("torch", type) = f[1], case let .string(key) = f[2],
              case .string = f[3], case let .int(count) = f[4], count >= 0 else {
            throw PickleFailure(offset: offset, reason: "malformed storage id (expected ('storage', type, key, location, numel))")
        }
        if f.count > 5, case .none = f[5] {} else if f.count > 5 {
            throw PickleFailure(offset: offset, reason: "storage views are not supported")
        }
        let element: TorchTensor.Element
        switch type {
        case "FloatStorage": element = .float32
        case "LongStorage": element = .int64
        default: throw PickleFailure(offset: offset, reason: "unsupported storage type torch.\(type)")
        }
        tables.storages.append(StorageRef(element: element, key: key, count: count))
        return .persistent(tables.storages.count - 1)
    }

    /// REDUCE hook: `OrderedDict()` and `_rebuild_tensor_v2(storage, offset, size, stride, ...)`.
    private static func call(_ callable: PickleValue, _ args: [PickleValue], _ offset: Int, _ tables: Tables) throws -> PickleValue {
        switch callable {
        case .global("collections", "OrderedDict"):
            guard args.isEmpty else { throw PickleFailure(offset: offset, reason: "OrderedDict called with arguments") }
            return .dict(PickleDict())
        case .global("torch._utils", "_rebuild_tensor_v2"):
            guard args.count >= 4, case let .persistent(s) = args[0], case let .int(start) = args[1],
                  let shape = ints(args[2]), let stride = ints(args[3]) else {
                throw PickleFailure(offset: offset, reason: "malformed _rebuild_tensor_v2 arguments")
            }
            tables.tensors.append(TensorRef(storage: s, offset: start, shape: shape, stride: stride))
            return .object(tables.tensors.count - 1)
        default:
            throw PickleFailure(offset: offset, reason: "refusing to call \(callable.kind)")
        }
    }

    private static func ints(_ v: PickleValue) -> [Int]? {
        guard case let .tuple(items) = v else { return nil }
        var out: [Int] = []
        for item in items {
            guard case let .int(i) = item else { return nil }
            out.append(i)
        }
        return out
    }
}
