import XCTest
import Scoring

final class ObjectiveTests: XCTestCase {
    /// A log-softmax over 1000 classes from arbitrary logits.
    func logSoftmax(_ logits: [Float]) -> [Float] {
        let m = logits.max()!
        let s = logits.reduce(0) { $0 + exp(Double($1 - m)) }
        return logits.map { $0 - m - Float(log(s)) }
    }

    func randomLogits(seed: Int) -> [Float] {
        var g = seed &* 2654435761 &+ 1
        return (0..<1000).map { _ in
            g = g &* 1103515245 &+ 12345
            return Float((g >> 8) & 0xFFFF) / 8192 - 4
        }
    }

    func testValuesMatchDefinitions() {
        let lp = logSoftmax(randomLogits(seed: 1))
        let p = lp.map { Double(exp($0)) }
        do {
            XCTAssertEqual(Objective.classes([119]).value(logProbabilities: lp), lp[119], accuracy: 1e-6)
            let merged = Float(log(p[118] + p[119] + p[120] + p[121]))
            XCTAssertEqual(Objective.classes([118, 119, 120, 121]).value(logProbabilities: lp), merged, accuracy: 1e-5)
            XCTAssertEqual(Objective.opposite(285).value(logProbabilities: lp), Float(log(1 - p[285])), accuracy: 1e-6)
            let combo: Objective = .classes([119]) + 0.5 * .opposite(285)
            XCTAssertEqual(combo.value(logProbabilities: lp), lp[119] + 0.5 * Float(log(1 - p[285])), accuracy: 1e-5)
        }
    }

    /// The gradient with respect to the log-probabilities equals central finite differences.
    func testGradientMatchesFiniteDifferences() {
        let lp = logSoftmax(randomLogits(seed: 2))
        let objective: Objective = .classes([118, 119, 120]) + 0.7 * .opposite(5)
        let gradient = objective.gradient(logProbabilities: lp)
        for i in [5, 118, 119, 120, 300] {
            var plus = lp, minus = lp
            let h: Float = 1e-2
            plus[i] += h
            minus[i] -= h
            let fd = (objective.value(logProbabilities: plus) - objective.value(logProbabilities: minus)) / (2 * h)
            XCTAssertEqual(gradient[i], fd, accuracy: 2e-3 + 1e-2 * abs(fd), "class \(i)")
        }
    }

    func testConfidenceIsSummedProbability() {
        let lp = logSoftmax(randomLogits(seed: 3))
        let p = lp.map { exp($0) }
        do {
            let pb = p
            XCTAssertEqual(Objective.classes([1, 2]).confidence(probabilities: pb), p[1] + p[2], accuracy: 1e-7)
            XCTAssertEqual(Objective.opposite(7).confidence(probabilities: pb), 1 - p[7], accuracy: 1e-7)
        }
    }

    /// A confidence target applies only where the confidence is a probability the objective raises.
    func testConfidenceTargetAppliesOnlyToClassesSought() {
        let channel = Objective.layer(LayerFeature(.channel, block: 12, channel: 57))
        XCTAssertTrue(Objective.classes([1]).raisesConfidence)
        XCTAssertTrue(Objective.logit(1).raisesConfidence)
        XCTAssertTrue((channel + .classes([1])).raisesConfidence, "the first term with a confidence leads")
        XCTAssertTrue(Objective.on(network: "lite1", .classes([1])).raisesConfidence)
        XCTAssertFalse(Objective.opposite(1).raisesConfidence, "1 − p is near 1 from the start")
        XCTAssertFalse((-1 * Objective.logit(1)).raisesConfidence)
        XCTAssertFalse(channel.raisesConfidence, "an inner feature reports the top-1 probability")
        XCTAssertFalse((-0.5 * Objective.classes([1]) + .classes([2])).raisesConfidence)
        XCTAssertEqual(channel.confidenceKind, .topOne)
        XCTAssertEqual(Objective.opposite(1).confidenceKind, .absence)
        XCTAssertEqual((-1 * Objective.logit(1)).confidenceKind, .absence)
        XCTAssertEqual((channel + .classes([1])).confidenceKind, .sought)
    }
}
