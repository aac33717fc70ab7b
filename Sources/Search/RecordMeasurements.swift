import Evolution
import Foundation
import Scoring

/// How a record was measured, stored with it (JSON): the search's own score and how it holds up.
public struct RecordMeasurements: Codable, Sendable, Equatable {
    /// The search's confidence (what it bred for) and how it was computed.
    public var training: Float
    public var trainingMethod: String
    /// Robust (the run's networks) and held-out verdicts on framings the run never scored.
    public var judgement: Judgement
    /// How the search made the record's genome (nil for records stored before it was kept).
    public var origin: Origin?

    public init(training: Float, trainingMethod: String, judgement: Judgement, origin: Origin? = nil) {
        self.training = training
        self.trainingMethod = trainingMethod
        self.judgement = judgement
        self.origin = origin
    }

    /// How a run's own score is computed, for the label.
    public static func trainingMethod(_ settings: RunSettings) -> String {
        let networks = settings.modelName
        if let f = settings.framings {
            return "\(networks), mean over \(f.count) random framings" + (f.renewal == .generation ? " drawn anew each generation" : " fixed for the run")
        }
        return settings.views > 1 ? "\(networks), mean over \(settings.views) shifted views" : "\(networks), the exact render it was bred on"
    }

    public func json() throws -> String {
        try StoredJSON.encode(self)
    }

    /// The measurements stored with a record (nil for records stored before they were kept).
    public static func decode(_ json: String?) -> RecordMeasurements? {
        json.flatMap { try? JSONDecoder().decode(RecordMeasurements.self, from: Data($0.utf8)) }
    }
}
