import Foundation

/// The stored form of an objective, written out key by key so that renaming a case or a label
/// in Swift never changes what runs have stored.
///
/// It is the form every release so far has stored (the compiler's synthesized enum coding, kept
/// byte for byte): one key naming the case, holding an object whose keys are the associated
/// values' labels, `_0`, `_1` for unlabelled ones:
/// `{"classes":{"_0":[119]}}`, `{"scaled":{"_0":0.5,"_1":{…}}}`, `{"on":{"network":"lite1","_1":{…}}}`.
/// The statistics prior, added later, follows the same shape:
/// `{"stats":{"_0":{"from":"stem","through":"head"}}}` (see `PriorLayers`); so do the margin and
/// the worst network: `{"margin":{"_0":119}}`, `{"worst":{"_0":{…}}}`; and the content of a
/// picture at a layer: `{"content":{"_0":{"source":…,"block":8,"activations":{…},"shapes":{…}}}}`.
extension Objective: Codable {
    enum Case: String, CodingKey, CaseIterable {
        case classes, opposite, sum, scaled, logit, layer, match, style, on, stats, margin, worst, content
    }

    enum Value: String, CodingKey {
        case first = "_0", second = "_1", network
    }

    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: Case.self)
        guard outer.allKeys.count == 1, let key = outer.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "an objective is one of \(Case.allCases.map(\.rawValue).joined(separator: ", ")); found keys \(outer.allKeys.map(\.stringValue))"))
        }
        let c = try outer.nestedContainer(keyedBy: Value.self, forKey: key)
        switch key {
        case .classes: self = .classes(try c.decode([Int].self, forKey: .first))
        case .opposite: self = .opposite(try c.decode(Int.self, forKey: .first))
        case .sum: self = .sum(try c.decode(Objective.self, forKey: .first), try c.decode(Objective.self, forKey: .second))
        case .scaled: self = .scaled(try c.decode(Float.self, forKey: .first), try c.decode(Objective.self, forKey: .second))
        case .logit: self = .logit(try c.decode(Int.self, forKey: .first))
        case .layer: self = .layer(try c.decode(LayerFeature.self, forKey: .first))
        case .match: self = .match(try c.decode(FeatureReference.self, forKey: .first))
        case .style: self = .style(try c.decode(StyleReference.self, forKey: .first))
        case .on: self = .on(network: try c.decode(String.self, forKey: .network), try c.decode(Objective.self, forKey: .second))
        case .stats: self = .stats(try c.decode(PriorLayers.self, forKey: .first))
        case .margin: self = .margin(try c.decode(Int.self, forKey: .first))
        case .worst: self = .worst(try c.decode(Objective.self, forKey: .first))
        case .content: self = .content(try c.decode(ContentReference.self, forKey: .first))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Case.self)
        switch self {
        case .classes(let indices):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .classes)
            try c.encode(indices, forKey: .first)
        case .opposite(let index):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .opposite)
            try c.encode(index, forKey: .first)
        case .sum(let a, let b):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .sum)
            try c.encode(a, forKey: .first)
            try c.encode(b, forKey: .second)
        case .scaled(let k, let a):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .scaled)
            try c.encode(k, forKey: .first)
            try c.encode(a, forKey: .second)
        case .logit(let index):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .logit)
            try c.encode(index, forKey: .first)
        case .layer(let feature):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .layer)
            try c.encode(feature, forKey: .first)
        case .match(let reference):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .match)
            try c.encode(reference, forKey: .first)
        case .style(let reference):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .style)
            try c.encode(reference, forKey: .first)
        case .on(let network, let objective):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .on)
            try c.encode(network, forKey: .network)
            try c.encode(objective, forKey: .second)
        case .stats(let layers):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .stats)
            try c.encode(layers, forKey: .first)
        case .margin(let index):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .margin)
            try c.encode(index, forKey: .first)
        case .worst(let objective):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .worst)
            try c.encode(objective, forKey: .first)
        case .content(let reference):
            var c = outer.nestedContainer(keyedBy: Value.self, forKey: .content)
            try c.encode(reference, forKey: .first)
        }
    }
}
