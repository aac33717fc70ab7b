/// What can go wrong asking for a render.
public enum RenderError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Width, height or supersampling factor out of range.
    case invalidSize(width: Int, height: Int, supersample: Int)
    /// A thread count below 1.
    case invalidThreadCount(Int)
    /// A pixel gradient whose size differs from the requested render size.
    case gradientSizeMismatch(width: Int, height: Int, gradientWidth: Int, gradientHeight: Int)
    /// The caller asked to stop (Ctrl-C) before the render was done.
    case cancelled

    public var description: String {
        switch self {
        case let .invalidSize(width, height, supersample):
            return "cannot render \(width)×\(height) with \(supersample)×\(supersample) supersampling: "
                + "width and height must be 1…\(Renderer.maxSide), supersampling 1…\(Renderer.maxSupersample), "
                + "and width·height at most \(Renderer.maxPixels) pixels"
        case let .invalidThreadCount(n):
            return "invalid thread count \(n): use 1 or more"
        case .cancelled:
            return "render stopped before it was done (interrupted); nothing was written"
        case let .gradientSizeMismatch(width, height, gw, gh):
            return "pixel gradient is \(gw)×\(gh) but the render is \(width)×\(height): "
                + "pass a gradient image of the render's size"
        }
    }
}
