import Evolution
import Store

/// What a run's records say about who made its progress: how many records each origin made,
/// and the share of the fitness gained from record to record that crossover and mutation made
/// (issue 24: evolution must earn its place beside polish and fresh random genomes).
public struct VariationShare: Sendable, Equatable {
    /// Records per origin (records from before origins were kept count under nil).
    public var records: [Origin?: Int]
    /// Of the fitness gained between consecutive records (each gain credited to the record that
    /// made it; the first record gains nothing), the share made by variation; nil when the
    /// records gained nothing.
    public var variationGain: Double?

    /// Records made by crossover or mutation, over all records.
    public var variationRecords: Double {
        let total = records.values.reduce(0, +)
        let variation = records.filter { $0.key?.isVariation == true }.values.reduce(0, +)
        return total == 0 ? 0 : Double(variation) / Double(total)
    }

    /// From records in the order they were found: each one's fitness and origin.
    public init(records found: [(fitness: Float, origin: Origin?)]) {
        var counts: [Origin?: Int] = [:]
        var total = 0.0, byVariation = 0.0
        for (i, record) in found.enumerated() {
            counts[record.origin, default: 0] += 1
            guard i > 0 else { continue }
            let gain = max(0, Double(record.fitness) - Double(found[i - 1].fitness))
            total += gain
            if record.origin?.isVariation == true { byVariation += gain }
        }
        records = counts
        variationGain = total > 0 ? byVariation / total : nil
    }

    /// From a run's stored records (oldest first), their origins read from the measurements.
    public init(rows: [RecordRow]) {
        self.init(records: rows.sorted { $0.id < $1.id }.map {
            ($0.record.fitness, RecordMeasurements.decode($0.record.measurements)?.origin)
        })
    }

    /// `crossover:2,mutation:5,polish:3` in `Origin`'s order (unknown origins last as `unknown`).
    public var recordsText: String {
        let known = Origin.allCases.compactMap { o in records[o].map { "\(o.rawValue):\($0)" } }
        return (known + (records[nil].map { ["unknown:\($0)"] } ?? [])).joined(separator: ",")
    }
}
