import Genome
import Imaging
import Polish
import Scoring

/// Dream zooms: the algorithm applied to its own output with a zoom after each frame (the
/// 2015 "fractal" dream videos). Frame 0 is the start polished toward the objective; frame
/// k + 1 is frame k zoomed about its centre, polished again. In pixels mode the zoom crops the
/// centre 1/zoom of the side (whole pixels) and resizes it back; in constants mode it wraps the
/// formula in `(scale … 1/zoom)` (or divides an outer `scale` constant), so every frame is still
/// a formula that renders at any size, and the polish leaves that constant alone (else it
/// would undo the zoom). Every frame's randomness (the pixel polish's jitter) comes
/// from `SeedStream.dreamFrames`, so a zoom is the same every time it is run.
public enum DreamZoom {
    public struct Settings: Sendable {
        /// Frames written, the first included (≥ 1).
        public var frames: Int
        /// Magnification between frames (> 1).
        public var zoom: Double
        /// Polish steps per frame.
        public var steps: Int
        public var learningRate: Float?
        public var tvWeight: Float
        /// The random seed of the frames' polish.
        public var seed: UInt64

        public init(frames: Int, zoom: Double, steps: Int, learningRate: Float?, tvWeight: Float, seed: UInt64 = 1) {
            self.frames = frames
            self.zoom = zoom
            self.steps = steps
            self.learningRate = learningRate
            self.tvWeight = tvWeight
            self.seed = seed
        }
    }

    /// One frame: its picture at the network's resolution, its formula in constants mode, and
    /// the objective before and after its polish.
    public struct Frame: Sendable {
        public var index: Int
        public var image: Image
        public var genome: Genome?
        public var before: Float, after: Float
    }

    /// The picture zoomed about its centre by `zoom`: the centre 1/zoom of each side (rounded
    /// to whole pixels, at least one pixel kept) resized back to the full size.
    public static func zoomed(_ image: Image, by zoom: Double) -> Image {
        func kept(_ n: Int) -> Int { max(1, min(n, Int((Double(n) / zoom).rounded()))) }
        let w = kept(image.width), h = kept(image.height)
        return image.cropped(x: (image.width - w) / 2, y: (image.height - h) / 2, width: w, height: h)
            .resized(width: image.width, height: image.height).clamped()
    }

    /// The formula zoomed about the centre by `zoom`: an outer `(scale BODY c)` with a constant
    /// c becomes `(scale BODY c/zoom)`; any other formula is wrapped in `(scale … 1/zoom)`.
    public static func zoomed(_ genome: Genome, by zoom: Double) -> Genome {
        if zoomConstant(of: genome) != nil {
            var out = genome.nodes
            out[out.count - 1] = .constant(Genome.admissible(Float(Double(out[out.count - 1].value) / zoom)))
            return (try? Genome(nodes: out, pictures: genome.pictures)) ?? genome
        }
        return (try? Genome(nodes: [Node(.scale)] + genome.nodes + [.constant(Float(1 / zoom))], pictures: genome.pictures)) ?? genome
    }

    /// The index in `Genome.constants` of an outer `(scale BODY c)`'s constant c, if it has one.
    static func zoomConstant(of genome: Genome) -> Int? {
        let nodes = genome.nodes
        let ends = genome.subtreeEnds
        guard nodes[0].op == .scale, nodes.count > 1, ends[1] < nodes.count, nodes[ends[1]].op == .constant,
              ends[1] + 1 == nodes.count else { return nil }
        return genome.constants.count - 1
    }

    /// Runs the zoom, handing each frame to `frame` as soon as it is made (to write it; a throw
    /// stops the zoom). `mode` and `start` as in `PolishJob`; `path` names the source in errors.
    public static func run(_ start: PolishJob.Start, mode: PolishJob.Mode, objective: Objective, scorer: Scorer,
                           settings: Settings, path: String, frame: (Frame) throws -> Void) throws {
        let polish = PolishJob.Settings(steps: settings.steps, learningRate: settings.learningRate,
                                        tvWeight: settings.tvWeight, gate: nil, views: 1)
        // Pixels: the start prepared once; later frames are already at the network's size.
        var current = mode == .pixels ? .image(try PolishJob.networkImage(start, resolution: scorer.resolution(of: 0))) : start
        for k in 0..<max(1, settings.frames) {
            let result: PolishResult, genome: Genome?
            switch (mode, current) {
            case (.constants, .genome(let g)):
                // The zoom is the framing, not part of the picture: the polish keeps it.
                let frozen: Set<Int> = k > 0 ? Set(zoomConstant(of: g).map { [$0] } ?? []) : []
                (result, genome) = try PolishJob.polishConstants(g, objective: objective, scorer: scorer, settings: polish,
                                                                 frozen: frozen)
            case (.constants, .image):
                throw SearchError.noGenomeInPNG(path: path)
            case (.pixels, .genome):
                preconditionFailure("a pixels zoom starts from the prepared picture")
            case (.pixels, .image(let image)):
                result = try PolishJob.polishPixels(image, objective: objective, scorer: scorer, settings: polish,
                                                    seed: SeedStream.dreamFrames.seed(settings.seed, item: k + 1))
                genome = nil
            }
            // A constant polish's image is its formula's plain render at the network's size.
            try frame(Frame(index: k, image: result.image, genome: genome, before: result.before.objective,
                            after: result.after.objective))
            if let genome {
                current = .genome(zoomed(genome, by: settings.zoom))
            } else {
                current = .image(zoomed(result.image, by: settings.zoom))
            }
        }
    }
}
