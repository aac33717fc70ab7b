/// Where a gradient pass keeps the pre-activations of the layers a `StatisticsPrior` counts, and
/// how a batch's per-channel sums become the prior's terms and its gradient's coefficients.
///
/// Each counted layer's pre-activations of a group (`images × pixels × channels`, NHWC) live in
/// the workspace's pre-activation buffer at the offset its activations have in the arena. The
/// statistics of all layers are concatenated channel-wise: layer `l` owns channels
/// `channelOffset ..< channelOffset + channels`.
struct PriorPlan: Sendable {
    struct Layer: Sendable {
        let layer: PriorLayer
        /// `f_l` (10 for the stem).
        let factor: Double
        let channels: Int
        /// The layer's first channel in the concatenated statistics.
        let channelOffset: Int
        /// Floats from the start of the pre-activation buffer (as in the arena).
        let offset: Int
        /// Output pixels per image.
        let pixels: Int
        /// `[channels]`: the expected batch mean β and standard deviation |γ|.
        let beta: [Float]
        let gammaMagnitude: [Float]
    }

    let weight: Float
    let layers: [Layer]
    /// Channels of all layers together.
    let channels: Int
    /// Index into `layers` of the stem, each block's expand / depthwise / project, the head (nil: not counted).
    let stem: Int?
    let expand: [Int?]
    let depthwise: [Int?]
    let project: [Int?]
    let head: Int?
    /// The deepest block a pass must run for the counted layers (−1: none).
    let lastBlock: Int

    /// - Throws: `NetError.invalidArgument` for a block range outside the network or a weight
    ///   that is not finite.
    init(model: EfficientNetLite, plan: GradientPlan, prior: StatisticsPrior) throws {
        let arch = model.architecture, count = arch.blocks.count
        if let r = prior.blocks, r.lowerBound < 0 || r.upperBound > count {
            throw NetError.invalidArgument(name: "prior blocks upper bound", value: r.lowerBound < 0 ? r.lowerBound : r.upperBound,
                                           reason: "the block range must lie in 0...\(count)")
        }
        guard prior.weight.isFinite else {
            throw NetError.invalidArgument(name: "prior weight (bit pattern)", value: Int(prior.weight.bitPattern), reason: "must be finite")
        }
        weight = prior.weight
        var layers: [Layer] = [], channels = 0
        var expand = [Int?](repeating: nil, count: count), depthwise = expand, project = expand
        var stem: Int?, head: Int?, last = -1
        for layer in prior.layers(of: arch) {
            let conv: FoldedConv, offset: Int, pixels: Int
            switch layer {
            case .stem:
                (conv, offset, pixels) = (model.stem, plan.stemOffset, plan.stem.outPixels)
                stem = layers.count
            case let .expand(b):
                guard let e = plan.expandedOffsets[b], let folded = model.blocks[b].expand else { continue }
                (conv, offset, pixels) = (folded, e, plan.blocks[b].inPixels)
                expand[b] = layers.count
            case let .depthwise(b):
                (conv, offset, pixels) = (model.blocks[b].depthwise, plan.depthwiseOffsets[b], plan.blocks[b].outPixels)
                depthwise[b] = layers.count
            case let .project(b):
                (conv, offset, pixels) = (model.blocks[b].project, plan.outputOffsets[b], plan.blocks[b].outPixels)
                project[b] = layers.count
            case .head:
                (conv, offset, pixels) = (model.head, plan.headOffset, plan.lastPixels)
                head = layers.count
            }
            switch layer {
            case let .expand(b), let .depthwise(b), let .project(b): last = max(last, b)
            case .head: last = count - 1
            case .stem: break
            }
            layers.append(Layer(layer: layer, factor: layer == .stem ? StatisticsPrior.stemFactor : 1, channels: conv.beta.count,
                                channelOffset: channels, offset: offset, pixels: pixels, beta: conv.beta,
                                gammaMagnitude: conv.gammaMagnitude))
            channels += conv.beta.count
        }
        self.layers = layers
        self.channels = channels
        self.stem = stem
        self.expand = expand
        self.depthwise = depthwise
        self.project = project
        self.head = head
        lastBlock = last
    }

    /// The prior's terms over a batch of `batch` images, and the coefficients of `−weight · ∂P/∂z`
    /// at every counted pre-activation (nil when the weight is 0).
    ///
    /// - Parameter statistics: `2 × channels`: per channel `Σ (z − β)`, then `Σ (z − β)²`, over the batch.
    func evaluate(statistics: [Double], batch: Int) -> (value: PriorValue, gradient: PriorGradient?) {
        var terms: [PriorTerm] = []
        var constant = [Float](repeating: 0, count: channels), slope = constant, centre = constant
        for l in layers {
            let m = Double(batch * l.pixels)
            var shift = [Double](repeating: 0, count: l.channels), deviation = shift
            var meanSquares = 0.0, deviationSquares = 0.0
            for c in 0..<l.channels {
                let at = l.channelOffset + c
                let d = statistics[at] / m                                   // mean − β
                let variance = max(0, statistics[channels + at] / m - d * d)
                let std = (variance + StatisticsPrior.varianceEpsilon).squareRoot()
                shift[c] = d
                deviation[c] = std
                meanSquares += d * d
                deviationSquares += (std - Double(l.gammaMagnitude[c])) * (std - Double(l.gammaMagnitude[c]))
            }
            let a = meanSquares.squareRoot(), b = deviationSquares.squareRoot()
            terms.append(PriorTerm(layer: l.layer, factor: l.factor, meanDistance: a, deviationDistance: b))
            // ∂‖mean − β‖/∂z = (mean_c − β_c) / (A·M); ∂‖std − |γ|‖/∂z = (std_c − |γ_c|) / B · (z − mean_c) / (M·std_c)
            let scale = -Double(weight) * l.factor
            for c in 0..<l.channels {
                let at = l.channelOffset + c
                constant[at] = a > 0 ? Float(scale * shift[c] / (a * m)) : 0
                slope[at] = b > 0 ? Float(scale * (deviation[c] - Double(l.gammaMagnitude[c])) / (b * m * deviation[c])) : 0
                centre[at] = Float(Double(l.beta[c]) + shift[c])
            }
        }
        let value = PriorValue(terms: terms)
        guard weight != 0 else { return (value, nil) }
        return (value, PriorGradient(plan: self, constant: constant, slope: slope, centre: centre))
    }
}

/// `−weight · ∂P/∂z` at every counted pre-activation `z` of a batch, as per-channel coefficients:
/// `constant[c] + slope[c] · (z − centre[c])` (`channels` floats each, concatenated as in the plan).
struct PriorGradient: Sendable {
    let plan: PriorPlan
    let constant: [Float]
    let slope: [Float]
    let centre: [Float]

    /// Adds the prior's gradient at layer `index`'s pre-activations of a group to `grad`; with
    /// `throughReLU6`, first applies the backward of the ReLU6 after the layer to `grad`.
    ///
    /// - Parameters:
    ///   - preactivations: the workspace's pre-activation buffer.
    ///   - grad: `images × pixels × channels`: ∂J/∂z of that layer so far (∂J/∂ReLU6(z) with `throughReLU6`).
    func add(_ index: Int, preactivations: UnsafePointer<Float>, images n: Int, throughReLU6: Bool,
             into grad: UnsafeMutablePointer<Float>) {
        let l = plan.layers[index]
        constant.withBase { k in
            slope.withBase { s in
                centre.withBase { m in
                    let (z, rows, k, s, m) = (preactivations + l.offset, n * l.pixels, k + l.channelOffset, s + l.channelOffset, m + l.channelOffset)
                    if throughReLU6 {
                        ChannelStatistics.relu6BackwardAddingGradient(z, rows: rows, channels: l.channels, constant: k, slope: s,
                                                                      centre: m, into: grad)
                    } else {
                        ChannelStatistics.addGradient(z, rows: rows, channels: l.channels, constant: k, slope: s, centre: m, into: grad)
                    }
                }
            }
        }
    }
}
