import ArgumentParser
import Foundation
import ImageIO
import Imaging
import Net
import Scoring
import Search

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify a PNG with EfficientNet-Lite: index, name and probability of the top classes.",
        discussion: """
            Images that are not already the network's size are centre-cropped to 87.5% of their shorter side and resized (area averaging when shrinking, bicubic when enlarging).
            --json prints one JSON object for scripts: the model, its input size, the preprocessing, and all 1000 classes with their logits and probabilities, in class-index order.
            Examples:
              pareidolia classify Tests/NetTests/Fixtures/chelsea-224.png
              pareidolia classify photo.png --model lite2 --top 10
              pareidolia classify photo.png --json > photo.json
              pareidolia classify photo.png --objective "channel(block12, 57)"
              pareidolia classify gallery/crab-1/record-g12-40.png --robust
            --objective prints that objective's value on the image as prepared for the network (one framing: the exact one), before the top classes.
            --robust measures the image as records, the gallery and PNG text chunks do: the mean over the judge's 16 random framings (crops 70–100 %, ±10°, mirror) of the image seen at 448², by --model and by a network it is not (the held-out check), for --objective or else the class a Pareidolia PNG names in its text.
            """)

    @Argument(help: "A PNG image (8- or 16-bit; grey, RGB, RGBA or palette).") var image: String
    @Option(help: "Classifier: lite0, lite1 or lite2.") var model = RunSettings.defaultModel.rawValue
    @Option(parsing: .unconditional, help: "How many classes to list.") var top = 5
    @Flag(help: "Print every class's logit and probability as JSON.") var json = false
    @Option(parsing: .unconditional, help: "Also print this objective's value on the image (the language of evolve --help; weights 1e-6…1e6 in magnitude; a leading - is part of it).")
    var objective: String?
    @Flag(help: "Also measure it as records are measured: robust and held-out confidence over the judge's 16 framings (for --objective, else the class the PNG's text names).")
    var robust = false
    @OptionGroup var threads: ThreadsOption

    func validate() throws {
        guard (1...1000).contains(top) else { throw ValidationError("--top must be 1…1000, got \(top)") }
        _ = try ModelCache.variant(model)
        _ = try ObjectiveOption.parse(objective, shorthands: [])
        if json, objective != nil { throw ValidationError("--json and --objective: give one of them") }
        if json, robust { throw ValidationError("--json and --robust: give one of them") }
    }

    func run() throws {
        let decoded = try PNGFile.read(image)
        let cache = threads.cache()
        let scorer = try cache.scorer([ModelCache.variant(model)])
        let logits = try scorer.logits(of: decoded.image)
        let probabilities = Probabilities.softmax(logits)
        let classes = try ImageNetClasses.bundled()
        if robust { try printRobust(decoded.image, scorer: scorer, measure: RecordMeasure(models: cache), classes: classes) }
        if let text = try ObjectiveOption.parse(objective, shorthands: []) {
            guard text.models.allSatisfy({ $0 == model.lowercased() }) else {
                throw ValidationError("the objective names \(text.models.joined(separator: ", ")); classify with that --model")
            }
            let target = try Target(objective: text, names: classes, scorer: scorer)
            let r = scorer.resolution(of: 0)
            let score = try scorer.evaluate([decoded.image.prepareForNetwork(size: r)], objective: target.objective)[0]
            var line = String(format: "objective %@ = %.6g", target.name, score.value)
            switch target.objective.confidenceKind {
            case .sought: line += String(format: " (confidence %.3f%%)", score.confidence * 100)
            case .absence: line += String(format: " (confidence it is not the class, 1 − p: %.3f%%)", score.confidence * 100)
            case .topOne: break  // inner features: no class of its own; the top classes follow
            }
            print(line)
        }
        if json {
            print(try ClassificationReport(image: image, model: model.lowercased(), inputSize: scorer.resolution(of: 0),
                                           width: decoded.image.width, height: decoded.image.height,
                                           logits: logits, probabilities: probabilities, names: classes).json())
            return
        }
        for (index, p) in Probabilities.topK(probabilities, k: top) {
            print(String(format: "%4d  %7.3f%%  ", index, p * 100) + ((try? classes.name(of: index)) ?? "?"))
        }
    }
}

extension Classify {
    /// `--robust`: the judge's verdict on the image, as records are measured (`RecordMeasure`).
    func printRobust(_ image: Image, scorer: Scorer, measure: RecordMeasure, classes: ImageNetClasses) throws {
        let target: Target
        if let text = try ObjectiveOption.parse(objective, shorthands: []) {
            target = try Target(objective: text, names: classes, scorer: scorer)
        } else if let named = try PNGFile.readText(self.image)[PNGTextKey.target] {
            // A run's target is an objective's text, or the class it was evolved toward.
            target = try (try? ObjectiveText(parsing: named)).map { try Target(objective: $0, names: classes, scorer: scorer) }
                ?? Target(classes: [named], names: classes)
        } else {
            throw CLIError.invalidValue(option: "--robust", value: self.image,
                                        expected: "a PNG that names its class in its text (pareidolia's records do), "
                                            + "or an --objective to measure, e.g. --objective \"class(rock crab)\"")
        }
        let verdict = try measure.judgement(of: image, networks: [ModelCache.variant(model)], objective: target.objective)
        func line(_ v: NetworkVerdict) -> String {
            String(format: "%@ %.3f%% (top-1 on %d/%d framings)", v.model as NSString, v.confidence * 100,
                   Int((v.top1 * Float(verdict.framings)).rounded()), verdict.framings)
        }
        print("\(target.name): robust \(line(verdict.robust[0])), held-out \(line(verdict.heldOut)); \(verdict.method)")
    }
}

/// What `classify --json` prints.
struct ClassificationReport: Encodable {
    struct Entry: Encodable {
        var index: Int
        var name: String
        var logit: Float
        var probability: Float
    }
    var image: String
    var model: String
    var inputSize: Int
    var imageWidth: Int
    var imageHeight: Int
    var preprocessing: String
    var classes: [Entry]

    init(image: String, model: String, inputSize: Int, width: Int, height: Int,
         logits: [Float], probabilities: [Float], names: ImageNetClasses) {
        self.image = image
        self.model = model
        self.inputSize = inputSize
        imageWidth = width
        imageHeight = height
        preprocessing = width == inputSize && height == inputSize
            ? "none (already \(inputSize)×\(inputSize)); input (u8 − 127) / 128"
            : "centre crop to 87.5% of the shorter side, resize to \(inputSize)×\(inputSize) (area when shrinking, bicubic when enlarging); input (u8 − 127) / 128"
        classes = logits.indices.map {
            Entry(index: $0, name: (try? names.name(of: $0)) ?? "class \($0)", logit: logits[$0], probability: probabilities[$0])
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

struct Classes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the 1000 ImageNet class names.",
        discussion: "Examples:\n  pareidolia classes crab\n  pareidolia classes \"tiger cat\"")

    @Argument(help: "Words to look for (a name, part of one, or a near spelling).") var query: String
    @Option(parsing: .unconditional, help: "Most matches to list.") var limit = 20

    func run() throws {
        let classes = try ImageNetClasses.bundled()
        let matches = classes.candidates(matching: query, limit: limit)
        guard !matches.isEmpty else {
            throw CLIError.invalidValue(option: "query", value: query, expected: "part of a class name, e.g. 'crab' or 'cat'")
        }
        for m in matches { print(String(format: "%4d  ", m.index) + m.name) }
    }
}
