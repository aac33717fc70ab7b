import Dispatch

/// `body(i)` for every `i` in `0..<count`, spread over the cores, results in index order.
///
/// The results live in one allocated buffer; each index is written by exactly one worker, so
/// the workers never touch shared Swift storage (no copy-on-write or exclusivity traffic).
func concurrentMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
    defer { buffer.baseAddress?.deinitialize(count: count); buffer.deallocate() }
    let out = ResultSlots(base: buffer.baseAddress!)
    DispatchQueue.concurrentPerform(iterations: count) { i in (out.base + i).initialize(to: body(i)) }
    return Array(buffer)
}

/// The base address of the result buffer, handed to the workers; they write disjoint slots.
private struct ResultSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
