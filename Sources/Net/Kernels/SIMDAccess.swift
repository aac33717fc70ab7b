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

/// 8-float vectors (one AVX register) for kernels that keep many accumulators live.
typealias Vec8 = SIMD8<Float>

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> Vec8 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec8.self)
}

@inline(__always) func store8(_ v: Vec8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec8.self)
}

/// `min(max(v, 0), 6)` lane-wise.
@inline(__always) func relu6(_ v: Vec8) -> Vec8 {
    let six = Vec8(repeating: 6)
    return v.replacing(with: 0, where: v .< 0).replacing(with: six, where: v .> six)
}
