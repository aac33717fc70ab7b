/// Element-wise tails of the convolutions: bias, ReLU6 and the fused head pooling.
public enum Epilogue {
    /// `data[r, c] = act(data[r, c] + bias[c])` for a row-major `rows × columns` matrix, where
    /// `act` is ReLU6 (`min(max(x, 0), 6)`) when `relu6` is set, else the identity.
    package static func addBias(_ data: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                               bias: UnsafePointer<Float>, relu6 clamp: Bool) {
        let vectorEnd = columns & ~15
        for r in 0..<rows {
            let row = data + r * columns
            var c = 0
            if clamp {
                while c < vectorEnd { store(relu6(load(row + c) + load(bias + c)), row + c); c += 16 }
                while c < columns { row[c] = relu6(row[c] + bias[c]); c += 1 }
            } else {
                while c < vectorEnd { store(load(row + c) + load(bias + c), row + c); c += 16 }
                while c < columns { row[c] += bias[c]; c += 1 }
            }
        }
    }

    /// Sets every row of a row-major `rows × columns` matrix to `values` (`columns` floats).
    package static func fillRows(_ data: UnsafeMutablePointer<Float>, rows: Int, columns: Int, with values: UnsafePointer<Float>) {
        let vectorEnd = columns & ~15
        for r in 0..<rows {
            let row = data + r * columns
            var c = 0
            while c < vectorEnd { store(load(values + c), row + c); c += 16 }
            while c < columns { row[c] = values[c]; c += 1 }
        }
    }

    /// `data[i] = min(max(data[i], 0), 6)` for `count` floats.
    package static func clampReLU6(_ data: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count { store(relu6(load(data + i)), data + i); i += 16 }
        while i < count { data[i] = relu6(data[i]); i += 1 }
    }

    /// Global average pool of `relu6(x + bias)` over one image's pixels:
    /// `pooled[c] = mean over pixels p of relu6(data[p, c] + bias[c])`.
    ///
    /// The image's pixels are `rows` runs of `width` consecutive pixels, runs `rowStride`
    /// floats apart (`width × columns` for a dense image; more when images are interleaved).
    /// When `keep` is set the activated values are written back into `data`.
    package static func biasReLU6Mean(_ data: UnsafeMutablePointer<Float>, rows: Int, width: Int, rowStride: Int, columns: Int,
                                     bias: UnsafePointer<Float>, pooled: UnsafeMutablePointer<Float>, keep: Bool = false) {
        let vectorEnd = columns & ~15
        let scale = 1 / Float(rows * width)
        var c = 0
        while c < vectorEnd {
            let b = load(bias + c)
            var sum = Vec.zero
            for r in 0..<rows {
                for p in 0..<width {
                    let at = data + (r * rowStride + p * columns + c)
                    let v = relu6(load(at) + b)
                    if keep { store(v, at) }
                    sum += v
                }
            }
            store(sum * scale, pooled + c)
            c += 16
        }
        while c < columns {
            var sum: Float = 0
            for r in 0..<rows {
                for p in 0..<width {
                    let at = r * rowStride + p * columns + c
                    let v = relu6(data[at] + bias[c])
                    if keep { data[at] = v }
                    sum += v
                }
            }
            pooled[c] = sum * scale
            c += 1
        }
    }
}

extension Epilogue {
    /// `destination[i] += source[i]` for `count` floats (the backward of a residual add).
    package static func add(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count { store(load(destination + i) + load(source + i), destination + i); i += 16 }
        while i < count { destination[i] += source[i]; i += 1 }
    }

    /// Backward of ReLU6 given its *output* `y`: `grad[i] = 0 < y[i] < 6 ? grad[i] : 0`
    /// (the clamp's derivative, 0 on the flat parts).
    package static func relu6Backward(_ grad: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
        let zero = Vec(repeating: 0), six = Vec(repeating: 6)
        var i = 0
        while i + 16 <= count {
            let v = load(y + i)
            store(load(grad + i).replacing(with: 0, where: .!((v .> zero) .& (v .< six))), grad + i)
            i += 16
        }
        while i < count {
            if !(y[i] > 0 && y[i] < 6) { grad[i] = 0 }
            i += 1
        }
    }

    /// Backward of `biasReLU6Mean` for one dense image: `grad[p, c] = pooledGrad[c] / pixels`
    /// where the head activation `y[p, c]` (its output, kept by the forward) lies in (0, 6), else 0.
    ///
    /// - Parameters:
    ///   - y: `pixels × columns` activations after ReLU6.
    ///   - grad: `pixels × columns`, overwritten.
    package static func meanPoolReLU6Backward(pooledGrad: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                                             pixels: Int, columns: Int, grad: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(pixels)
        for p in 0..<pixels {
            let row = grad + p * columns
            var c = 0
            while c + 16 <= columns { store(load(pooledGrad + c) * scale, row + c); c += 16 }
            while c < columns { row[c] = pooledGrad[c] * scale; c += 1 }
        }
        relu6Backward(grad, output: y, count: pixels * columns)
    }
}
