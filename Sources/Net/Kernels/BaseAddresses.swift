/// Base addresses for the kernels: the one place model arrays become pointers.

extension FoldedConv {
    /// Calls `body` with the weight and bias base addresses.
    @inline(__always)
    func withPointers<R>(_ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> R) -> R {
        weights.withBase { w in bias.withBase { b in body(w, b) } }
    }
}

extension Array where Element == Float {
    /// Calls `body` with the array's base address (a valid dummy address when it is empty).
    @inline(__always)
    func withBase<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { return body(base) }
            var dummy: Float = 0
            return withUnsafePointer(to: &dummy) { body($0) }
        }
    }
}
