/// What can go wrong asking for a render.
public enum RenderError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Width, height or supersampling factor out of range.
    case invalidSize(width: Int, height: Int, supersample: Int)
    /// A thread count below 1.
    case invalidThreadCount(Int)

    public var description: String {
        switch self {
        case let .invalidSize(width, height, supersample):
            return "cannot render \(width)×\(height) with \(supersample)×\(supersample) supersampling: "
                + "width and height must be 1…\(Renderer.maxSide), supersampling 1…\(Renderer.maxSupersample), "
                + "and width·height at most \(Renderer.maxPixels) pixels"
        case let .invalidThreadCount(n):
            return "invalid thread count \(n): use 1 or more"
        }
    }
}
