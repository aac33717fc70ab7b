import ArgumentParser
import Foundation
import Genome
import ImageIO
import Render
import Search

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a genome (a .genome file, or a PNG written by pareidolia) to a PNG.",
        discussion: """
            The PNG carries the genome in a text chunk, so it can be rendered again at any size.
            Examples:
              pareidolia render genomes/library/marble.genome -o marble.png
              pareidolia render marble.png --size 2048 --aa 4 -o marble-big.png
              pareidolia render runs/cloud-1/best.png --picture photos/coffee.png -o big.png
            A formula that samples a picture (photo@KEY, from evolve --start-from) needs that picture: pass the PNG it was made from with --picture.
            """)

    @Argument(help: "A .genome file or a PNG that carries a genome.") var source: String
    @Option(parsing: .unconditional, help: "Square output size in pixels (overridden by --width/--height).") var size = 512
    @Option(parsing: .unconditional, help: "Output width in pixels.") var width: Int?
    @Option(parsing: .unconditional, help: "Output height in pixels.") var height: Int?
    @Option(parsing: .unconditional, help: "Anti-aliasing: k×k samples per pixel.") var aa = 3
    @Option(name: .shortAndLong, help: "Output PNG path.") var output: String
    @Option(help: "A PNG the formula samples with photo (the one its run started from; repeatable).")
    var picture: [String] = []

    func run() throws {
        let genome = try GenomeFiles.load(source, pictures: Pictures(try picture.map(RunPictures.read)))
        let w = width ?? size, h = height ?? size
        let image = try Renderer.render(genome, width: w, height: h, supersample: aa, shouldStop: { Interrupt.requested })
        try PNGFile.write(image, to: output, text: [PNGTextKey.genome: genome.description, PNGTextKey.software: "pareidolia"])
        print("\(output): \(w)×\(h), aa \(aa), \(genome.nodeCount) nodes")
    }
}

struct RandomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "random",
        abstract: "Write random genomes and their renders: a quick look at the formula space.",
        discussion: """
            Writes NNN.genome and NNN.png for each genome into the output directory. Families: trees (ramped half-and-half expression trees over every primitive), waves (sums of coloured plane waves, what evolve starts from by default), layered (soft shapes composited on a ground: figures on a ground), cppn (a small network of sin/gauss/tanh/abs units over x, y and r feeding a two-colour palette).
            Examples:
              pareidolia random --count 16 --seed 7 -o random/
              pareidolia random --family layered --layers 5 --count 16 -o layered/
              pareidolia random --family layered --ground-waves 8 --layer-waves 2 -o textured/
            """)

    /// The genome families `random` draws from.
    enum Family: String, ExpressibleByArgument, CaseIterable { case trees, waves, layered, cppn }

    @Option(help: "Genome family: trees, waves, layered or cppn.") var family: Family = .trees
    @Option(parsing: .unconditional, help: "Layered family: shapes per genome (at most 7).") var layers = 4
    @Option(parsing: .unconditional, help: "Layered family: plane waves added to the ground (0: a flat ground).") var groundWaves = 0
    @Option(parsing: .unconditional, help: "Layered family: plane waves added to each shape's colour (0: flat colours).") var layerWaves = 0

    @Option(parsing: .unconditional, help: "How many genomes.") var count = 16
    @Option(parsing: .unconditional, help: "Random seed (same seed, same genomes).") var seed: UInt64 = 7
    @Option(parsing: .unconditional, help: "Render size in pixels.") var size = 256
    @Option(parsing: .unconditional, help: "Anti-aliasing: k×k samples per pixel.") var aa = 2
    @Option(parsing: .unconditional, help: "Smallest depth of the ramped half-and-half trees (evolution's initial trees; evolve's --max-depth is the limit genomes may grow to).") var initialMinDepth = 2
    @Option(parsing: .unconditional, help: "Largest depth of the ramped half-and-half trees.") var initialMaxDepth = 6
    @Option(name: .shortAndLong, help: "Output directory.") var output: String

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
        guard (1...12).contains(initialMinDepth), (initialMinDepth...12).contains(initialMaxDepth) else {
            throw ValidationError("need 1 ≤ --initial-min-depth ≤ --initial-max-depth ≤ 12")
        }
        try BreedingOptions.validateTexture(groundWaves: groundWaves, layerWaves: layerWaves, layered: family == .layered)
        let fitting = Genome.maxLayers(within: limitsForLayers, texture: texture)
        guard (1...fitting).contains(layers) else {
            throw ValidationError("--layers must be 1…\(fitting) with --ground-waves \(groundWaves) and --layer-waves \(layerWaves), got \(layers)")
        }
    }

    /// Room for 7 layers or a CPPN: depth 16, 400 nodes.
    static let layeredLimits = (try? Limits(maxDepth: 16, maxNodes: 400)) ?? .standard
    /// Textured layers: depth 16, 2000 nodes.
    static let texturedLimits = (try? Limits(maxDepth: 16, maxNodes: 2000)) ?? .standard

    var texture: LayerTexture { LayerTexture(groundWaves: groundWaves, colourWaves: layerWaves, frequency: 8) }
    /// The limits random layered genomes are drawn within: textured ones need more nodes.
    var limitsForLayers: Limits { texture == .flat ? Self.layeredLimits : Self.texturedLimits }

    /// `count` genomes of the chosen family.
    func genomes(using rng: inout SeededGenerator) -> [Genome] {
        switch family {
        case .trees: return Genome.rampedHalfAndHalf(count: count, depths: initialMinDepth...initialMaxDepth, using: &rng)
        case .waves:
            let limits = (try? Limits(maxDepth: 12, maxNodes: 400)) ?? .standard
            return (0..<count).map { _ in Genome.waves(terms: 24, frequency: 8, limits: limits, using: &rng) }
        case .layered:
            return (0..<count).map { _ in Genome.layered(layers: layers, limits: limitsForLayers, texture: texture, using: &rng) }
        case .cppn:
            return (0..<count).compactMap { _ in Genome.cppn(limits: Self.layeredLimits, using: &rng) }
        }
    }

    func run() throws {
        try GenomeFiles.makeDirectory(output, option: "-o/--output")
        var rng = SeededGenerator(seed: seed)
        let genomes = genomes(using: &rng)
        let digits = String(count - 1).count
        for (i, genome) in genomes.enumerated() {
            let stem = (output as NSString).appendingPathComponent(String(repeating: "0", count: max(0, digits - String(i).count)) + String(i))
            try (genome.description + "\n").write(toFile: stem + ".genome", atomically: true, encoding: .utf8)
            let image = try Renderer.render(genome, width: size, height: size, supersample: aa, shouldStop: { Interrupt.requested })
            try PNGFile.write(image, to: stem + ".png", text: [PNGTextKey.genome: genome.description, PNGTextKey.software: "pareidolia"])
        }
        print("wrote \(count) genomes and renders to \(output)")
    }
}
