import Scoring

/// A morph: the run's objective moves in `frames` steps from one objective to another, each
/// frame `generationsPerFrame` generations long and continuing from the previous frame's
/// population. Frame i pursues (1 − t)·from + t·to with t = i / (frames − 1); the dominant term
/// comes first, so the confidence shown is that of the class the frame leans to. The best of the
/// last generation of each frame is always recorded: those records are the morph's frames.
public struct MorphSchedule: Codable, Sendable, Equatable {
    public var from: Objective
    public var to: Objective
    /// Display names of the two ends (`siberian husky`, `dalmatian`).
    public var fromName: String
    public var toName: String
    public var frames: Int
    public var generationsPerFrame: Int

    public init(from: Objective, to: Objective, fromName: String, toName: String, frames: Int, generationsPerFrame: Int) {
        precondition(frames >= 2 && generationsPerFrame >= 1, "a morph needs two frames of at least one generation")
        self.from = from
        self.to = to
        self.fromName = fromName
        self.toName = toName
        self.frames = frames
        self.generationsPerFrame = generationsPerFrame
    }

    /// Generations of the whole morph.
    public var generations: Int { frames * generationsPerFrame }

    /// The frame generation `g` belongs to (the initial population, generation 0, to frame 0).
    public func frame(generation g: Int) -> Int {
        min(max(g - 1, 0) / generationsPerFrame, frames - 1)
    }

    /// Whether generation `g` is the last of its frame (its best is the frame's picture).
    public func endsFrame(generation g: Int) -> Bool {
        g >= 1 && g % generationsPerFrame == 0 && g <= generations
    }

    /// How far frame `i` is from `from` toward `to`: 0 … 1.
    public func t(frame i: Int) -> Float { Float(i) / Float(frames - 1) }

    /// The objective of frame `i`.
    public func objective(frame i: Int) -> Objective {
        let t = t(frame: i)
        let a: Objective = (1 - t) * from, b: Objective = t * to
        return t <= 0.5 ? a + b : b + a
    }

    /// The objective in force at generation `g`.
    public func objective(generation g: Int) -> Objective { objective(frame: frame(generation: g)) }
}
