import Foundation

/// Adam (Kingma & Ba 2015) for gradient *ascent* on a flat parameter vector.
struct Adam {
    var learningRate: Float
    var beta1: Float = 0.9
    var beta2: Float = 0.999
    var epsilon: Float = 1e-8
    private var m: [Float]
    private var v: [Float]
    private var t = 0

    init(count: Int, learningRate: Float) {
        self.learningRate = learningRate
        m = [Float](repeating: 0, count: count)
        v = m
    }

    /// Moves `parameters` up the `gradient` (same count) by one bias-corrected Adam step.
    mutating func ascend(_ parameters: inout [Float], gradient: [Float]) {
        t += 1
        let c1 = 1 / (1 - pow(beta1, Float(t))), c2 = 1 / (1 - pow(beta2, Float(t)))
        let (b1, b2, lr, eps) = (beta1, beta2, learningRate, epsilon)
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                gradient.withUnsafeBufferPointer { g in
                    parameters.withUnsafeMutableBufferPointer { p in
                        for i in 0..<p.count {
                            m[i] = b1 * m[i] + (1 - b1) * g[i]
                            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                            p[i] += lr * (m[i] * c1) / ((v[i] * c2).squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}
