import Imaging
import Net
import Scoring

/// The classifier's side of a polish step: objective values, confidences and ∂objective/∂pixel.
enum ClassifierGradient {
    /// Checks that `image` is at the network's input resolution.
    static func checkSize(_ image: Image, _ session: InferenceSession) throws {
        let r = session.model.resolution
        guard image.width == r, image.height == r else {
            throw PolishError.imageSize(width: image.width, height: image.height, expected: r)
        }
    }

    /// The images (each `R`×`R`) preprocessed into one NCHW batch.
    static func batch(_ images: [Image]) -> [Float] {
        let size = images.first?.pixels.count ?? 0
        var input = [Float](repeating: 0, count: images.count * size)
        input.withUnsafeMutableBufferPointer { buffer in
            for (n, image) in images.enumerated() { Preprocess.write(image, into: buffer, index: n) }
        }
        return input
    }

    /// The objective's value for each image and its gradient with respect to each image's
    /// pixels (planar, [0, 1] units: the input gradient times `Preprocess.pixelGradientScale`).
    static func gradient(_ images: [Image], objective: Objective,
                         session: InferenceSession) throws -> (values: [Float], gradients: [Image]) {
        let result = try session.inputGradient(batch(images), batch: images.count) { _, logSoftmax in
            logSoftmax.withUnsafeBufferPointer { lp in
                var derivative = [Float](repeating: 0, count: lp.count)
                derivative.withUnsafeMutableBufferPointer {
                    objective.accumulateGradient(logProbabilities: lp, scale: 1, into: $0)
                }
                return (objective.value(logProbabilities: lp), derivative)
            }
        }
        let size = images.first?.pixels.count ?? 0
        let gradients = images.indices.map { n in
            let slice = result.gradient[(n * size)..<((n + 1) * size)]
            return Image(width: images[n].width, height: images[n].height,
                         pixels: slice.map { $0 * Preprocess.pixelGradientScale })
        }
        return (result.objective, gradients)
    }

    /// Confidence, objective and naturalness of one `R`×`R` image (one forward pass).
    static func score(_ image: Image, objective: Objective, session: InferenceSession) throws -> PolishScore {
        let logits = try session.logits(batch([image]), batch: 1)
        let lp = Probabilities.logSoftmax(logits)
        let p = Probabilities.softmax(logits)
        let value = lp.withUnsafeBufferPointer { objective.value(logProbabilities: $0) }
        let confidence = p.withUnsafeBufferPointer { objective.confidence(probabilities: $0) }
        return PolishScore(confidence: confidence, objective: value,
                           denoiseDistance: denoiseDistance(image, weight: FitnessFunction.denoiseWeight),
                           totalVariation: anisotropicTotalVariation(image))
    }
}
