import ArgumentParser
import Foundation
import Gallery
import Genome
import ImageIO
import Imaging
import Net
import Polish
import Scoring
import Search

struct DreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dream",
        abstract: "Dream zooms: polish a picture toward an objective, zoom into it, polish again, frame after frame.",
        discussion: """
            Frame 0 is the source polished toward the objective; each next frame is the previous one zoomed about its centre by --zoom and polished again (the 2015 dream videos, which applied the algorithm to its own output with a zoom after each iteration). --mode pixels polishes the pixels (the zoom crops the centre and resizes it back); --mode constants polishes a formula's constants (the zoom wraps it in a scale warp), so every frame is still a formula. Frames are written as they are made (frame-000.png, …; an interrupted zoom keeps every frame written) with frames.html, a page that plays them. The same command gives the same frames.
            Examples:
              pareidolia dream photos/coffee.png --objective "dream(block10)" --frames 24 -o dream-coffee/
              pareidolia dream genomes/library/marble.genome --mode constants --objective "class(coral reef)" --zoom 1.1 -o reef-zoom/
            """)

    @Argument(help: "A PNG, a .genome file or a run name (its best record).") var source: String
    @Option(parsing: .unconditional, help: ObjectiveOption.help) var objective = "dream(block10)"
    @Option(help: "pixels or constants (constants needs a formula: a .genome, a PNG written by pareidolia or a run).")
    var mode: PolishJob.Mode = .pixels
    @Option(parsing: .unconditional, help: "Magnification from one frame to the next (above 1, at most 4).") var zoom = 1.05
    @Option(parsing: .unconditional, help: "Frames to make, the first included.") var frames = 16
    @Option(name: .customLong("polish-steps"), parsing: .unconditional, help: "Gradient steps per frame.") var steps = 10
    @Option(name: .customLong("polish-lr"), parsing: .unconditional, help: "Adam learning rate (default: \(PolishDefaults.constantLearningRate) for constants, \(PolishDefaults.pixelLearningRate) for pixels).")
    var lr: Float?
    @Option(parsing: .unconditional, help: "Weight of the total-variation regulariser.") var tv: Float = 0.1
    @Option(parsing: .unconditional, help: "Random seed of the frames' polish (same seed, same frames).") var seed: UInt64 = 1
    @Option(help: "Classifier: lite0, lite1 or lite2.") var model: String = "lite0"
    @Option(name: .shortAndLong, help: "Output directory for the frames and frames.html (created if missing).")
    var output: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var threads: ThreadsOption

    func validate() throws {
        guard zoom > 1, zoom <= 4 else { throw ValidationError("--zoom must be above 1 and at most 4 (1.05 zooms 5% per frame), got \(zoom)") }
        guard (1...10_000).contains(frames) else { throw ValidationError("--frames must be 1 to 10000, got \(frames)") }
        guard (1...10_000).contains(steps) else { throw ValidationError("--polish-steps must be 1 to 10000, got \(steps)") }
        _ = try ModelCache.variant(model)
        _ = try ObjectiveOption.parse(objective, shorthands: [])
    }

    func run() throws {
        let start = try PolishCommand.loadSource(source, mode: mode, database: database).0
        let names = try ImageNetClasses.bundled()
        let network = try ModelCache.variant(model)
        let cache = threads.cache()
        let scorer = try cache.scorer([network])
        let text = try ObjectiveOption.parse(objective, shorthands: [])
        let goal = try ObjectiveOption.target(text, classes: [], networks: [network], cache: cache, names: names).objective
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let directory = URL(fileURLWithPath: output)
        var written: [String] = []
        let clock = ContinuousClock(), began = clock.now
        try DreamZoom.run(start, mode: mode, objective: goal, scorer: scorer,
                          settings: DreamZoom.Settings(frames: frames, zoom: zoom, steps: steps, learningRate: lr,
                                                       tvWeight: tv, seed: seed),
                          path: source) { frame in
            let name = String(format: "frame-%03d.png", frame.index)
            try PNGFile.write(frame.image, to: directory.appendingPathComponent(name).path, picture: PictureText(
                genome: frame.genome?.description, target: text?.description ?? objective, confidence: 0,
                naturalness: 0,
                extra: [PNGTextKey.software: "pareidolia", PolishCommand.objectiveValueKey: "\(frame.after)",
                        "dream frame": "\(frame.index) of \(frames), zoom \(zoom) per frame, \(steps) steps, seed \(seed)"]))
            written.append(name)
            try Self.writePage(frames: written, objective: text?.description ?? objective, zoom: zoom, in: directory)
            let elapsed = Double((clock.now - began).components.seconds)
            print(String(format: "frame %d/%d: objective %.4g → %.4g (%@, %.0f s)", frame.index + 1, frames, frame.before,
                         frame.after, name as NSString, elapsed))
        }
        print("wrote \(written.count) frames and frames.html to \(output)")
    }

    /// `frames.html`: the frames played in order, ten a second, with a slider to step through them.
    static func writePage(frames: [String], objective: String, zoom: Double, in directory: URL) throws {
        let list = frames.map { "\"\(HTML.escape($0))\"" }.joined(separator: ",")
        let first = frames.first.map(HTML.escape) ?? ""
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Dream zoom: \(HTML.escape(objective))</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em;background:#111;color:#eee}
            img{width:448px;height:448px;image-rendering:auto;display:block;margin:1em 0}
            input{width:448px}</style></head><body>
            <h1>Dream zoom</h1>
            <p>\(HTML.escape(objective)), zoom \(zoom) per frame, \(frames.count) frames.</p>
            <img id="frame" src="\(first)" alt="frame">
            <input id="at" type="range" min="0" max="\(max(0, frames.count - 1))" value="0">
            <p><button id="play">pause</button> <span id="label">frame 0</span></p>
            <script>
            const frames=[\(list)];let i=0,playing=true;
            const img=document.getElementById('frame'),at=document.getElementById('at'),label=document.getElementById('label');
            function show(k){i=k;img.src=frames[i];at.value=i;label.textContent='frame '+i;}
            at.oninput=()=>show(+at.value);
            document.getElementById('play').onclick=e=>{playing=!playing;e.target.textContent=playing?'pause':'play';};
            setInterval(()=>{if(playing&&frames.length>1)show((i+1)%frames.length);},100);
            </script></body></html>
            """
        try html.write(to: directory.appendingPathComponent("frames.html"), atomically: true, encoding: .utf8)
    }
}
