import Foundation

/// Log-softmax over one image's logits, forward and backward.
public enum LogSoftmax {
    /// `output[j] = logits[j] − log Σ_c exp(logits[c])`, stable (shifted by the maximum, summed in `Double`).
    package static func forward(_ logits: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        guard count > 0 else { return }
        var m = logits[0]
        for j in 1..<count { m = max(m, logits[j]) }
        var sum = 0.0
        for j in 0..<count { sum += exp(Double(logits[j] - m)) }
        let lse = Double(m) + log(sum)
        for j in 0..<count { output[j] = Float(Double(logits[j]) - lse) }
    }

    /// Backward given the forward's output `ls` and `grad = ∂J/∂ls`:
    /// `∂J/∂logits[j] = grad[j] − softmax[j] · Σ_c grad[c]`, with `softmax = exp(ls)`.
    package static func backward(output ls: UnsafePointer<Float>, grad: UnsafePointer<Float>, count: Int,
                                gradLogits: UnsafeMutablePointer<Float>) {
        var total = 0.0
        for j in 0..<count { total += Double(grad[j]) }
        for j in 0..<count { gradLogits[j] = Float(Double(grad[j]) - exp(Double(ls[j])) * total) }
    }
}
