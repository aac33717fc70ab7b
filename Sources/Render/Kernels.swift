import Genome

/// One non-inlined loop per kernel, so each loop body is inlined and vectorised on its own
/// (a single huge `run` would exceed the inliner's budget for the big element functions).
extension Executor {
    @inline(never) static func radiusKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.radius)
    }
    @inline(never) static func angleKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.angle)
    }
    @inline(never) static func sinKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.sin)
    }
    @inline(never) static func cosKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.cos)
    }
    @inline(never) static func tanhKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.tanh)
    }
    @inline(never) static func absKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.abs)
    }
    @inline(never) static func sqrtKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.sqrt)
    }
    @inline(never) static func logKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.log)
    }
    @inline(never) static func gaussKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.gauss)
    }
    @inline(never) static func floorKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.floor)
    }
    @inline(never) static func fractKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        unary(s, ins, n, t, Semantics.fract)
    }
    @inline(never) static func addKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.add)
    }
    @inline(never) static func subKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.sub)
    }
    @inline(never) static func mulKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.mul)
    }
    @inline(never) static func divKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.div)
    }
    @inline(never) static func minKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.min)
    }
    @inline(never) static func maxKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.max)
    }
    @inline(never) static func modKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.mod)
    }
    @inline(never) static func powKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.pow)
    }
    @inline(never) static func hypotKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.hypot)
    }
    @inline(never) static func noiseKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.noise)
    }
    @inline(never) static func fbmKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        binary(s, ins, n, t, Semantics.fbm)
    }
    @inline(never) static func mixKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        ternary(s, ins, n, t, Semantics.mix)
    }
    @inline(never) static func ifPositiveKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        ternary(s, ins, n, t, Semantics.ifPositive)
    }
    @inline(never) static func swirlKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        warp(s, ins, n, t, Semantics.swirl)
    }
    @inline(never) static func rotateKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        warp(s, ins, n, t, Semantics.rotate)
    }
    @inline(never) static func scaleKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        warp(s, ins, n, t, Semantics.scale)
    }
    @inline(never) static func tileKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        warp(s, ins, n, t, Semantics.tile)
    }
    @inline(never) static func kaleidoKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        warp(s, ins, n, t, Semantics.kaleido)
    }
    @inline(never) static func polarKernel(_ s: UnsafeMutablePointer<Float>, _ ins: Instruction, _ n: Int, _ t: Int) {
        warp(s, ins, n, t) { x, y, _ in Semantics.polar(x, y) }
    }
}
