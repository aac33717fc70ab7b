import Imaging

/// Keys of the text chunks in the PNGs Pareidolia writes (records, renders, polish results, the gallery).
///
/// Numbers are written in Swift's shortest round-trip form (`Float(text)` gives the value
/// back exactly); `polished` is `true` or `false`.
public enum PNGTextKey {
    /// The genome's S-expression text, exactly as stored.
    public static let genome = "genome"
    /// The run's target class.
    public static let target = "class"
    /// The headline confidence, in [0, 1]: robust (the run's networks over random framings of
    /// the render) for records, re-measured on this render in the gallery.
    public static let confidence = "confidence"
    /// How `confidence` was measured.
    public static let confidenceMethod = "confidence method"
    /// The search's own score: mean over the framings it bred on.
    public static let trainingConfidence = "training confidence"
    /// A held-out network's confidence on unseen framings.
    public static let heldOutConfidence = "held-out confidence"
    /// Which network and framings the held-out confidence comes from.
    public static let heldOutMethod = "held-out method"
    /// One training network's robust confidence (`robust confidence lite0`).
    public static func robustConfidence(_ model: String) -> String { "robust confidence \(model)" }
    /// Confidence stored in the database when the record was found, in [0, 1].
    public static let storedConfidence = "stored confidence"
    /// Naturalness penalty (lower is more natural).
    public static let naturalness = "naturalness"
    /// The classifier, e.g. `efficientnet-lite0`.
    public static let model = "model"
    /// Generation the record was found in.
    public static let generation = "generation"
    /// The run's name.
    public static let run = "run"
    /// The record's id in the run database.
    public static let record = "record"
    /// Whether the record was polished by gradient ascent.
    public static let polished = "polished"
    /// Standard PNG keyword: a one-line title.
    public static let title = "Title"
    /// Standard PNG keyword: the program that wrote the file.
    public static let software = "Software"
}

/// What Pareidolia writes beside the pixels of a picture it made: the genome that renders it and
/// the scores it was given, each under its `PNGTextKey`.
public struct PictureText: Sendable, Equatable {
    /// The genome's S-expression text (nil for a pixel-polished image, which is no formula).
    public var genome: String?
    /// The target's display name.
    public var target: String
    /// The confidence a user is shown, in [0, 1].
    public var confidence: Float
    /// The naturalness measure (denoise distance with a gate, else total variation).
    public var naturalness: Float
    /// Any further keys (run, generation, model, …).
    public var extra: [String: String]

    public init(genome: String?, target: String, confidence: Float, naturalness: Float,
                extra: [String: String] = [:]) {
        self.genome = genome
        self.target = target
        self.confidence = confidence
        self.naturalness = naturalness
        self.extra = extra
    }

    /// The text chunks, numbers in shortest round-trip form.
    public var chunks: [String: String] {
        var text = extra
        if let genome { text[PNGTextKey.genome] = genome }
        text[PNGTextKey.target] = target
        text[PNGTextKey.confidence] = "\(confidence)"
        text[PNGTextKey.naturalness] = "\(naturalness)"
        text[PNGTextKey.software] = text[PNGTextKey.software] ?? "Pareidolia"
        return text
    }
}

extension PNGFile {
    /// Writes a picture Pareidolia made, with its genome and scores in text chunks.
    public static func write(_ image: Image, to path: String, picture: PictureText) throws {
        try write(image, to: path, text: picture.chunks)
    }
}
