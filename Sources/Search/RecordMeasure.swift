import Genome
import Imaging
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
    public func render(_ genome: String, size: Int, supersample: Int) throws -> Image {
        try Renderer.render(try Genome(parsing: genome), width: size, height: size, supersample: supersample)
    }

    /// The run's confidence on `image` (a square render, scaled to the network's size).
    public func confidence(of image: Image, run: Run) throws -> Float {
        let settings = try RunSettings.decode(run.config, run: run.name)
        let scorer = try models.scorer([settings.model])
        let r = scorer.resolution(of: 0)
        let p = try scorer.probabilities(of: image.resized(width: r, height: r))
        return settings.fitness.objective.confidence(probabilities: p)
    }
}
