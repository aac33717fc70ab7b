/// What can go wrong asking for a polish.
public enum PolishError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A setting outside its allowed range.
    case invalidSetting(name: String, value: Double, allowed: String)
    /// An image whose size differs from the network's input resolution.
    case imageSize(width: Int, height: Int, expected: Int)
    /// No image within the naturalness gate was found (the input itself is too far outside).
    case gateUnreachable(gate: Float, distance: Float)

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, allowed):
            return "invalid polish setting \(name) = \(value): must be \(allowed)"
        case let .imageSize(width, height, expected):
            return "image is \(width)×\(height) but the network takes \(expected)×\(expected): "
                + "resize it to the network resolution first"
        case let .gateUnreachable(gate, distance):
            return "cannot meet the naturalness gate \(gate): the best image found has denoise distance "
                + "\(distance); raise the gate or start from a smoother image"
        }
    }
}

extension PolishError {
    /// Throws `.invalidSetting(name, value, allowed)` unless `ok`: the one check every polish's
    /// settings make of each value.
    static func require(_ ok: Bool, _ name: String, _ value: Double, _ allowed: String) throws {
        guard ok else { throw PolishError.invalidSetting(name: name, value: value, allowed: allowed) }
    }
}
