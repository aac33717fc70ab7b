/// Where an individual came from: how the search made it. Records keep it, so a run can say
/// which of its gains came from variation (crossover, mutation) and which from polish, fresh
/// random genomes or other islands.
public enum Origin: String, Codable, Sendable, CaseIterable {
    /// The initial population (random genomes or seeds).
    case initial
    /// A fresh random genome bred into a generation (immigrant or restart newcomer).
    case immigrant
    /// A child of two parents (subtree, term or layer crossover).
    case crossover
    /// A mutant of one parent (any tree, term or layer mutation).
    case mutation
    /// The best genome's constants polished by gradient ascent.
    case polish
    /// Another island's best, taken in by migration.
    case migrant

    /// Whether crossover or mutation made it.
    public var isVariation: Bool { self == .crossover || self == .mutation }
}
