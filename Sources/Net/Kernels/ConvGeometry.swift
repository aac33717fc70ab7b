/// The geometry of a square-kernel convolution with TensorFlow "SAME" padding.
///
/// Output side is ⌈in / stride⌉; the total padding `max((out − 1)·stride + k − in, 0)` is split
/// with the smaller half before (top/left) and the larger after, so stride 2 pads 0/1 for k = 3
/// and 1/2 for k = 5 on even inputs, and stride 1 pads k/2 on both sides.
public struct ConvGeometry: Sendable, Equatable {
    public let inHeight: Int
    public let inWidth: Int
    public let kernel: Int
    public let stride: Int
    public let outHeight: Int
    public let outWidth: Int
    /// Zero rows added above the input.
    public let padTop: Int
    /// Zero columns added left of the input.
    public let padLeft: Int

    public init(inHeight: Int, inWidth: Int, kernel: Int, stride: Int) {
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.kernel = kernel
        self.stride = stride
        outHeight = (inHeight + stride - 1) / stride
        outWidth = (inWidth + stride - 1) / stride
        padTop = max((outHeight - 1) * stride + kernel - inHeight, 0) / 2
        padLeft = max((outWidth - 1) * stride + kernel - inWidth, 0) / 2
    }

    /// Input pixels per image (`inHeight × inWidth`).
    public var inPixels: Int { inHeight * inWidth }
    /// Output pixels per image (`outHeight × outWidth`).
    public var outPixels: Int { outHeight * outWidth }
}
