import Foundation

/// How one MBConv block walks its input: output rows in strips of `stripRows`, the expanded
/// input rows they need kept in a sliding window of `windowRows` rows.
///
/// Activations of `images` images processed together are stored row-interleaved,
/// `[height, images, width, channels]`, so a strip of rows of every image is one contiguous
/// block of pixels: each 1×1 conv of a strip is a single GEMM.
struct BlockPlan: Sendable {
    let geometry: ConvGeometry
    /// Output rows per strip (expand → depthwise → project stay in cache for one strip).
    let stripRows: Int
    /// Capacity of the expanded-row window, in input rows (≥ the rows one strip needs).
    let windowRows: Int

    /// - Parameters:
    ///   - images: the most images that will be interleaved.
    ///   - budget: floats of expanded activations a strip may keep in flight.
    init(spec: BlockSpec, geometry g: ConvGeometry, images: Int, budget: Int) {
        geometry = g
        let rowFloats = images * g.inWidth * spec.expandedChannels
        // rows needed by T output rows: (T − 1)·s + k; extra T·s rows of slack so the window
        // slides (a copy of at most k − 1 rows) only every other strip
        var t = g.outHeight
        while t > 1, ((t - 1) * g.stride + g.kernel + t * g.stride) * rowFloats > budget { t -= 1 }
        // strips so thin that sliding the window (k − s kept rows) costs more than half the new rows: widen
        while t < g.outHeight, t * g.stride < 2 * (g.kernel - g.stride) { t += 1 }
        stripRows = t
        windowRows = min(g.inHeight, (t - 1) * g.stride + g.kernel + t * g.stride)
    }

    /// Input rows needed by output rows `rows`.
    func inputRows(for rows: Range<Int>) -> Range<Int> {
        let g = geometry
        let lo = max(0, rows.lowerBound * g.stride - g.padTop)
        let hi = min(g.inHeight, (rows.upperBound - 1) * g.stride - g.padTop + g.kernel)
        return lo..<max(lo, hi)
    }
}

extension BlockWeights {
    /// Runs the block on `images` row-interleaved images, strip by strip.
    ///
    /// - Parameters:
    ///   - input: `inHeight × images × inWidth × inputChannels`.
    ///   - output: `outHeight × images × outWidth × outputChannels`; for a residual block pass
    ///     `input` itself: each strip adds into rows whose expansion was already computed.
    ///   - window: scratch of `windowRows × images × inWidth × expandedChannels` floats.
    ///   - strip: scratch of `stripRows × images × outWidth × expandedChannels` floats.
    ///   - pad: scratch for `Depthwise.forwardRows` on one image's strip.
    func forward(input: UnsafeMutablePointer<Float>, images: Int, output: UnsafeMutablePointer<Float>, plan: BlockPlan,
                 window: UnsafeMutablePointer<Float>, strip: UnsafeMutablePointer<Float>, pad: UnsafeMutablePointer<Float>) {
        let g = plan.geometry, spec = self.spec
        let cin = spec.inputChannels, mid = spec.expandedChannels, cout = spec.outputChannels
        let inRow = images * g.inWidth, outRow = images * g.outWidth  // pixels per interleaved row
        let rowFloats = inRow * mid
        var first = 0, end = 0  // expanded rows [first, end) sit at window rows [0, end − first)
        var oy = 0
        while oy < g.outHeight {
            let rows = oy..<min(oy + plan.stripRows, g.outHeight)
            let need = plan.inputRows(for: rows)
            let source: UnsafePointer<Float>
            let sourceFirst: Int
            if let expand {
                if need.lowerBound >= end {           // nothing reusable: restart the window
                    first = need.lowerBound
                    end = first
                } else if need.upperBound - first > plan.windowRows {  // full: slide the kept rows down
                    let keep = end - need.lowerBound
                    memmove(window, window + (need.lowerBound - first) * rowFloats, keep * rowFloats * MemoryLayout<Float>.size)
                    first = need.lowerBound
                    end = first + keep
                }
                if need.upperBound > end {            // expand the new rows
                    expand.withPointers { w, b in
                        Pointwise.forward(input: input + end * inRow * cin, rows: (need.upperBound - end) * inRow,
                                          inChannels: cin, weights: w, bias: b, outChannels: mid, relu6: true,
                                          accumulate: false, output: window + (end - first) * rowFloats)
                    }
                    end = need.upperBound
                }
                source = UnsafePointer(window)
                sourceFirst = first
            } else {
                source = UnsafePointer(input)
                sourceFirst = 0
            }
            depthwise.withPointers { w, b in
                for n in 0..<images {
                    Depthwise.forwardRows(input: source + n * g.inWidth * mid, firstInputRow: sourceFirst,
                                          inputRowStride: rowFloats, channels: mid, geometry: g, outputRows: rows,
                                          weights: w, bias: b, relu6: true, scratch: pad,
                                          output: strip + n * g.outWidth * mid, outputRowStride: outRow * mid)
                }
            }
            project.withPointers { w, b in
                Pointwise.forward(input: strip, rows: rows.count * outRow, inChannels: mid, weights: w, bias: b,
                                  outChannels: cout, relu6: false, accumulate: spec.residual,
                                  output: output + rows.lowerBound * outRow * cout)
            }
            oy = rows.upperBound
        }
    }
}
