import Genome
import Imaging

/// The slow, obviously correct renderer: a recursive tree walk per sample.
///
/// It shares only the per-element definitions (`Semantics`, lifted to RGB by
/// `ChannelSemantics`) with the compiled renderer: no DAG, no folding, no registers, no tiles.
/// Tests and `pareidolia bench render` compare the two.
public enum ReferenceEvaluator {
    /// The genome's raw (unsquashed) value at coordinates (x, y).
    public static func value(of genome: Genome, x: Float, y: Float) -> Triple {
        let ends = genome.subtreeEnds
        return evaluate(genome, ends, 0, x: Triple(broadcast: x), y: Triple(broadcast: y))
    }

    /// Renders like `Renderer.render` (same sample positions, squash and averaging), one
    /// sample at a time, on the calling thread.
    public static func render(_ genome: Genome, width: Int, height: Int, supersample k: Int = 1) throws -> Image {
        try render(genome, width: width, height: height, supersample: k, rows: 0..<height)
    }

    /// Renders only output rows `rows` (the others stay 0), for sampling throughput.
    static func render(_ genome: Genome, width: Int, height: Int, supersample k: Int, rows: Range<Int>) throws -> Image {
        try Renderer.validate(width: width, height: height, supersample: k)
        let ends = genome.subtreeEnds
        var image = Image(width: width, height: height)
        for oy in rows.clamped(to: 0..<height) {
            for ox in 0..<width {
                var sum = Triple(broadcast: 0)
                for sy in 0..<k {
                    for sx in 0..<k {
                        let x = Semantics.axis(ox * k + sx, width * k)
                        let y = Semantics.axis(oy * k + sy, height * k)
                        let v = evaluate(genome, ends, 0, x: Triple(broadcast: x), y: Triple(broadcast: y))
                        if k == 1 {
                            sum = Triple(Semantics.squash(v.r), Semantics.squash(v.g), Semantics.squash(v.b))
                        } else {
                            sum.r += Semantics.squash(v.r)
                            sum.g += Semantics.squash(v.g)
                            sum.b += Semantics.squash(v.b)
                        }
                    }
                }
                let scale = k == 1 ? 1 : 1 / Float(k * k)
                image[0, ox, oy] = k == 1 ? sum.r : sum.r * scale
                image[1, ox, oy] = k == 1 ? sum.g : sum.g * scale
                image[2, ox, oy] = k == 1 ? sum.b : sum.b * scale
            }
        }
        return image
    }

    /// The value of the subtree at `index` when the coordinates are (x, y).
    static func evaluate(_ genome: Genome, _ ends: [Int], _ index: Int, x: Triple, y: Triple) -> Triple {
        let node = genome.nodes[index]
        var args: [Int] = []
        var j = index + 1
        for _ in 0..<node.op.arity {
            args.append(j)
            j = ends[j]
        }
        switch node.op {
        case .constant:
            return Triple(broadcast: node.value)
        case .x:
            return x
        case .y:
            return y
        case .r:
            return Triple(Semantics.radius(x.r, y.r), Semantics.radius(x.g, y.g), Semantics.radius(x.b, y.b))
        case .t:
            return Triple(Semantics.angle(x.r, y.r), Semantics.angle(x.g, y.g), Semantics.angle(x.b, y.b))
        case .blur, .graddir:
            let step = evaluate(genome, ends, args[1], x: x, y: y)
            return ImageOperators.value(node.op, x: x, y: y, step: step) { x, y in
                evaluate(genome, ends, args[0], x: x, y: y)
            }
        case .photo:
            guard let picture = genome.pictures[node.pictureKey] else {
                preconditionFailure("ReferenceEvaluator: photo@\(Picture.text(ofKey: node.pictureKey)) without its picture")
            }
            return ChannelSemantics.photo(picture, u: evaluate(genome, ends, args[0], x: x, y: y),
                                          v: evaluate(genome, ends, args[1], x: x, y: y))
        case .warp, .swirl, .polar, .rotate, .scale, .tile, .kaleido:
            let params = args.dropFirst().map { evaluate(genome, ends, $0, x: x, y: y) }
            let moved = ChannelSemantics.warpedCoordinates(node.op, x: x, y: y, params)
            return evaluate(genome, ends, args[0], x: moved.x, y: moved.y)
        default:
            let values = args.map { evaluate(genome, ends, $0, x: x, y: y) }
            return ChannelSemantics.apply(node.op, values)
        }
    }
}
