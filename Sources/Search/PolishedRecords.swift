import Genome
import Polish
import Store

/// A run's best genome as a starting point for `polish`, and the polished result stored back as
/// a record of the run.
public enum PolishedRecords {
    /// The genome of run `name`'s fittest record, with the run and its settings.
    public static func best(of name: String, in store: RunStore) throws -> (genome: Genome, run: Run, settings: RunSettings) {
        let run = try store.run(named: name)
        let settings = try RunSettings.decode(run.config, run: run.name)
        guard let best = try store.records(run: run.id).max(by: { $0.fitness < $1.fitness }) else {
            throw SearchError.noGenerations(run: run.name)
        }
        let pictures = try RunPictures.load(run: run, from: store)
        do { return (try Genome(parsing: best.genome, pictures: pictures), run, settings) } catch {
            throw SearchError.unreadableGenome(run: run.name, generation: best.generation, reason: "\(error)")
        }
    }

    /// Stores `genome` (the outcome of `result`) as a polished record of `run`, at its last
    /// generation. Returns that generation.
    @discardableResult
    public static func store(_ genome: Genome, result: PolishResult, imagePath: String?, run: Run,
                             in store: RunStore) throws -> Int {
        let generation = max(0, run.generations - 1)
        try store.addRecord(NewRecord(genome: genome.description, fitness: result.after.objective,
                                      confidence: result.after.confidence,
                                      naturalness: result.after.denoiseDistance, evaluations: 0,
                                      elapsedSeconds: 0, polished: true, imagePath: imagePath), run: run.id,
                            generation: generation)
        return generation
    }
}
