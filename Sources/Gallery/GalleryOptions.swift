import Foundation
import Genome
import Imaging
import Scoring
import Search
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
    /// Which elites of an atlas are judged (the rest show their training figures).
    public var judging: AtlasJudging

    public init(outputDirectory: String = "gallery", size: Int = 1024, supersampling: Int = 3,
                thumbnailSize: Int = 256, selection: Selection = .allRecords, judging: AtlasJudging = .all) {
        self.outputDirectory = outputDirectory
        self.size = size
        self.supersampling = supersampling
        self.thumbnailSize = thumbnailSize
        self.selection = selection
        self.judging = judging
    }
}

/// How many of an atlas's elites the gallery judges (robust and held-out, seconds per genome);
/// verdicts are cached, so judging more later only pays for the new ones.
public enum AtlasJudging: Sendable, Equatable, CustomStringConvertible {
    /// None: every card shows the atlas's training figure.
    case none
    /// The `n` cells of highest training confidence (with every other cell holding the same genome).
    case top(Int)
    /// Every elite.
    case all

    /// Parses `all`, `none`, `N` or `top N` / `topN` / `top-N` (N ≥ 1).
    /// - Throws: `GalleryError.invalidJudging` naming the text.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch t {
        case "all": self = .all
        case "none", "0": self = .none
        default:
            var digits = Substring(t)
            if digits.hasPrefix("top") { digits = digits.dropFirst(3).drop { $0 == " " || $0 == "-" || $0 == "=" } }
            guard let n = Int(digits), n >= 1 else { throw GalleryError.invalidJudging(value: text) }
            self = .top(n)
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .top(let n): "top \(n)"
        case .all: "all"
        }
    }
}

/// What the gallery needs from the renderer, the classifier and Graphviz: `live` takes them
/// from the search engine (`RecordMeasure`, `AtlasJudge`) and the installed Graphviz; tests
/// inject their own.
public struct GalleryRenderer: Sendable {
    /// Renders genome text at `size`×`size` with `aa`×`aa` supersampling (samples in [0, 1]);
    /// throws on a bad genome.
    public var render: @Sendable (_ genome: String, _ size: Int, _ aa: Int) throws -> Image
    /// `render` for the genomes of a run that stores pictures (`photo@KEY`, `evolve
    /// --start-from`), given those pictures; nil: such genomes go to `render` (and fail there).
    public var renderWithPictures: (@Sendable (_ genome: String, _ pictures: Pictures, _ size: Int, _ aa: Int) throws -> Image)?
    /// Re-measures the target confidence (softmax probability, [0, 1]) of a full-size render
    /// for `run`'s objective at `generation` (a morph's changes) and its networks; the closure
    /// scales the image to the size the judge sees.
    public var confidence: @Sendable (_ image: Image, _ run: Run, _ generation: Int) throws -> Float
    /// Judges elites of atlas `run` (the exporter passes the cells that hold one genome), one
    /// verdict per elite: robust and held-out confidence on unseen framings, nearest class.
    /// Costs classifier time (seconds per genome); the exporter caches the verdicts.
    public var atlasVerdicts: @Sendable (_ run: Run, _ elites: [EliteRow]) throws -> [CellVerdict]
    /// The whole verdict behind `confidence` (robust and held-out), for pictures that have no
    /// stored held-out check (a generation's Pareto front); nil: they show the robust one only.
    public var judgement: (@Sendable (_ image: Image, _ run: Run, _ generation: Int) throws -> Judgement)?
    /// Lays out a Graphviz DOT graph as SVG text; nil when Graphviz is not installed.
    public var layoutGraph: @Sendable (_ dot: String) throws -> String?

    public init(render: @escaping @Sendable (_ genome: String, _ size: Int, _ aa: Int) throws -> Image,
                confidence: @escaping @Sendable (_ image: Image, _ run: Run, _ generation: Int) throws -> Float,
                atlasVerdicts: @escaping @Sendable (_ run: Run, _ elites: [EliteRow]) throws -> [CellVerdict]
                    = GalleryRenderer.judgeAtlas(ModelCache()),
                layoutGraph: @escaping @Sendable (_ dot: String) throws -> String? = Graphviz.layout,
                judgement: (@Sendable (_ image: Image, _ run: Run, _ generation: Int) throws -> Judgement)? = nil) {
        self.render = render
        self.judgement = judgement
        self.confidence = confidence
        self.atlasVerdicts = atlasVerdicts
        self.layoutGraph = layoutGraph
    }

    /// The real renderer, each run's own classifier and objective, each atlas's own judge
    /// (`AtlasJudge`: its networks and a held-out one), and the installed Graphviz.
    public static func live(_ measure: RecordMeasure = RecordMeasure()) -> GalleryRenderer {
        var renderer = GalleryRenderer(render: { try measure.render($0, size: $1, supersample: $2) },
                                       confidence: { try measure.confidence(of: $0, run: $1, generation: $2) },
                                       atlasVerdicts: judgeAtlas(measure.models),
                                       judgement: { try measure.judgement(of: $0, run: $1, generation: $2) })
        renderer.renderWithPictures = { try measure.render($0, pictures: $1, size: $2, supersample: $3) }
        return renderer
    }

    /// Verdicts from `AtlasJudge` with the atlas's stored settings, networks loaded from `models`.
    /// The judge (its inference sessions) is built once per atlas and kept for the next calls.
    public static func judgeAtlas(_ models: ModelCache) -> @Sendable (Run, [EliteRow]) throws -> [CellVerdict] {
        let kept = KeptJudge()
        return { run, elites in try kept.judge(elites, of: run, models: models) }
    }
}

/// The last atlas's `AtlasJudge`, reused while calls are about the same atlas; calls are
/// serialised (a judge owns mutable classifier scratch).
private final class KeptJudge: @unchecked Sendable {
    private let lock = NSLock()
    private var judge: (run: Int64, config: String, judge: AtlasJudge)?

    func judge(_ elites: [EliteRow], of run: Run, models: ModelCache) throws -> [CellVerdict] {
        try lock.withLock {
            if let judge, judge.run == run.id, judge.config == run.config { return try judge.judge.judge(elites) }
            let settings = try AtlasSettings.decode(run.config, run: run.name)
            let made = try AtlasJudge(settings: settings, models: models)
            judge = (run.id, run.config, made)
            return try made.judge(elites)
        }
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
    /// Whether this is a member of the last generation's Pareto front (`done`/`total` count
    /// those, `record` is 0) rather than a record.
    public var front = false
}

/// One step of an atlas export, reported to the caller's atlas progress callback.
public struct AtlasProgress: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// One cell's preview thumbnail rendered at thumbnail size (`done`/`total` count the
        /// cells to preview in this export); its full-size render comes after the verdicts.
        case previewed
        /// One cell's PNGs rendered (`done`/`total` count the cells to render in this export).
        case rendered
        /// One distinct genome judged (`done`/`total` count the genomes to judge in this export).
        case judged
        /// One cell's PNG text chunks rewritten with its verdict (`done`/`total` count those cells).
        case annotated
    }

    /// Name of the atlas being exported.
    public var run: String
    public var step: Step
    public var done: Int
    public var total: Int
    /// The cell's class (the first cell holding the genome, for `.judged`).
    public var cell: Int
    public var className: String
    /// The cell's robust confidence, or its training confidence while it has no verdict.
    public var confidence: Float
    /// Whether `confidence` is a verdict's robust figure (false: the atlas's training figure).
    public var judged: Bool
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
        /// Distinct genomes judged in this export (atlases; 0 for other runs).
        public var judged: Int = 0
    }

    /// Path of the gallery's front page, `<out>/index.html`.
    public var index: String
    public var runs: [RunReport]
    /// Things the user should fix for a complete gallery (e.g. Graphviz missing), each once.
    public var warnings: [String] = []
}

extension GalleryRenderer {
    /// `genome` rendered at the options' size and supersampling, checked to be that size; a
    /// renderer failure or a wrong size is thrown as `failure(reason)`.
    func renderChecked(_ genome: String, pictures: Pictures = .none, options: GalleryOptions,
                       failure: (String) -> GalleryError) throws -> Image {
        let image: Image
        do {
            if !pictures.isEmpty, let renderWithPictures {
                image = try renderWithPictures(genome, pictures, options.size, options.supersampling)
            } else {
                image = try render(genome, options.size, options.supersampling)
            }
        } catch {
            throw failure(String(describing: error))
        }
        guard image.width == options.size, image.height == options.size else {
            throw failure("the renderer returned \(image.width)×\(image.height) pixels instead of "
                + "\(options.size)×\(options.size)")
        }
        return image
    }
}
