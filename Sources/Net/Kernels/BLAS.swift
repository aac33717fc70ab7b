import CBLAS

/// The OpenBLAS entry points the network uses: single-precision GEMM and the thread count.
public enum BLAS {
    /// OpenBLAS's worker-thread count (process-wide).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The kernel family OpenBLAS picked for this CPU (e.g. "Haswell", "SkylakeX"); set
    /// `OPENBLAS_CORETYPE` before the library loads to change it.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// `C[m×n] = A[m×k] · op(B) + beta · C`, row-major, where `op(B)` is `B[k×n]` or, with
    /// `transposeB`, the transpose of `B[n×k]`. `lda`, `ldb`, `ldc` are row strides in floats.
    @inline(__always)
    static func gemm(m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                     b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                     c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
