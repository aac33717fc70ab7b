import Dispatch
import Genome
import Imaging

/// Reverse-mode gradient of a scalar loss with respect to a genome's numeric constants,
/// through the render (supersampling 1).
///
/// The genome is compiled to an unfolded tape (one node per operator, so each constant keeps
/// its own slot even where the render compiler would fold or share it); each tile of samples
/// runs forward keeping every node's values, then backward accumulating adjoints from
/// ∂L/∂pixel through the final squash to the constants. Subgradients at kinks and steps are
/// documented on `GradientRules`.
public enum ConstantGradient {
    /// Samples per tile plane.
    static let tileSize = 256

    /// ∂L/∂c for every entry of `genome.constants` (same order), given `pixelGradient`,
    /// ∂L/∂pixel of the `width`×`height` render (planar RGB, same size as the render).
    public static func compute(genome: Genome, width: Int, height: Int, pixelGradient: Image,
                               threads: Int = 2) throws -> [Float] {
        try computeWithImage(genome: genome, width: width, height: height,
                             pixelGradient: pixelGradient, threads: threads).gradient
    }

    /// The render (identical to `Renderer.render` at supersampling 1) and ∂L/∂constants, from
    /// one forward and one backward sweep.
    public static func computeWithImage(genome: Genome, width: Int, height: Int, pixelGradient: Image,
                                        threads: Int = 2) throws -> (image: Image, gradient: [Float]) {
        try Renderer.validate(width: width, height: height, supersample: 1)
        guard threads >= 1 else { throw RenderError.invalidThreadCount(threads) }
        guard pixelGradient.width == width, pixelGradient.height == height else {
            throw RenderError.gradientSizeMismatch(width: width, height: height,
                                                   gradientWidth: pixelGradient.width,
                                                   gradientHeight: pixelGradient.height)
        }
        let tape = GradientTape(genome)
        let pixelCount = width * height
        let tiles = (pixelCount + tileSize - 1) / tileSize
        let bands = Swift.min(threads, tiles)
        var image = [Float](repeating: 0, count: 3 * pixelCount)
        var partial = [[Double]](repeating: [], count: bands)
        image.withUnsafeMutableBufferPointer { imageBuffer in
            partial.withUnsafeMutableBufferPointer { partialBuffer in
                pixelGradient.pixels.withUnsafeBufferPointer { gradBuffer in
                    guard let out = imageBuffer.baseAddress, let sums = partialBuffer.baseAddress,
                          let grad = gradBuffer.baseAddress else { return }
                    let shared = BandPointers(image: out, sums: sums, pixelGradient: grad)
                    let band = { @Sendable (b: Int) in
                        let range = (tiles * b / bands)..<(tiles * (b + 1) / bands)
                        shared.sums[b] = sweep(tape, tiles: range, width: width, height: height,
                                               pixelGradient: shared.pixelGradient, image: shared.image)
                    }
                    if bands == 1 { band(0) } else { DispatchQueue.concurrentPerform(iterations: bands, execute: band) }
                }
            }
        }
        var total = [Double](repeating: 0, count: tape.constantCount)
        for p in partial { for i in p.indices { total[i] += p[i] } }
        return (Image(width: width, height: height, pixels: image), total.map { Float($0) })
    }

    /// Forward and backward over tiles `tiles` (row-major runs of `tileSize` pixels); writes
    /// the squashed render into `image` and returns the tiles' summed constant adjoints.
    static func sweep(_ tape: GradientTape, tiles: Range<Int>, width: Int, height: Int,
                      pixelGradient: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>) -> [Double] {
        var gradient = [Double](repeating: 0, count: tape.constantCount)
        let count = GradientPass.scratchCount(tape, planeSize: tileSize)
        let values = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let adjoints = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer {
            values.deallocate()
            adjoints.deallocate()
        }
        values.initialize(repeating: 0, count: count)
        let pass = GradientPass(tape: tape, values: values, adjoints: adjoints, planeSize: tileSize)
        let plane = width * height
        for tile in tiles {
            let first = tile * tileSize, n = Swift.min(tileSize, plane - first)
            pass.forward(first: first, n: n, width: width, height: height)
            adjoints.initialize(repeating: 0, count: count)
            for c in 0..<3 {
                let v = pass.value(tape.root, c), g = pass.adjoint(tape.root, c)
                let dL = pixelGradient + c * plane + first, o = image + c * plane + first
                for i in 0..<n {
                    o[i] = Semantics.squash(v[i])
                    g[i] = dL[i] * GradientRules.unitSquashSlope(v[i])
                }
            }
            pass.backward(n: n, into: &gradient)
        }
        return gradient
    }
}

/// Pointers shared with the band threads: each band writes only its own pixels and its own
/// entry of `sums`.
private struct BandPointers: @unchecked Sendable {
    let image: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<[Double]>
    let pixelGradient: UnsafePointer<Float>
}
