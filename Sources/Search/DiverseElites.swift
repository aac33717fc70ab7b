import Evolution
import Genome
import Render

/// A few members of a population that are fit and look unlike each other: the stepping stones
/// a polish can take turns on, so that it climbs more than the best's basin (issue 24: a
/// small archive of diverse elites in a single-class run).
///
/// Members are compared by a shape descriptor, their `descriptorSide`² render (RGB): the
/// first elite is the best; each next one is the member of the fitter half whose render is
/// farthest (root mean square) from every elite taken, the fitter on ties.
public enum DiverseElites {
    /// Side of the descriptor render.
    public static let descriptorSide = 16

    /// `genome`'s shape descriptor.
    public static func descriptor(_ genome: Genome) throws -> [Float] {
        try Renderer.render(genome, width: descriptorSide, height: descriptorSide, threads: 1).pixels
    }

    /// Indices of up to `count` diverse elites of `population` (best first, as populations are
    /// kept), by the members' `descriptors`.
    public static func choose(count: Int, descriptors: [[Float]]) -> [Int] {
        guard !descriptors.isEmpty, count > 0 else { return [] }
        let pool = max(1, (descriptors.count + 1) / 2)
        var chosen = [0]
        // Distance of each pool member to its nearest chosen elite.
        var nearest = (0..<pool).map { Evaluation.distance(descriptors[$0], descriptors[0]) }
        while chosen.count < min(count, pool) {
            var pick = -1
            for i in 0..<pool where !chosen.contains(i) && (pick < 0 || nearest[i] > nearest[pick]) { pick = i }
            guard pick >= 0, nearest[pick] > 0 else { break }   // the rest look like an elite
            chosen.append(pick)
            for i in 0..<pool { nearest[i] = min(nearest[i], Evaluation.distance(descriptors[i], descriptors[pick])) }
        }
        return chosen
    }
}
