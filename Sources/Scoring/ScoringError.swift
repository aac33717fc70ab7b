/// Errors of the scoring pipeline, each naming the bad input.
public enum ScoringError: Error, CustomStringConvertible, Equatable {
    case imageSize(width: Int, height: Int, expected: Int)
    /// `images` images cannot be cut into statistics-prior batches of `priorBatch` each.
    case priorBatch(images: Int, priorBatch: Int)

    public var description: String {
        switch self {
        case let .imageSize(width, height, expected):
            return "image is \(width)×\(height) but the classifier takes \(expected)×\(expected); render or resize it to that size first"
        case let .priorBatch(images, priorBatch):
            return "\(images) images cannot be scored in statistics-prior batches of \(priorBatch) (one picture's views each); pass a priorBatch ≥ 1 that divides the number of images"
        }
    }
}
