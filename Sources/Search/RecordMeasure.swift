import Genome
import Imaging
import Net
import Render
import Scoring
import Store

/// Re-renders stored genomes and re-measures their pictures with their run's own objective and
/// classifier: what the gallery shows beside the stored score. Thread-safe (each measurement
/// uses its own classifier scratch; models are loaded once).
public struct RecordMeasure: Sendable {
    public let models: ModelCache

    public init(models: ModelCache = ModelCache()) { self.models = models }

    /// `genome` rendered at `size`² with `supersample`² samples per pixel.
    /// `pictures`: those the genome's `photo` nodes sample (its run's).
    public func render(_ genome: String, pictures: Pictures = .none, size: Int, supersample: Int) throws -> Image {
        try Renderer.render(try Genome(parsing: genome, pictures: pictures), width: size, height: size,
                            supersample: supersample)
    }

    /// The run's robust confidence on `image` (a square render of any size, seen at the judge's
    /// render size): its networks' mean over the judge's framings, as records are measured, for
    /// the objective the run pursued at `generation`.
    public func confidence(of image: Image, run: Run, generation: Int) throws -> Float {
        try judgement(of: image, run: run, generation: generation).confidence
    }

    /// The whole verdict behind `confidence(of:run:generation:)`: the run's networks and the
    /// network it never used, on the judge's framings.
    public func judgement(of image: Image, run: Run, generation: Int) throws -> Judgement {
        let settings = try RunSettings.decode(run.config, run: run.name)
        return try judgement(of: image, networks: settings.models, objective: settings.objective(generation: generation),
                             threads: settings.threads)
    }

    /// The judge's verdict on `image` (a square picture of any size, seen at the judge's render
    /// size) for `objective`: `networks` and the network they do not include, on the judge's
    /// framings (`threads`: default the cache's).
    public func judgement(of image: Image, networks: [ModelVariant], objective: Objective, threads: Int? = nil) throws -> Judgement {
        let size = Judge.renderSize
        let seen = image.width == size && image.height == size ? image : image.resized(width: size, height: size)
        return try RunJudge.judge(networks: networks, models: models, threads: threads).judge(seen, objective: objective)
    }
}
