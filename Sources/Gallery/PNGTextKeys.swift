/// Keys of the text chunks in every exported PNG (full size and thumbnail).
///
/// Numbers are written in Swift's shortest round-trip form (`Float(text)` gives the value
/// back exactly); `polished` is `true` or `false`.
public enum PNGTextKey {
    /// The genome's S-expression text, exactly as stored.
    public static let genome = "genome"
    /// The run's target class.
    public static let target = "class"
    /// Confidence re-measured on this render, in [0, 1].
    public static let confidence = "confidence"
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
