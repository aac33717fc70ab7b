import Search
import Imaging
import Store

/// What `GalleryExporter.export` writes and how large.
public struct GalleryOptions: Sendable, Equatable {
    /// Which records of each run are exported.
    public enum Selection: Sendable, Equatable {
        /// Every record (each new best, and each polished genome) of the run.
        case allRecords
        /// Only the run's fittest record (ties: the latest).
        case best
    }

    /// The gallery directory (created if missing); each run gets `<outputDirectory>/<run>/`.
    public var outputDirectory: String
    /// Side of the full-size renders, in pixels (16…16384).
    public var size: Int
    /// Supersampling factor per axis for anti-aliasing (1…8): `aa×aa` samples per pixel.
    public var supersampling: Int
    /// Side of the thumbnails, in pixels (8…size; clamped to `size`), area-downscaled from
    /// the full render.
    public var thumbnailSize: Int
    public var selection: Selection

    public init(outputDirectory: String = "gallery", size: Int = 1024, supersampling: Int = 3,
                thumbnailSize: Int = 256, selection: Selection = .allRecords) {
        self.outputDirectory = outputDirectory
        self.size = size
        self.supersampling = supersampling
        self.thumbnailSize = thumbnailSize
        self.selection = selection
    }
}

/// The two things the gallery needs from the renderer and the classifier: `live` takes them
/// from the search engine (`RecordMeasure`); tests inject their own.
public struct GalleryRenderer: Sendable {
    /// Renders genome text at `size`×`size` with `aa`×`aa` supersampling (samples in [0, 1]);
    /// throws on a bad genome.
    public var render: @Sendable (_ genome: String, _ size: Int, _ aa: Int) throws -> Image
    /// Re-measures the target confidence (softmax probability, [0, 1]) of a full-size render
    /// for `run`'s objective at `generation` (a morph's changes) and its networks; the closure
    /// scales the image to the size the judge sees.
    public var confidence: @Sendable (_ image: Image, _ run: Run, _ generation: Int) throws -> Float

    public init(render: @escaping @Sendable (_ genome: String, _ size: Int, _ aa: Int) throws -> Image,
                confidence: @escaping @Sendable (_ image: Image, _ run: Run, _ generation: Int) throws -> Float) {
        self.render = render
        self.confidence = confidence
    }

    /// The real renderer and each run's own classifier and objective.
    public static func live(_ measure: RecordMeasure = RecordMeasure()) -> GalleryRenderer {
        GalleryRenderer(render: { try measure.render($0, size: $1, supersample: $2) },
                        confidence: { try measure.confidence(of: $0, run: $1, generation: $2) })
    }
}

/// One record done, reported to the caller's progress callback.
public struct GalleryProgress: Sendable, Equatable {
    /// Name of the run being exported.
    public var run: String
    /// 1-based position of this record among the run's selected records.
    public var done: Int
    /// Number of selected records of the run.
    public var total: Int
    public var record: Int64
    public var generation: Int
    /// True when the existing files were kept (same genome, size and supersampling).
    public var reused: Bool
    /// Confidence re-measured on the exported render.
    public var measuredConfidence: Float
}

/// What one export did.
public struct GalleryReport: Sendable, Equatable {
    /// One exported run.
    public struct RunReport: Sendable, Equatable {
        public var name: String
        /// Path of the run's page, `<out>/<run>/index.html`.
        public var page: String
        /// Records rendered in this export.
        public var rendered: Int
        /// Records whose existing files were kept.
        public var reused: Int
    }

    /// Path of the gallery's front page, `<out>/index.html`.
    public var index: String
    public var runs: [RunReport]
}
