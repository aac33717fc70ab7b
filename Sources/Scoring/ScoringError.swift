/// Errors of the scoring pipeline, each naming the bad input.
public enum ScoringError: Error, CustomStringConvertible, Equatable {
    case imageSize(width: Int, height: Int, expected: Int)

    public var description: String {
        switch self {
        case let .imageSize(width, height, expected):
            return "image is \(width)×\(height) but the classifier takes \(expected)×\(expected); render or resize it to that size first"
        }
    }
}
