/// Unaligned 16-float vector loads and stores: the building blocks of the hand-vectorised kernels.
typealias Vec = SIMD16<Float>

@inline(__always) func load(_ p: UnsafePointer<Float>) -> Vec {
    UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
}

@inline(__always) func load(_ p: UnsafeMutablePointer<Float>) -> Vec {
    UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
}

@inline(__always) func store(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self)
}

/// `min(max(v, 0), 6)` lane-wise.
@inline(__always) func relu6(_ v: Vec) -> Vec {
    pointwiseMin(pointwiseMax(v, Vec(repeating: 0)), Vec(repeating: 6))
}

/// `min(max(x, 0), 6)`.
@inline(__always) func relu6(_ x: Float) -> Float { min(max(x, 0), 6) }
