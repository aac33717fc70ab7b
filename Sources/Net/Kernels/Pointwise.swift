/// 1×1 convolution over NHWC activations: a GEMM `[pixels, Cin] × [Cin, Cout]` through OpenBLAS
/// with the bias (+ ReLU6) applied while each block of rows is still in cache.
public enum Pointwise {
    /// Output floats per GEMM call: tall products are split into row blocks of about this
    /// size so the epilogue finds them in L2...
    public static let blockFloats = 1 << 16
    /// ...but never of fewer rows than this, since every call packs the whole weight matrix
    /// again (measured: splitting the late, wide layers finer costs ~5%).
    public static let minimumBlockRows = 1024

    /// `output[r, o] = act(Σ_i input[r, i] · weights[o, i] + bias[o] (+ output[r, o] if accumulate))`.
    ///
    /// - Parameters:
    ///   - input: `rows × inChannels`, row-major (NHWC pixels × channels).
    ///   - weights: `outChannels × inChannels` (PyTorch's conv layout with BN folded in).
    ///   - bias: `outChannels`.
    ///   - relu6: clamp the result to [0, 6].
    ///   - accumulate: add into `output` instead of overwriting it (the residual connection).
    ///   - output: `rows × outChannels`; must not overlap `input`.
    package static func forward(input: UnsafePointer<Float>, rows: Int, inChannels: Int,
                               weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, outChannels: Int,
                               relu6: Bool, accumulate: Bool, output: UnsafeMutablePointer<Float>) {
        let block = max(minimumBlockRows, blockFloats / max(outChannels, 1))
        var r = 0
        while r < rows {
            let m = min(block, rows - r)
            let out = output + r * outChannels
            // Without accumulation the bias is written first and the GEMM adds onto it (beta = 1),
            // which replaces OpenBLAS's zeroing pass and leaves only the clamp.
            if !accumulate { Epilogue.fillRows(out, rows: m, columns: outChannels, with: bias) }
            BLAS.gemm(m: m, n: outChannels, k: inChannels, a: input + r * inChannels, lda: inChannels,
                      b: weights, ldb: inChannels, transposeB: true, c: out, ldc: outChannels, beta: 1)
            if accumulate {
                Epilogue.addBias(out, rows: m, columns: outChannels, bias: bias, relu6: relu6)
            } else if relu6 {
                Epilogue.clampReLU6(out, count: m * outChannels)
            }
            r += m
        }
    }
}

extension Pointwise {
    /// Backward of `forward` with respect to its input (the weights are constants):
    /// `gradInput[r, i] = Σ_o gradOutput[r, o] · weights[o, i]`, added to `gradInput` when
    /// `accumulate` is set. Any ReLU6 of the forward must already be applied to `gradOutput`
    /// (see `Epilogue.relu6Backward`); the bias has no input gradient.
    ///
    /// - Parameters:
    ///   - gradOutput: `rows × outChannels`.
    ///   - weights: `outChannels × inChannels`, as in `forward`.
    ///   - gradInput: `rows × inChannels`.
    package static func backwardInput(gradOutput: UnsafePointer<Float>, rows: Int, outChannels: Int,
                                     weights: UnsafePointer<Float>, inChannels: Int, accumulate: Bool,
                                     gradInput: UnsafeMutablePointer<Float>) {
        BLAS.gemm(m: rows, n: inChannels, k: outChannels, a: gradOutput, lda: outChannels,
                  b: weights, ldb: inChannels, transposeB: false, c: gradInput, ldc: inChannels, beta: accumulate ? 1 : 0)
    }
}
