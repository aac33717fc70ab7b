extension Architecture {
    /// The spatial geometry of every convolution at `resolution`² input: the stem, then each
    /// block's depthwise convolution (its input side is the previous layer's output side; the
    /// 1×1 convolutions keep the side). The one walk over the block table that the forward plan,
    /// the gradient plan and the cost count all share.
    func geometries(resolution: Int) -> (stem: ConvGeometry, blocks: [ConvGeometry]) {
        let stem = ConvGeometry(inHeight: resolution, inWidth: resolution, kernel: stemKernel, stride: Self.stemStride)
        var side = (stem.outHeight, stem.outWidth)
        let blocks = self.blocks.map { b in
            let g = ConvGeometry(inHeight: side.0, inWidth: side.1, kernel: b.kernel, stride: b.stride)
            side = (g.outHeight, g.outWidth)
            return g
        }
        return (stem, blocks)
    }
}
