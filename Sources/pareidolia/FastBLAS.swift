import Foundation

/// Makes OpenBLAS use its fastest correct kernel without the user doing anything.
///
/// Debian's OpenBLAS 0.3.21 detects recent AMD CPUs with AVX-512 as Haswell (AVX2) and picks its
/// kernel when the library loads, before `main` runs. `OPENBLAS_CORETYPE=SkylakeX` selects the
/// AVX-512 kernel (about 2× the GEMM speed here), but only if it is in the environment at load
/// time, so the program re-executes itself once with it set. A user's own `OPENBLAS_CORETYPE`
/// always wins, and nothing happens on CPUs without the AVX-512 subsets that kernel needs.
enum FastBLAS {
    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use.
    static let requiredFlags: Set<String> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    /// Re-executes the process with `OPENBLAS_CORETYPE=SkylakeX` when that is safe and unset.
    /// Returns normally when no re-exec is needed or `execv` fails (the slower kernel still works).
    static func ensureFastKernel() {
        guard getenv("OPENBLAS_CORETYPE") == nil, cpuSupportsSkylakeXKernel() else { return }
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }

    /// Whether `/proc/cpuinfo` lists every flag in `requiredFlags`.
    static func cpuSupportsSkylakeXKernel() -> Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return false }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        return requiredFlags.isSubset(of: flags)
    }
}
