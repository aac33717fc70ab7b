import Foundation

/// Softmax, log-softmax and top-k over logit vectors (one image's `classCount` logits).
public enum Probabilities {
    /// `exp(x_i − max) / Σ exp(x_j − max)`, computed in `Double` for stability.
    public static func softmax(_ logits: some Collection<Float>) -> [Float] {
        logSoftmax(logits).map { Float(Foundation.exp(Double($0))) }
    }

    /// `x_i − log Σ exp(x_j)`, stable (shifted by the maximum).
    public static func logSoftmax(_ logits: some Collection<Float>) -> [Float] {
        guard let m = logits.max() else { return [] }
        let shift = Double(m)
        let sum = logits.reduce(0.0) { $0 + Foundation.exp(Double($1) - shift) }
        let lse = shift + Foundation.log(sum)
        return logits.map { Float(Double($0) - lse) }
    }

    /// The `k` largest entries as `(index, value)`, largest first; ties by lower index.
    public static func topK(_ values: some Collection<Float>, k: Int) -> [(index: Int, value: Float)] {
        let indexed = values.enumerated().map { (index: $0.offset, value: $0.element) }
        let sorted = indexed.sorted { $0.value != $1.value ? $0.value > $1.value : $0.index < $1.index }
        return Array(sorted.prefix(max(k, 0)))
    }

    /// Splits image-major `batch × classes` logits into rows.
    public static func rows(_ logits: [Float], classes: Int) -> [ArraySlice<Float>] {
        guard classes > 0 else { return [] }
        return stride(from: 0, to: logits.count, by: classes).map { logits[$0..<min($0 + classes, logits.count)] }
    }
}
