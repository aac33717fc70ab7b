import Genome
import Imaging

/// One view of a genome for scoring: the formula rendered at `size`×`size` and cropped to the
/// network's `resolution`² window at (`x`, `y`). View 0 is the plain render; view v ≥ 1 is
/// rendered 6·v % larger and cropped at a view-dependent offset, so that a score averaged over
/// views does not hinge on one framing and pixel grid (the gallery's centre crop is a 14 % zoom).
public struct ScoringView: Sendable, Equatable {
    public let size: Int
    public let x: Int
    public let y: Int
    public let resolution: Int

    /// View `index` (≥ 0) for a network input of `resolution`².
    public init(index v: Int, resolution r: Int) {
        precondition(v >= 0 && r > 0, "view \(v) at resolution \(r)")
        resolution = r
        size = Int((Double(r) * (1 + 0.06 * Double(v))).rounded())
        let slack = size - r
        x = (v * 7919) % (slack + 1)
        y = (v * 104_729) % (slack + 1)
    }

    /// The `resolution`² image this view shows of `genome`.
    public func render(_ genome: Genome, threads: Int = 2) throws -> Image {
        let image = try Renderer.render(genome, width: size, height: size, supersample: 1, threads: threads)
        return size == resolution ? image : image.cropped(x: x, y: y, width: resolution, height: resolution)
    }

    /// ∂L/∂constants of `genome` given ∂L/∂pixel of this view's image.
    public func constantGradient(_ genome: Genome, pixelGradient: Image) throws -> [Float] {
        let full = size == resolution ? pixelGradient
            : pixelGradient.embedded(width: size, height: size, x: x, y: y)
        return try ConstantGradient.compute(genome: genome, width: size, height: size, pixelGradient: full)
    }
}
