import Foundation
import Imaging
import Net
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A name in an objective that does not resolve, with what would; or an objective that cannot
/// steer a search.
public enum ObjectiveError: Error, CustomStringConvertible, Equatable {
    /// A model prefix that is not a known network.
    case unknownModel(name: String)
    /// A model prefix naming a network the run does not load.
    case modelNotInRun(name: String, run: [String])
    /// A layer name that is not a block of the network.
    case unknownLayer(name: String, network: String, blocks: Int)
    /// A channel beyond the block's channels.
    case channelOutOfRange(layer: String, channel: Int, network: String, channels: Int)
    /// A picture that could not be read.
    case picture(path: String, reason: String)
    /// A picture path that is not a regular file (`kind`: "a named pipe (FIFO)", "a directory", …).
    case pictureNotAFile(path: String, kind: String)
    /// Terms that cancel out: every image would score the same.
    case constant(text: String)
    /// A statistics prior whose (net) weight is negative or not finite; `term` as written or
    /// as the objective holds it (`stats(0.05, stem...block7)`).
    case priorWeight(weight: Float, term: String)
    /// Statistics priors over different layer ranges on one network (one pass computes one).
    case severalPriors(layers: [String])

    public var description: String {
        switch self {
        case .unknownModel(let name):
            let known = ModelVariant.allCases.map(\.rawValue)
            let list = known.dropLast().joined(separator: ", ") + " or " + (known.last ?? "")
            return "unknown network '\(name)' in the objective; use \(list) (e.g. \(known[1]):class(go-kart))"
        case let .modelNotInRun(name, run):
            return "the objective names \(name) but the run scores with \(run.joined(separator: ", ")); add --model \(name)"
        case let .unknownLayer(name, network, blocks):
            return "unknown layer '\(name)' on \(network); its layers are block0 … block\(blocks - 1) (e.g. channel(block\(blocks * 3 / 4), 0))"
        case let .channelOutOfRange(layer, channel, network, channels):
            return "\(layer) on \(network) has channels 0…\(channels - 1), not \(channel); pick a channel below \(channels)"
        case let .picture(path, reason):
            return "cannot use picture '\(path)' in the objective: \(reason)"
        case let .pictureNotAFile(path, kind):
            return "cannot use picture '\(path)' in the objective: it is \(kind), not a regular file; give the path of a PNG file"
        case .constant(let text):
            return "objective \"\(text)\" is constant: its terms cancel out, so every image would score the same; remove the cancelling terms or change their weights"
        case let .priorWeight(weight, term):
            return "the statistics prior \(term) has weight \(weight), but its weight must be a finite number ≥ 0 (it is a penalty; a negative weight would reward statistics unlike the training images'); add it with a positive weight, e.g. class(goldfish) + stats(0.05)"
        case .severalPriors(let layers):
            return "the objective has statistics priors over different layers (\(layers.joined(separator: ", "))) on one network, but one pass computes one prior; keep a single stats term per network, e.g. stats(0.05, \(layers[0]))"
        }
    }
}

extension ObjectiveText {
    /// The networks named by model prefixes, in order of appearance (lower case).
    public var models: [String] {
        var out: [String] = []
        for name in terms.compactMap(\.model) where !out.contains(name.lowercased()) { out.append(name.lowercased()) }
        return out
    }

    /// The block index a layer name stands for: `block12`, `block_12` or `12`.
    public static func blockIndex(_ layer: String) -> Int? {
        var digits = Substring(layer.lowercased())
        if digits.hasPrefix("block") { digits = digits.dropFirst(5) }
        if digits.hasPrefix("_") { digits = digits.dropFirst() }
        return digits.isEmpty || !digits.allSatisfy(\.isNumber) ? nil : Int(digits)
    }

    /// The objective these words stand for, on the networks of `scorer` (which must load every
    /// network a prefix names): class names resolved (unknown ones throw with the nearest names),
    /// layers checked on every network a term is measured on, pictures read with `loadPicture`
    /// and measured once on each of those networks (pooled features and top-1 for `match`, Gram
    /// matrices for `style`, one block's activations for `content`), so that the stored objective
    /// never needs the file again.
    public func resolve(names: ImageNetClasses, scorer: Scorer,
                        loadPicture: (String) throws -> Image) throws -> Objective {
        let run = scorer.sessions.indices.map(scorer.networkName)
        var total: Objective?
        for term in terms {
            var networks = run
            if let model = term.model?.lowercased() {
                guard ModelVariant(rawValue: model) != nil else { throw ObjectiveError.unknownModel(name: model) }
                guard run.contains(model) else { throw ObjectiveError.modelNotInRun(name: model, run: run) }
                networks = [model]
            }
            if case .stats = term.atom, !(term.weight >= 0) {
                throw ObjectiveError.priorWeight(weight: term.weight, term: Self.text(of: term.atom, weight: term.weight.magnitude))
            }
            var objective = try resolve(term.atom, networks: networks, names: names, scorer: scorer, loadPicture: loadPicture)
            if let model = term.model?.lowercased() { objective = .on(network: model, objective) }
            if term.weight != 1 { objective = term.weight * objective }
            total = total.map { $0 + objective } ?? objective
        }
        guard let total else { throw ObjectiveTextError(text: description, column: 1, expected: "an objective", found: "nothing") }
        guard !Self.cancels(total) else { throw ObjectiveError.constant(text: description) }
        // Several stats terms over different ranges on one network are refused here, before a run.
        for k in scorer.sessions.indices {
            _ = try total.statisticsPrior(network: scorer.networkName(k), architecture: scorer.sessions[k].model.architecture)
        }
        return total
    }

    /// Whether every term of `objective` cancels against an equal one (`class(goldfish) -
    /// class(1)`, which the text alone does not show): net weights all below `cancelledBelow`.
    static func cancels(_ objective: Objective) -> Bool {
        var net: [(term: Objective, weight: Double)] = []
        func collect(_ o: Objective, _ weight: Double) {
            switch o {
            case .sum(let a, let b): collect(a, weight); collect(b, weight)
            case .scaled(let k, let a): collect(a, weight * Double(k))
            default:
                if let i = net.firstIndex(where: { $0.term == o }) { net[i].weight += weight } else { net.append((o, weight)) }
            }
        }
        collect(objective, 1)
        return !net.contains { $0.weight.magnitude >= cancelledBelow }
    }

    /// The type bits (`S_IFMT`) of what `path` names, following symbolic links, without opening
    /// it; nil when it cannot be examined (missing: the reader then says so).
    static func fileKind(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    static func describe(fileKind kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    private func resolve(_ atom: Atom, networks: [String], names: ImageNetClasses, scorer: Scorer,
                         loadPicture: (String) throws -> Image) throws -> Objective {
        func session(_ network: String) -> Int { scorer.sessions.indices.first { scorer.networkName($0) == network } ?? 0 }
        func block(_ layer: String, channel: Int?) throws -> Int {
            let parsed = Self.blockIndex(layer)
            for network in networks {
                let arch = scorer.sessions[session(network)].model.architecture
                guard let b = parsed, b < arch.blocks.count else {
                    throw ObjectiveError.unknownLayer(name: layer, network: network, blocks: arch.blocks.count)
                }
                if let channel, channel >= arch.blocks[b].outputChannels {
                    throw ObjectiveError.channelOutOfRange(layer: layer, channel: channel, network: network,
                                                           channels: arch.blocks[b].outputChannels)
                }
            }
            return parsed ?? 0
        }
        switch atom {
        case .classes(let list): return .classes(try list.map(names.index(ofArgument:)))
        case .not(let name): return .opposite(try names.index(ofArgument: name))
        case .logit(let name): return .logit(try names.index(ofArgument: name))
        case .margin(let name): return .margin(try names.index(ofArgument: name))
        case .worst(let inner):
            return .worst(try ObjectiveText(terms: inner).resolve(names: names, scorer: scorer, loadPicture: loadPicture))
        case let .channel(layer, channel): return .layer(LayerFeature(.channel, block: try block(layer, channel: channel), channel: channel))
        case let .neuron(layer, channel): return .layer(LayerFeature(.neuron, block: try block(layer, channel: channel), channel: channel))
        case .dream(let layer): return .layer(LayerFeature(.dream, block: try block(layer, channel: nil)))
        case .stats(let layers):
            for b in layers.namedBlocks { _ = try block("block\(b)", channel: nil) }
            return .stats(layers)
        case .match(let path), .style(let path), .content(let path, _):
            // A layer that does not exist is named before the picture is read.
            var contentBlock: Int?
            if case let .content(_, layer) = atom { contentBlock = try block(layer, channel: nil) }
            // A FIFO or a device would block or never end a read: refuse them before opening.
            if let kind = Self.fileKind(path), kind != S_IFREG {
                throw ObjectiveError.pictureNotAFile(path: path, kind: Self.describe(fileKind: kind))
            }
            let image: Image
            do { image = try loadPicture(path) } catch { throw ObjectiveError.picture(path: path, reason: "\(error)") }
            // The picture prepared the way photos are, measured once on each network.
            func features(on network: String, taps: FeatureTaps) throws -> NetworkFeatures {
                let k = session(network)
                return try scorer.features([image.prepareForNetwork(size: scorer.resolution(of: k))], taps: taps, network: k)[0]
            }
            if case .match = atom {
                var pooled: [String: [Float]] = [:], top: [String: Int] = [:]
                for network in networks {
                    let f = try features(on: network, taps: .output)
                    pooled[network] = f.pooled
                    top[network] = f.logSoftmax.indices.max { f.logSoftmax[$0] < f.logSoftmax[$1] }
                }
                return .match(FeatureReference(source: path, pooled: pooled, topClasses: top))
            }
            if let b = contentBlock {
                var activations: [String: [Float]] = [:], shapes: [String: [Int]] = [:]
                for network in networks {
                    let f = try features(on: network, taps: FeatureTaps(blocks: [b], output: false))
                    activations[network] = f.blocks[0]
                    shapes[network] = f.shapes[0]
                }
                return .content(ContentReference(source: path, block: b, activations: activations, shapes: shapes))
            }
            var blocks: [String: [Int]] = [:], grams: [String: [[Float]]] = [:]
            for network in networks {
                let chosen = StyleReference.blocks(of: scorer.sessions[session(network)].model.architecture)
                let f = try features(on: network, taps: FeatureTaps(blocks: chosen, output: false))
                blocks[network] = chosen
                grams[network] = zip(f.blocks, f.shapes).map { StyleReference.gram($0, shape: $1) }
            }
            return .style(StyleReference(source: path, blocks: blocks, grams: grams))
        }
    }
}
