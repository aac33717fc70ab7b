import ArgumentParser
import Foundation
import ImageIO
import Imaging
import Net
import Scoring

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify a PNG with EfficientNet-Lite: index, name and probability of the top classes.",
        discussion: """
            Images that are not already the network's size are centre-cropped to 87.5% of their shorter side and resized (area averaging when shrinking, bicubic when enlarging).
            Examples:
              pareidolia classify Tests/NetTests/Fixtures/chelsea-224.png
              pareidolia classify photo.png --model lite2 --top 10
            """)

    @Argument(help: "A PNG image (8- or 16-bit; grey, RGB, RGBA or palette).") var image: String
    @Option(help: "Classifier: lite0, lite1 or lite2.") var model = "lite0"
    @Option(help: "How many classes to list.") var top = 5

    func validate() throws {
        guard (1...1000).contains(top) else { throw ValidationError("--top must be 1…1000, got \(top)") }
    }

    func run() throws {
        let decoded = try PNGFile.read(image)
        let probabilities = try classProbabilities(decoded.image, net: try loadModel(model))
        let classes = try ImageNetClasses.bundled()
        for (index, p) in Probabilities.topK(probabilities, k: top) {
            print(String(format: "%4d  %7.3f%%  ", index, p * 100) + ((try? classes.name(of: index)) ?? "?"))
        }
    }
}

struct Classes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the 1000 ImageNet class names.",
        discussion: "Examples:\n  pareidolia classes crab\n  pareidolia classes \"tiger cat\"")

    @Argument(help: "Words to look for (a name, part of one, or a near spelling).") var query: String
    @Option(help: "Most matches to list.") var limit = 20

    func run() throws {
        let classes = try ImageNetClasses.bundled()
        let matches = classes.candidates(matching: query, limit: limit)
        guard !matches.isEmpty else {
            throw CLIError.invalidValue(option: "query", value: query, expected: "part of a class name, e.g. 'crab' or 'cat'")
        }
        for m in matches { print(String(format: "%4d  ", m.index) + m.name) }
    }
}
