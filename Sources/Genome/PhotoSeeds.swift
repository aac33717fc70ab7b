/// Genomes that start from a picture (`evolve --start-from PNG`): the picture itself, warped
/// (waves in x and y, a zoom, a swirl or a rotation) and recoloured (contrast, a tint, the
/// channels turned round), so a population begins as variations of the photo and breeding
/// and polish move it toward the target from there (Sims 1991: image leaves).
extension Genome {
    /// `count` variations of `picture` (the first is the picture as it is), each within `limits`.
    public static func photoSeeds(_ picture: Picture, count: Int, limits: Limits = .standard,
                                  using rng: inout some RandomNumberGenerator) -> [Genome] {
        let pictures = Pictures([picture])
        var seeds: [Genome] = []
        var attempts = 0
        while seeds.count < count, attempts < 20 * Swift.max(count, 1) {
            attempts += 1
            let nodes = seeds.isEmpty ? plainPhoto(picture.key) : randomPhoto(picture.key, using: &rng)
            let genome = Genome(validNodes: nodes, pictures: pictures)
            if limits.admits(genome) { seeds.append(genome) }
        }
        return seeds
    }

    /// `(photo@KEY x y)`.
    static func plainPhoto(_ key: UInt32) -> [Node] { [.photo(key: key), Node(.x), Node(.y)] }

    /// One warp of the coordinates and one recolouring, drawn at random.
    static func randomPhoto(_ key: UInt32, using rng: inout some RandomNumberGenerator) -> [Node] {
        func constant(_ v: Float) -> Node { .constant(Genome.admissible((v * 1000).rounded() / 1000)) }
        func uniform(_ a: Float, _ b: Float) -> Float { a + (b - a) * rng.unit() }
        /// c + a·sin(f·other + p): a gentle wave of one coordinate along the other.
        func wavy(_ c: Op, along other: Op) -> [Node] {
            [Node(.add), Node(c), Node(.mul), constant(uniform(-0.15, 0.15)), Node(.sin), Node(.add),
             Node(.mul), constant(uniform(1, 6)), Node(other), constant(uniform(-3, 3))]
        }
        var photo: [Node]
        switch rng.below(5) {
        case 0:
            photo = [.photo(key: key)] + wavy(.x, along: .y) + wavy(.y, along: .x)
        case 1:
            let s = uniform(0.5, 1.2)
            photo = [.photo(key: key), Node(.mul), constant(s), Node(.x), Node(.mul), constant(s), Node(.y)]
        case 2:
            photo = [Node(.swirl)] + plainPhoto(key) + [constant(uniform(-0.6, 0.6))]
        case 3:
            photo = [Node(.rotate)] + plainPhoto(key) + [constant(uniform(-0.25, 0.25))]
        default:
            photo = plainPhoto(key)
        }
        switch rng.below(4) {
        case 0:   // contrast and brightness: c·P + d
            return [Node(.add), Node(.mul), constant(uniform(0.6, 1.6))] + photo + [constant(uniform(-0.3, 0.3))]
        case 1:   // a tint: mix(P, colour, w)
            return [Node(.mix)] + photo + [Node(.rgb), constant(uniform(-1, 1)), constant(uniform(-1, 1)),
                                           constant(uniform(-1, 1)), constant(uniform(-0.8, -0.2))]
        case 2:   // the channels turned round: (rgb (green P) (blue P) (red P))
            return [Node(.rgb), Node(.green)] + photo + [Node(.blue)] + photo + [Node(.red)] + photo
        default:
            return photo
        }
    }
}
