/// Everything that can go wrong in the `Net` module, each case carrying the bad input.
///
/// Descriptions name the input and say how to fix it; problems with weight files end with
/// "re-run scripts/setup", which fetches and verifies them again.
public enum NetError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A checkpoint file could not be opened or read at all.
    case checkpointUnreadable(path: String, reason: String)
    /// A checkpoint file is not a well-formed legacy `torch.save` file: wrong magic, an
    /// unsupported pickle opcode or global, a truncated storage, inconsistent sizes, ...
    /// `offset` is the byte position where the problem was found.
    case checkpointInvalid(path: String, offset: Int, reason: String)
    /// A tensor the network needs is absent from the checkpoint.
    case missingTensor(key: String, path: String)
    /// A tensor has a different shape from the one the architecture implies.
    case shapeMismatch(key: String, expected: [Int], found: [Int])
    /// The weights do not describe an EfficientNet-Lite the builder understands.
    case unsupportedArchitecture(path: String, reason: String)
    /// A weights file's SHA-256 does not start with the prefix its name carries.
    case weightsCorrupted(path: String, expected: String, found: String)
    /// A weights file cannot be checked (its name carries no SHA-256 prefix).
    case weightsUnverifiable(path: String, reason: String)
    /// No weights file for `variant` was found in any of the `searched` directories.
    case weightsNotFound(variant: String, searched: [String])
    /// An input buffer does not hold `batch × 3 × R × R` floats (or a batch is empty).
    case inputSizeMismatch(expected: Int, found: Int)
    /// A class name matched none of the 1000 ImageNet classes.
    case unknownClass(name: String, suggestions: [String])
    /// A class name is a synonym shared by several classes.
    case ambiguousClass(name: String, matches: [String])
    /// A class index outside 0..<count.
    case classIndexOutOfRange(index: Int, count: Int)
    /// The bundled class list is missing or malformed (a packaging problem).
    case classListUnavailable(reason: String)
    /// A gradient objective returned a derivative of the wrong length (for a log-softmax: one per class).
    case objectiveDerivativeCount(expected: Int, found: Int)
    /// A parameter such as a thread count or batch size is out of range.
    case invalidArgument(name: String, value: Int, reason: String)

    static let setupHint = "re-run scripts/setup to fetch and verify the weights again"

    public var description: String {
        switch self {
        case let .checkpointUnreadable(path, reason):
            return "cannot read weights file \(path): \(reason); \(Self.setupHint)"
        case let .checkpointInvalid(path, offset, reason):
            return "weights file \(path) is not a valid legacy PyTorch checkpoint (at byte \(offset)): "
                + "\(reason); \(Self.setupHint)"
        case let .missingTensor(key, path):
            return "weights file \(path) has no tensor '\(key)'; it is not an EfficientNet-Lite "
                + "checkpoint or it is damaged; \(Self.setupHint)"
        case let .shapeMismatch(key, expected, found):
            return "tensor '\(key)' has shape \(found), expected \(expected); the weights file is not "
                + "the EfficientNet-Lite variant asked for or it is damaged; \(Self.setupHint)"
        case let .unsupportedArchitecture(path, reason):
            return "weights file \(path) does not describe a supported EfficientNet-Lite: \(reason); "
                + Self.setupHint
        case let .weightsCorrupted(path, expected, found):
            return "weights file \(path) is damaged: its SHA-256 starts with \(found), but its name "
                + "says \(expected); delete it and \(Self.setupHint)"
        case let .weightsUnverifiable(path, reason):
            return "weights file \(path) cannot be verified: \(reason); \(Self.setupHint)"
        case let .weightsNotFound(variant, searched):
            let places = searched.isEmpty ? "(nowhere to look)" : searched.joined(separator: ", ")
            return "no weights file efficientnet-\(variant)-*.pth found in \(places); run scripts/setup "
                + "(it downloads them into models/) or set PAREIDOLIA_MODELS to the directory holding them"
        case let .inputSizeMismatch(expected, found):
            return "classifier input holds \(found) floats, expected \(expected) (batch × 3 × R × R, "
                + "planar RGB, preprocessed as (u8 − 127) / 128)"
        case let .unknownClass(name, suggestions):
            let hint = suggestions.isEmpty ? "" : "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?"
            return "unknown ImageNet class '\(name)'\(hint)"
        case let .ambiguousClass(name, matches):
            return "class name '\(name)' is ambiguous, it names " + matches.map { "'\($0)'" }.joined(separator: " and ")
                + "; give the class index or a longer name"
        case let .classIndexOutOfRange(index, count):
            return "class index \(index) is out of range; ImageNet classes are numbered 0..<\(count)"
        case let .classListUnavailable(reason):
            return "the bundled ImageNet class list cannot be read: \(reason); rebuild the package"
        case let .objectiveDerivativeCount(expected, found):
            return "the gradient objective returned \(found) derivatives where the features it read have \(expected)"
        case let .invalidArgument(name, value, reason):
            return "\(name) = \(value) is invalid: \(reason)"
        }
    }
}
