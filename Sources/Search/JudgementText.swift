import ImageIO
import Scoring

extension Judgement {
    /// The PNG text chunks that say how a picture was measured: the robust confidence (the
    /// headline), the training score and the held-out network's verdict, each labelled.
    public func textChunks(trainingConfidence: Float) -> [String: String] {
        var text = [
            PNGTextKey.confidenceMethod: "robust: the run's networks (\(robust.map(\.model).joined(separator: "+"))), \(method)",
            PNGTextKey.trainingConfidence: "\(trainingConfidence)",
            PNGTextKey.heldOutConfidence: "\(heldOut.confidence)",
            PNGTextKey.heldOutMethod: "\(heldOut.model), \(method); target top-1 on \(Int((heldOut.top1 * Float(framings)).rounded()))/\(framings)",
        ]
        for verdict in robust { text[PNGTextKey.robustConfidence(verdict.model)] = "\(verdict.confidence)" }
        return text
    }
}
