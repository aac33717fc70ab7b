import Evolution
import Foundation

/// Why crossover and mutation add what they add (issue 24): per operator, how often a child
/// beats its parent, survives selection or beats the best, and how far it lands from its parent
/// (locality); how much of the gain the polish and the variation made; and how diverse the
/// population stays. Fed one generation at a time from a run's progress.
public struct BreedingDiagnosis: Sendable {
    /// Children of one kind.
    public struct Tally: Sendable, Equatable {
        public var children = 0
        /// Fitter than their fitter parent.
        public var improved = 0
        /// The same image as a parent.
        public var neutral = 0
        public var survived = 0
        /// Fitter than the best of the generation before.
        public var beatBest = 0
        /// Child fitness − fitter parent's, for children whose image changed (an upper bound for
        /// children the evaluator cut short below the survival floor).
        public var deltas: [Float] = []

        mutating func add(_ o: OffspringOutcome) {
            children += 1
            if let p = o.parentFitness {
                if o.fitness > p { improved += 1 }
                if !o.sameImageAsParent { deltas.append(o.fitness - p) }
            }
            if o.sameImageAsParent { neutral += 1 }
            if o.survived { survived += 1 }
            if o.beatBest { beatBest += 1 }
        }

        /// The median of `deltas` (nil without any).
        public var medianDelta: Float? {
            guard !deltas.isEmpty else { return nil }
            let sorted = deltas.sorted()
            let n = sorted.count
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }

        /// `children=120 improved=3 neutral=10 survived=14 beat_best=1 median_delta=-1.25`.
        public var text: String {
            let median = medianDelta.map { String(format: "%.3g", $0) } ?? "none"
            return "children=\(children) improved=\(improved) neutral=\(neutral) survived=\(survived) beat_best=\(beatBest) median_delta=\(median)"
        }
    }

    public private(set) var byKind: [VariationKind: Tally] = [:]
    /// Crossover and mutation children with the best among their parents, and the rest.
    public private(set) var ofBest = Tally(), ofOthers = Tally()
    public private(set) var immigrants = Tally()
    /// Polishes run, polishes that raised the best, and the fitness they added.
    public private(set) var polishes = 0, polishGains = 0
    public private(set) var polishGain: Double = 0
    /// Fitness added to the best by crossover and mutation children, and by immigrants.
    public private(set) var variationGain: Double = 0, immigrantGain: Double = 0
    /// Per generation: the population's mean pairwise distance between the members' 16² renders
    /// (RGB, root mean square), and the best's fitness lead over the population's median.
    public private(set) var diversity: [Float] = [], lead: [Float] = []

    public init() {}

    /// Takes in one generation's progress.
    public mutating func add(_ progress: SearchRun.Progress) throws {
        let report = progress.report
        var bestVariation = -Float.infinity, bestImmigrant = -Float.infinity
        for o in report.offspring {
            if o.origin == .immigrant {
                immigrants.add(o)
                bestImmigrant = max(bestImmigrant, o.fitness)
                continue
            }
            if let kind = o.kind { byKind[kind, default: Tally()].add(o) }
            if o.parentWasBest { ofBest.add(o) } else { ofOthers.add(o) }
            bestVariation = max(bestVariation, o.fitness)
        }
        // The generation's gain over the bar goes to whichever made the best child.
        let gain = Double(max(bestVariation, bestImmigrant) - report.bestBefore)
        if gain > 0 {
            if bestVariation >= bestImmigrant { variationGain += gain } else { immigrantGain += gain }
        }
        if let g = progress.polishGain {
            polishes += 1
            if g > 0 { polishGains += 1; polishGain += Double(g) }
        }
        let population = progress.population
        guard !population.isEmpty else { return }
        let descriptors = try population.map { try DiverseElites.descriptor($0.genome) }
        var sum: Float = 0, pairs = 0
        for i in descriptors.indices {
            for j in (i + 1)..<descriptors.count {
                sum += Evaluation.distance(descriptors[i], descriptors[j])
                pairs += 1
            }
        }
        diversity.append(pairs > 0 ? sum / Float(pairs) : 0)
        let fitness = population.map(\.evaluation.fitness).sorted()
        lead.append(population[0].evaluation.fitness - fitness[fitness.count / 2])
    }

    /// Report lines: one for the run, one per operator and parent group.
    public var lines: [String] {
        func series(_ values: [Float]) -> String {
            guard !values.isEmpty else { return "none" }
            let n = values.count
            return [0, n / 4, n / 2, 3 * n / 4, n - 1].map { String(format: "%.3f", values[$0]) }.joined(separator: ",")
        }
        let variationChildren = ofBest.children + ofOthers.children
        var lines = [String(format: "breeding polishes=%d polish_gains=%d polish_gain=%.3f variation_gain=%.3f immigrant_gain=%.3f children_of_best=%.2f diversity=%@ lead=%@",
                            polishes, polishGains, polishGain, variationGain, immigrantGain,
                            // Always a Double (a ternary with a literal 0 would pass an Int vararg and shift the rest).
                            Double(ofBest.children) / Double(max(variationChildren, 1)),
                            series(diversity) as NSString, series(lead) as NSString)]
        lines.append("breeding parent=best \(ofBest.text)")
        lines.append("breeding parent=other \(ofOthers.text)")
        lines.append("breeding immigrant \(immigrants.text)")
        for kind in VariationKind.allCases {
            if let tally = byKind[kind] { lines.append("breeding kind=\(kind.rawValue) \(tally.text)") }
        }
        return lines
    }
}
