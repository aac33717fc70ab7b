import Net
import XCTest

/// Each kernel against a slow, obvious reference written here.
final class KernelTests: XCTestCase {
    private var rng = SeededGenerator(11)

    func testSamePaddingGeometry() {
        let g224 = ConvGeometry(inHeight: 224, inWidth: 224, kernel: 3, stride: 2)
        XCTAssertEqual([g224.outHeight, g224.padTop], [112, 0])          // pads 0 before, 1 after
        let g112 = ConvGeometry(inHeight: 112, inWidth: 112, kernel: 5, stride: 2)
        XCTAssertEqual([g112.outHeight, g112.padTop], [56, 1])           // pads 1 before, 2 after
        let g7 = ConvGeometry(inHeight: 7, inWidth: 7, kernel: 5, stride: 1)
        XCTAssertEqual([g7.outHeight, g7.padTop, g7.padLeft], [7, 2, 2])
        let odd = ConvGeometry(inHeight: 15, inWidth: 9, kernel: 3, stride: 2)
        XCTAssertEqual([odd.outHeight, odd.outWidth, odd.padTop, odd.padLeft], [8, 5, 1, 1])
    }

    /// Plain SAME convolution of one planar image: weights `[cin, k, k, cout]`, output NHWC.
    private func referenceConv(_ x: [Float], cin: Int, h: Int, w: Int, _ wt: [Float], _ b: [Float], cout: Int,
                               k: Int, s: Int, relu6: Bool) -> [Float] {
        let oh = (h + s - 1) / s, ow = (w + s - 1) / s
        let pt = max((oh - 1) * s + k - h, 0) / 2, pl = max((ow - 1) * s + k - w, 0) / 2
        var out = [Float](repeating: 0, count: oh * ow * cout)
        for oy in 0..<oh { for ox in 0..<ow { for o in 0..<cout {
            var sum = Double(b[o])
            for c in 0..<cin { for ky in 0..<k { for kx in 0..<k {
                let iy = oy * s - pt + ky, ix = ox * s - pl + kx
                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                    sum += Double(x[(c * h + iy) * w + ix]) * Double(wt[((c * k + ky) * k + kx) * cout + o])
                }
            } } }
            out[(oy * ow + ox) * cout + o] = Float(relu6 ? min(max(sum, 0), 6) : sum)
        } } }
        return out
    }

    func testStemConvMatchesReference() {
        for (side, k, s, cin, cout) in [(17, 3, 2, 3, 32), (16, 3, 2, 3, 20), (15, 5, 1, 2, 48), (12, 5, 2, 3, 16), (9, 3, 1, 3, 7)] {
            for (clamp, padded) in [(true, false), (false, false), (true, true), (false, true)] {
                let g = ConvGeometry(inHeight: side, inWidth: side, kernel: k, stride: s)
                let images = 2
                let x = randomFloats(images * cin * side * side, -1...1, &rng)
                let w = randomFloats(cin * k * k * cout, -1...1, &rng), b = randomFloats(cout, -1...1, &rng)
                var y = [Float](repeating: .nan, count: images * g.outPixels * cout)
                var scratch = [Float](repeating: .nan, count: StemConv.scratchFloats(geometry: g, channels: cin))
                scratch.withUnsafeMutableBufferPointer { sp in
                    StemConv.forward(input: x, images: images, channels: cin, geometry: g, weights: w, bias: b,
                                     outChannels: cout, relu6: clamp, scratch: padded ? sp.baseAddress : nil, output: &y)
                }
                var expected: [Float] = []
                for n in 0..<images {
                    let image = Array(x[(n * cin * side * side)..<((n + 1) * cin * side * side)])
                    expected += referenceConv(image, cin: cin, h: side, w: side, w, b, cout: cout, k: k, s: s, relu6: clamp)
                }
                assertClose(y, expected, 1e-4, "stem side \(side) k\(k) s\(s) \(cin)→\(cout) padded \(padded)")
            }
        }
    }

    /// Plain SAME depthwise convolution of one NHWC image, weights `[k, k, c]`.
    private func referenceDepthwise(_ x: [Float], h: Int, w: Int, c: Int, _ wt: [Float], _ b: [Float], k: Int, s: Int,
                                    relu6: Bool) -> [Float] {
        let oh = (h + s - 1) / s, ow = (w + s - 1) / s
        let pt = max((oh - 1) * s + k - h, 0) / 2, pl = max((ow - 1) * s + k - w, 0) / 2
        var out = [Float](repeating: 0, count: oh * ow * c)
        for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c {
            var sum = Double(b[ch])
            for ky in 0..<k { for kx in 0..<k {
                let iy = oy * s - pt + ky, ix = ox * s - pl + kx
                if iy >= 0 && iy < h && ix >= 0 && ix < w { sum += Double(x[(iy * w + ix) * c + ch]) * Double(wt[(ky * k + kx) * c + ch]) }
            } }
            out[(oy * ow + ox) * c + ch] = Float(relu6 ? min(max(sum, 0), 6) : sum)
        } } }
        return out
    }

    func testDepthwiseMatchesReference() {
        let cases = [(7, 16, 3, 1), (14, 37, 5, 1), (15, 20, 5, 2), (28, 96, 3, 2), (40, 48, 3, 1), (35, 18, 5, 2), (5, 64, 5, 1)]
        for (side, c, k, s) in cases {
            for (clamp, padded) in [(true, false), (false, false), (true, true)] {
                let g = ConvGeometry(inHeight: side, inWidth: side, kernel: k, stride: s)
                let images = 2
                let x = randomFloats(images * side * side * c, -2...2, &rng)
                let w = randomFloats(k * k * c, -1...1, &rng), b = randomFloats(c, -1...1, &rng)
                var y = [Float](repeating: .nan, count: images * g.outPixels * c)
                var scratch = [Float](repeating: .nan, count: max(1, Depthwise.scratchFloats(geometry: g, channels: c, inputRows: side)))
                scratch.withUnsafeMutableBufferPointer { sp in
                    Depthwise.forward(input: x, images: images, channels: c, geometry: g, weights: w, bias: b, relu6: clamp,
                                      scratch: padded ? sp.baseAddress : nil, output: &y)
                }
                var expected: [Float] = []
                for n in 0..<images {
                    expected += referenceDepthwise(Array(x[(n * side * side * c)..<((n + 1) * side * side * c)]),
                                                   h: side, w: side, c: c, w, b, k: k, s: s, relu6: clamp)
                }
                assertClose(y, expected, 1e-4, "depthwise side \(side) c\(c) k\(k) s\(s) padded \(padded)")
            }
        }
    }

    /// Output rows 3..<6 of image 1 of two row-interleaved images, from a window starting at row 2.
    func testDepthwiseRowsOfInterleavedWindow() {
        let (h, w, c, k, s) = (9, 11, 24, 5, 1)
        let g = ConvGeometry(inHeight: h, inWidth: w, kernel: k, stride: s)
        let images = [randomFloats(h * w * c, -1...1, &rng), randomFloats(h * w * c, -1...1, &rng)]
        var interleaved = [Float]()
        for r in 0..<h { for n in 0..<2 { interleaved += images[n][(r * w * c)..<((r + 1) * w * c)] } }
        let wt = randomFloats(k * k * c, -1...1, &rng), b = randomFloats(c, -1...1, &rng)
        let firstRow = 1  // rows 3..<6 need input rows 1..<8
        let window = Array(interleaved[(firstRow * 2 * w * c)...])
        let rowStride = 2 * w * c
        for padded in [false, true] {
            var out = [Float](repeating: .nan, count: 3 * w * c)
            var scratch = [Float](repeating: .nan, count: Depthwise.scratchFloats(geometry: g, channels: c, inputRows: h))
            window.withUnsafeBufferPointer { win in
                scratch.withUnsafeMutableBufferPointer { sp in
                    out.withUnsafeMutableBufferPointer { o in
                        Depthwise.forwardRows(input: win.baseAddress! + w * c, firstInputRow: firstRow, inputRowStride: rowStride,
                                              channels: c, geometry: g, outputRows: 3..<6, weights: wt, bias: b, relu6: false,
                                              scratch: padded ? sp.baseAddress : nil, output: o.baseAddress!, outputRowStride: w * c)
                    }
                }
            }
            let full = referenceDepthwise(images[1], h: h, w: w, c: c, wt, b, k: k, s: s, relu6: false)
            assertClose(out, Array(full[(3 * w * c)..<(6 * w * c)]), 1e-4, "interleaved rows padded \(padded)")
        }
    }

    func testPointwiseGemmLayoutAndEpilogue() {
        // 2100 rows of 64 channels make Pointwise split the rows into three GEMM blocks
        for (rows, cin, cout) in [(37, 19, 33), (2100, 8, 64), (150, 24, 1024), (5, 320, 16)] {
            for (clamp, accumulate) in [(false, false), (true, false), (false, true)] {
                let x = randomFloats(rows * cin, -1...1, &rng)
                let w = randomFloats(cout * cin, -1...1, &rng), b = randomFloats(cout, -1...1, &rng)
                let start = randomFloats(rows * cout, -1...1, &rng)
                var y = start
                Pointwise.forward(input: x, rows: rows, inChannels: cin, weights: w, bias: b, outChannels: cout,
                                  relu6: clamp, accumulate: accumulate, output: &y)
                var expected = [Float](repeating: 0, count: rows * cout)
                for r in 0..<rows { for o in 0..<cout {
                    var sum = Double(b[o]) + (accumulate ? Double(start[r * cout + o]) : 0)
                    for i in 0..<cin { sum += Double(x[r * cin + i]) * Double(w[o * cin + i]) }
                    expected[r * cout + o] = Float(clamp ? min(max(sum, 0), 6) : sum)
                } }
                assertClose(y, expected, 1e-4, "pointwise \(rows)×\(cin)→\(cout) relu6 \(clamp) acc \(accumulate)")
            }
        }
    }

    func testBiasReLU6Epilogues() {
        let (rows, cols) = (7, 37)
        let data = randomFloats(rows * cols, -8...8, &rng), bias = randomFloats(cols, -2...2, &rng)
        var y = data
        Epilogue.addBias(&y, rows: rows, columns: cols, bias: bias, relu6: true)
        assertClose(y, (0..<(rows * cols)).map { min(max(data[$0] + bias[$0 % cols], 0), 6) }, 1e-6, "bias+relu6")
        // mean pool of image 1 of 3 interleaved 2×3 images
        let (h, w, n) = (2, 3, 3)
        let maps = randomFloats(h * n * w * cols, -8...8, &rng)
        var m = maps, pooled = [Float](repeating: .nan, count: cols)
        m.withUnsafeMutableBufferPointer { p in
            Epilogue.biasReLU6Mean(p.baseAddress! + w * cols, rows: h, width: w, rowStride: n * w * cols, columns: cols,
                                   bias: bias, pooled: &pooled, keep: true)
        }
        for c in 0..<cols {
            var sum = 0.0
            for r in 0..<h { for x in 0..<w { sum += Double(min(max(maps[((r * n + 1) * w + x) * cols + c] + bias[c], 0), 6)) } }
            XCTAssertEqual(Double(pooled[c]), sum / Double(h * w), accuracy: 1e-5)
            XCTAssertEqual(m[((1 * n + 1) * w + 2) * cols + c], min(max(maps[((1 * n + 1) * w + 2) * cols + c] + bias[c], 0), 6))
            XCTAssertEqual(m[c], maps[c])  // image 0 untouched
        }
    }
}

/// Fails unless every `|a − b| ≤ tolerance · max(1, |b|)`, reporting the worst index.
func assertClose(_ a: [Float], _ b: [Float], _ tolerance: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    guard a.count == b.count else { return XCTFail("\(what): \(a.count) values, expected \(b.count)", file: file, line: line) }
    var worst = 0, worstErr: Float = 0
    for i in a.indices {
        let e = abs(a[i] - b[i]) / max(1, abs(b[i]))
        let err = e.isNaN ? Float.infinity : e
        if err > worstErr { worst = i; worstErr = err }
    }
    XCTAssertLessThanOrEqual(worstErr, tolerance, "\(what): index \(worst) is \(a.isEmpty ? 0 : a[worst]), expected \(b.isEmpty ? 0 : b[worst])", file: file, line: line)
}
