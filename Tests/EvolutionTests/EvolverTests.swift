import Foundation
import XCTest
import Evolution
import Genome

final class EvolverTests: XCTestCase {
    func smallConfig() -> EvolutionConfig {
        var c = EvolutionConfig()
        c.populationSize = 24
        c.offspringPerGeneration = 24
        c.maxNodes = 40
        c.maxDepth = 8
        c.restartAfter = 4  // exercise restarts within a short test
        return c
    }

    /// With wave seeding, that share of the initial random genomes are wave sums within the
    /// limits; configs stored before the field existed decode without it (trees only).
    func testWaveSeedingShareAndOldConfigs() throws {
        var config = smallConfig()
        config.maxNodes = 200
        config.maxDepth = 12
        config.waves = WaveSeeding(share: 0.5, terms: 24, frequency: 8)
        var evaluator = SyntheticEvaluator()
        let state = try Evolver(config: config).initialState(seed: 3, seeds: [], evaluator: &evaluator)
        // 200 nodes hold 12 terms of 15 nodes plus 11 additions.
        let waves = state.population.filter { $0.genome.nodeCount == 12 * 16 - 1 }
        XCTAssertEqual(waves.count, 12)
        XCTAssertTrue(waves.allSatisfy { $0.genome.constants.count == 12 * 6 })
        XCTAssertTrue(state.population.allSatisfy { $0.genome.nodeCount <= 200 && $0.genome.depth <= 12 })

        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(smallConfig())) as! [String: Any]
        XCTAssertNil(json["waves"])
        json.removeValue(forKey: "waves")
        let old = try JSONDecoder().decode(EvolutionConfig.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertNil(old.waves)
        XCTAssertEqual(old, smallConfig())
        let encoded = try JSONEncoder().encode(config)
        XCTAssertEqual(try JSONDecoder().decode(EvolutionConfig.self, from: encoded), config)
    }

    /// Every new best says how it was made: only crossover can make it when every child is a
    /// crossover, only mutation when every child is a mutant, only fresh genomes when every
    /// child is an immigrant; a generation without a new best names no origin.
    func testNewBestsSayHowTheyWereMade() throws {
        for (crossoverRate, immigrantRate, expected) in [(1.0, 0.0, Origin.crossover), (0.0, 0.0, .mutation), (0.5, 1.0, .immigrant)] {
            var config = smallConfig()
            config.crossoverRate = crossoverRate
            config.immigrantRate = immigrantRate
            config.restartAfter = 1000
            let evolver = Evolver(config: config)
            var evaluator = SyntheticEvaluator()
            var state = try evolver.initialState(seed: 9, seeds: [], evaluator: &evaluator)
            var records = 0
            for _ in 0..<8 {
                let report = try evolver.step(&state, evaluator: &evaluator)
                XCTAssertEqual(report.bestOrigin != nil, report.isNewRecord)
                if let origin = report.bestOrigin {
                    XCTAssertEqual(origin, expected)
                    records += 1
                }
            }
            XCTAssertGreaterThan(records, 0, "\(expected): the search improved at least once")
        }
    }

    /// Every child of a generation is accounted for, beside its parents: one outcome per
    /// evaluation; immigrants have no operator and no parent, crossovers a crossover operator,
    /// mutants a mutation; every other child's fitter parent is a member of the population it
    /// was bred from; the children that survived are exactly the new members; a child beat the
    /// best exactly when its fitness passed the bar, and a record means one did. Layered and
    /// tree genomes, restarts included.
    func testOffspringOutcomesAccountForEveryChild() throws {
        var config = smallConfig()
        config.maxNodes = 200
        config.maxDepth = 14
        config.crossoverRate = 0.5
        config.layers = LayerSeeding(share: 0.5, layers: 2, keepsShape: true)
        config.restartAfter = 2
        let evolver = Evolver(config: config)
        var evaluator = SyntheticEvaluator()
        var state = try evolver.initialState(seed: 21, seeds: [], evaluator: &evaluator)
        var kinds = Set<VariationKind>()
        var restarts = 0
        for _ in 0..<10 {
            let before = state.population
            let report = try evolver.step(&state, evaluator: &evaluator)
            if report.restarted { restarts += 1 }
            XCTAssertEqual(report.offspring.count, report.evaluated)
            XCTAssertEqual(report.bestBefore, before[0].evaluation.fitness)
            let parentFitness = Set(before.map(\.evaluation.fitness))
            for o in report.offspring {
                switch o.origin {
                case .immigrant:
                    XCTAssertNil(o.kind)
                    XCTAssertNil(o.parentFitness)
                    XCTAssertFalse(o.parentWasBest)
                case .crossover, .mutation:
                    let kind = try XCTUnwrap(o.kind)
                    kinds.insert(kind)
                    XCTAssertEqual(kind.isCrossover, o.origin == .crossover)
                    XCTAssertTrue(parentFitness.contains(try XCTUnwrap(o.parentFitness)))
                    if o.sameImageAsParent { XCTAssertLessThanOrEqual(o.fitness, o.parentFitness!) }
                default: XCTFail("a child made by \(o.origin)")
                }
                XCTAssertEqual(o.beatBest, o.fitness > report.bestBefore)
            }
            let old = Set(before.map(\.genome))
            XCTAssertEqual(report.offspring.filter(\.survived).count, state.population.filter { !old.contains($0.genome) }.count)
            XCTAssertEqual(report.isNewRecord, report.offspring.contains(where: \.beatBest))
        }
        XCTAssertGreaterThan(restarts, 0)
        XCTAssertTrue(kinds.contains(.layerCrossover) && kinds.contains(.subtreeCrossover), "\(kinds)")
        XCTAssertTrue(kinds.contains { VariationKind.allCases.firstIndex(of: $0)! >= VariationKind.allCases.firstIndex(of: .replaceLayer)! },
                      "layer mutations: \(kinds)")
        XCTAssertTrue(kinds.contains(.pointMutation) || kinds.contains(.subtreeMutation), "\(kinds)")
    }

    /// With term operators, wave populations stay wave sums within the limits: children of term
    /// crossover and term mutation are sums of whole wave terms, and the search still climbs.
    func testTermOperatorsKeepWaveSumsWhole() throws {
        var config = smallConfig()
        config.maxNodes = 200
        config.maxDepth = 12
        config.waves = WaveSeeding(share: 1, terms: 12, frequency: 8)
        config.termOperators = TermOperators(crossover: 1, mutation: 1)
        config.crossoverRate = 0.5
        config.immigrantRate = 0
        let evolver = Evolver(config: config)
        var evaluator = SyntheticEvaluator()
        var state = try evolver.initialState(seed: 4, seeds: [], evaluator: &evaluator)
        let start = state.best.evaluation.fitness
        for _ in 0..<6 { _ = try evolver.step(&state, evaluator: &evaluator) }
        for member in state.population {
            XCTAssertEqual(member.genome.terms.count, 12, "\(member.genome)")
            XCTAssertTrue(member.genome.terms.allSatisfy { $0.nodeCount == Genome.waveTermNodes })
        }
        XCTAssertGreaterThanOrEqual(state.best.evaluation.fitness, start)
        XCTAssertGreaterThan(Set(state.population.map(\.genome)).count, 12, "variation happened")
    }

    /// A run is a pure function of config and seed.
    func testSameSeedSameRun() throws {
        let evolver = Evolver(config: smallConfig())
        var e1 = SyntheticEvaluator(), e2 = SyntheticEvaluator()
        var a = try evolver.initialState(seed: 7, seeds: [], evaluator: &e1)
        var b = try evolver.initialState(seed: 7, seeds: [], evaluator: &e2)
        for _ in 0..<10 {
            _ = try evolver.step(&a, evaluator: &e1)
            _ = try evolver.step(&b, evaluator: &e2)
        }
        XCTAssertEqual(a, b)
        var c = try evolver.initialState(seed: 8, seeds: [], evaluator: &e1)
        _ = try evolver.step(&c, evaluator: &e1)
        XCTAssertNotEqual(a.population.map(\.genome), c.population.map(\.genome))
    }

    /// N generations straight equal k generations, a save/restore of the state through its
    /// stored forms (genome text, counters JSON), then N − k more.
    func testResumeFromStoredFormIsExact() throws {
        let evolver = Evolver(config: smallConfig())
        var e = SyntheticEvaluator()
        var straight = try evolver.initialState(seed: 42, seeds: [], evaluator: &e)
        var reports: [Float] = []
        for _ in 0..<12 { reports.append(try evolver.step(&straight, evaluator: &e).best.evaluation.fitness) }

        var partial = try evolver.initialState(seed: 42, seeds: [], evaluator: &e)
        var resumedReports: [Float] = []
        for _ in 0..<5 { resumedReports.append(try evolver.step(&partial, evaluator: &e).best.evaluation.fitness) }
        let counters = try JSONEncoder().encode(partial.counters)
        let texts = partial.population.map { ($0.genome.description, $0.evaluation) }

        let restoredCounters = try JSONDecoder().decode(EvolutionState.Counters.self, from: counters)
        let restoredPopulation = try texts.map { Individual(genome: try Genome(parsing: $0.0), evaluation: $0.1) }
        var resumed = EvolutionState(counters: restoredCounters, population: restoredPopulation)
        XCTAssertEqual(resumed, partial)
        for _ in 0..<7 { resumedReports.append(try evolver.step(&resumed, evaluator: &e).best.evaluation.fitness) }
        XCTAssertEqual(resumed, straight)
        XCTAssertEqual(resumedReports, reports)
    }

    /// The best fitness never decreases ((μ+λ) keeps it), the search improves on a learnable
    /// target, and every genome obeys the limits. Improvement is a matter of chance in one
    /// short run (a lucky initial population can hold the lead for 40 generations: seed 3
    /// does), so it is asserted over eight seeds: at least six improve.
    func testSearchImprovesMonotonicallyWithinLimits() throws {
        let config = smallConfig()
        let evolver = Evolver(config: config)
        let limits = try Limits(maxDepth: config.maxDepth, maxNodes: config.maxNodes)
        var improved = 0
        var sawRestart = false
        for seed in UInt64(1)...8 {
            var e = SyntheticEvaluator()
            var state = try evolver.initialState(seed: seed, seeds: [], evaluator: &e)
            let first = state.best.evaluation.fitness
            var last = first
            for _ in 0..<40 {
                let report = try evolver.step(&state, evaluator: &e)
                XCTAssertGreaterThanOrEqual(report.best.evaluation.fitness, last)
                last = report.best.evaluation.fitness
                sawRestart = sawRestart || report.restarted
                for individual in state.population {
                    XCTAssertTrue(limits.admits(individual.genome), "\(individual.genome)")
                }
            }
            if last > first { improved += 1 }
        }
        XCTAssertGreaterThanOrEqual(improved, 6, "the search improved in \(improved) of 8 seeds")
        XCTAssertTrue(sawRestart, "stagnation restart never triggered in 40 generations")
    }

    /// Phenotype de-duplication: no two individuals in a population render the same image, and
    /// images already in the population are not scored again.
    func testPopulationHasDistinctPhenotypesAndKnownImagesAreNotRescored() throws {
        let evolver = Evolver(config: smallConfig())
        var e = SyntheticEvaluator()
        let constant = try Genome(parsing: "(rgb 0.5 0.5 0.5)")
        let same = try Genome(parsing: "(rgb (* 1 0.5) 0.5 0.5)")
        var state = try evolver.initialState(seed: 1, seeds: [constant, same], evaluator: &e)
        let phenotypes = state.population.map(\.evaluation.phenotype)
        XCTAssertEqual(Set(phenotypes).count, phenotypes.count)
        let before = e.scored
        let known = Dictionary(uniqueKeysWithValues: state.population.map { ($0.evaluation.phenotype, $0.evaluation) })
        _ = try e.evaluate(state.population.map(\.genome), known: known, survivalFloor: -.infinity)
        XCTAssertEqual(e.scored, before)
        _ = try evolver.step(&state, evaluator: &e)
        XCTAssertEqual(Set(state.population.map(\.evaluation.phenotype)).count, state.population.count)
    }
}
