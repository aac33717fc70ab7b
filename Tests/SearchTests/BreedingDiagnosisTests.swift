import Evolution
import Foundation
import Genome
import Scoring
import Search
import Store
import XCTest

/// The breeding diagnosis of `bench evolve` on a real short run (Lite0, layered genomes).
final class BreedingDiagnosisTests: XCTestCase {
    /// The diagnosis accounts for the whole climb: the fitness the polish, the variation
    /// children and the immigrants added to the best sum to the run's gain (scores do not
    /// change between generations here, so each generation's bar is the last one's best); every
    /// child is counted once by parent group and once by operator; one diversity and lead figure
    /// per generation, one polish per generation.
    func testGainsSumToTheRunsClimbAndEveryChildCountsOnce() throws {
        var evolution = EvolutionConfig()
        evolution.populationSize = 6
        evolution.offspringPerGeneration = 8
        evolution.maxNodes = 400
        evolution.maxDepth = 16
        evolution.crossoverRate = 0.5
        evolution.layers = LayerSeeding(share: 1, layers: 2, groundWaves: 2, colourWaves: 1, keepsShape: true)
        let settings = RunSettings(evolution: evolution,
                                   fitness: FitnessFunction(objective: .classes([1]), tvWeight: 0.05),
                                   polish: PolishSchedule(every: 1, steps: 2), stop: StopCondition(generation: 4))
        let directory = NSTemporaryDirectory() + "diagnosis-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var run = try SearchRun.start(store: try RunStore.inMemory(), name: "d", target: "goldfish", settings: settings,
                                      seed: 5, seeds: [], recordDirectory: directory, models: ModelCache(threads: 2))
        let start = run.state.best.evaluation.fitness
        var diagnosis = BreedingDiagnosis()
        var evaluated = 0, immigrants = 0
        XCTAssertEqual(try run.run(progress: { progress in
            evaluated += progress.report.evaluated
            immigrants += progress.report.offspring.filter { $0.origin == .immigrant }.count
            do { try diagnosis.add(progress) } catch { XCTFail("\(error)") }
        }), .reachedGenerations)
        let climb = Double(run.state.best.evaluation.fitness - start)
        XCTAssertEqual(diagnosis.polishGain + diagnosis.variationGain + diagnosis.immigrantGain, climb, accuracy: 1e-4)
        XCTAssertEqual(diagnosis.immigrants.children, immigrants)
        XCTAssertEqual(diagnosis.ofBest.children + diagnosis.ofOthers.children, evaluated - immigrants)
        XCTAssertEqual(diagnosis.byKind.values.map(\.children).reduce(0, +), evaluated - immigrants)
        XCTAssertEqual(diagnosis.polishes, 4)
        XCTAssertLessThanOrEqual(diagnosis.polishGains, 4)
        XCTAssertEqual(diagnosis.diversity.count, 4)
        XCTAssertTrue(diagnosis.diversity.allSatisfy { $0 > 0 }, "random layered pictures differ: \(diagnosis.diversity)")
        XCTAssertTrue(diagnosis.lead.allSatisfy { $0 >= 0 })
        XCTAssertEqual(diagnosis.lines.count, 4 + diagnosis.byKind.count)
    }

    /// Before any generation (and in a run without variation children, polish alone) every
    /// figure prints in its own place.
    func testAnEmptyDiagnosisPrintsEveryFieldInPlace() {
        XCTAssertEqual(BreedingDiagnosis().lines, [
            "breeding polishes=0 polish_gains=0 polish_gain=0.000 variation_gain=0.000 immigrant_gain=0.000 children_of_best=0.00 diversity=none lead=none",
            "breeding parent=best children=0 improved=0 neutral=0 survived=0 beat_best=0 median_delta=none",
            "breeding parent=other children=0 improved=0 neutral=0 survived=0 beat_best=0 median_delta=none",
            "breeding immigrant children=0 improved=0 neutral=0 survived=0 beat_best=0 median_delta=none",
        ])
    }
}
