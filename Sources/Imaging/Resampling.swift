/// One-dimensional resampling weights: area averaging (shrink) and Keys bicubic (enlarge).
///
/// A `Resampling` maps `inputLength` samples to `outputLength`: output `i` is
/// `Σ_t weights[i·taps + t] · input[indices[i·taps + t]]`. Two of them (one per axis) give a
/// separable 2-D resize.
struct Resampling {
    let inputLength: Int
    let outputLength: Int
    let taps: Int
    var indices: [Int]
    var weights: [Float]

    /// The resampling for one axis: identity, area averaging when shrinking, bicubic when enlarging.
    init(from inputLength: Int, to outputLength: Int) {
        precondition(inputLength > 0 && outputLength > 0, "resample lengths must be positive")
        self.inputLength = inputLength
        self.outputLength = outputLength
        if outputLength < inputLength {
            let scale = Double(inputLength) / Double(outputLength)
            taps = Int(scale.rounded(.up)) + 1
            indices = []
            weights = []
            Resampling.fillArea(scale: scale, inputLength: inputLength, outputLength: outputLength,
                                taps: taps, indices: &indices, weights: &weights)
        } else if outputLength > inputLength {
            taps = 4
            indices = []
            weights = []
            Resampling.fillBicubic(inputLength: inputLength, outputLength: outputLength,
                                   indices: &indices, weights: &weights)
        } else {
            taps = 1
            indices = Array(0..<inputLength)
            weights = [Float](repeating: 1, count: inputLength)
        }
    }

    /// Area averaging: output `i` covers input `[i·s, (i+1)·s)`; each input sample is weighted
    /// by its overlap with that interval, divided by `s` (so the weights sum to 1).
    private static func fillArea(scale s: Double, inputLength: Int, outputLength: Int, taps: Int,
                                 indices: inout [Int], weights: inout [Float]) {
        for i in 0..<outputLength {
            let lo = Double(i) * s, hi = min(Double(i + 1) * s, Double(inputLength))
            let first = Int(lo.rounded(.down))
            for t in 0..<taps {
                let j = first + t
                let overlap = j < inputLength ? max(0, min(hi, Double(j + 1)) - max(lo, Double(j))) : 0
                indices.append(min(j, inputLength - 1))
                weights.append(Float(overlap / s))
            }
        }
    }

    /// Keys cubic convolution (a = −0.5) at half-pixel centres: output `i` samples input position
    /// `(i + 0.5)·n/m − 0.5`; indices past an edge repeat the edge sample.
    private static func fillBicubic(inputLength: Int, outputLength: Int,
                                    indices: inout [Int], weights: inout [Float]) {
        let ratio = Double(inputLength) / Double(outputLength)
        for i in 0..<outputLength {
            let position = (Double(i) + 0.5) * ratio - 0.5
            let base = Int(position.rounded(.down))
            let f = position - Double(base)
            for t in -1...2 {
                indices.append(min(max(base + t, 0), inputLength - 1))
                weights.append(Float(keys(Double(t) - f)))
            }
        }
    }

    /// Keys' cubic convolution kernel with a = −0.5 (Catmull–Rom), support (−2, 2).
    static func keys(_ x: Double) -> Double {
        let a = -0.5, t = abs(x)
        if t <= 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
        if t < 2 { return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a }
        return 0
    }
}
