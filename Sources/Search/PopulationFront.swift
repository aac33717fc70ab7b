import Evolution
import Genome
import Store

/// The Pareto front of one stored generation: the pictures that no other picture of the same
/// population beats on confidence, naturalness and size at once (`Pareto.fronts`), with the
/// rest of the population beside them for a chart. Computed from the stored population, so
/// every committed generation has one, whatever its survivor selection was.
///
/// The confidences and naturalness are the search's own (training) measures, as stored.
public struct PopulationFront: Sendable, Equatable {
    /// One member of the population.
    public struct Point: Sendable, Equatable {
        /// Position in the stored population.
        public var index: Int
        public var genome: String
        public var confidence: Float
        public var naturalness: Float
        public var nodes: Int
        public var fitness: Float
    }

    public var generation: Int
    /// Every member of the population, in stored order.
    public var points: [Point]
    /// Positions in `points` of the front's members, most confident first (ties: stored order).
    public var front: [Int]

    /// A stored genome that does not parse (the store is damaged or was written by a newer build).
    public struct UnreadableGenome: Error, CustomStringConvertible {
        /// Its position in the stored population.
        public var position: Int
        public var genome: String
        public var reason: String
        public var description: String { "member \(position) of the stored population does not parse: \(reason)" }
    }

    /// The front of `population`, generation `generation` of a run whose formulas sample
    /// `pictures` (its stored ones).
    /// - Throws: `UnreadableGenome` naming the first stored genome that does not parse.
    public init(population: [Store.Individual], generation: Int, pictures: Pictures = .none) throws {
        self.generation = generation
        let points = try population.enumerated().map { k, member in
            let genome: Genome
            do {
                genome = try Genome(parsing: member.genome, pictures: pictures)
            } catch {
                throw UnreadableGenome(position: k, genome: member.genome, reason: String(describing: error))
            }
            return Point(index: k, genome: member.genome, confidence: member.confidence, naturalness: member.naturalness,
                         nodes: genome.nodeCount, fitness: member.fitness)
        }
        self.points = points
        let objectives = points.map { Pareto.objectives(confidence: $0.confidence, naturalness: $0.naturalness, nodes: $0.nodes) }
        front = (Pareto.fronts(objectives).first ?? []).sorted { a, b in
            points[a].confidence != points[b].confidence ? points[a].confidence > points[b].confidence : a < b
        }
    }

    /// The front's members, most confident first.
    public var members: [Point] { front.map { points[$0] } }
}
