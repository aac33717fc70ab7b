import Genome
import XCTest

/// Layered genomes (figures on a ground): structure, text round trip, and operators that move
/// whole layers and always give valid genomes within the limits.
final class LayerTests: XCTestCase {
    let limits = try! Limits(maxDepth: 16, maxNodes: 400)

    func testLayerStackRebuildsTheGenomeAndFitsTheLimits() throws {
        var rng = SeededGenerator(seed: 1)
        XCTAssertEqual(Genome.maxLayers(within: limits), 7)
        XCTAssertEqual(Genome.maxLayers(within: try Limits(maxDepth: 12, maxNodes: 400)), 3)
        XCTAssertEqual(Genome.maxLayers(within: try Limits(maxDepth: 9, maxNodes: 400)), 0)
        for count in [1, 2, 5, 7, 12] {
            let g = Genome.layered(layers: count, limits: limits, using: &rng)
            XCTAssertTrue(limits.admits(g), "\(count) layers: \(g.nodeCount) nodes, depth \(g.depth)")
            let stack = g.layerStack
            XCTAssertEqual(stack.layers.count, min(count, 7))
            XCTAssertFalse(stack.ground.isLayered, "the ground is below every mix")
            XCTAssertEqual(Genome.layered(ground: stack.ground, layers: stack.layers), g)
        }
        let plain = try Genome(parsing: "(sin x)")
        XCTAssertEqual(plain.layerStack.ground, plain)
        XCTAssertTrue(plain.layerStack.layers.isEmpty)
    }

    func testRandomLayeredGenomesRoundTripThroughText() throws {
        var rng = SeededGenerator(seed: 2)
        for i in 0..<1000 {
            let g = Genome.layered(layers: 1 + i % 7, limits: limits, using: &rng)
            let parsed = try Genome(parsing: g.description)
            XCTAssertEqual(parsed, g, "\(g)")
            XCTAssertNoThrow(try Genome(nodes: g.nodes))
        }
    }

    func testLayerCrossoverSwapsWholeLayersSlotBySlot() throws {
        var rng = SeededGenerator(seed: 3)
        var swapped = 0, kept = 0
        for _ in 0..<200 {
            let a = Genome.layered(layers: 4, limits: limits, using: &rng)
            let b = Genome.layered(layers: 4, limits: limits, using: &rng)
            let (x, y) = Genome.layerCrossover(a, b, limits: limits, using: &rng)
            XCTAssertNoThrow(try Genome(nodes: x.nodes))
            XCTAssertTrue(limits.admits(x) && limits.admits(y))
            let (sa, sb, sx, sy) = (a.layerStack, b.layerStack, x.layerStack, y.layerStack)
            XCTAssertEqual(Set([sx.ground, sy.ground]), Set([sa.ground, sb.ground]))
            for k in 0..<4 {
                XCTAssertEqual(Set([sx.layers[k].colour, sy.layers[k].colour]), Set([sa.layers[k].colour, sb.layers[k].colour]))
                XCTAssertTrue(sx.layers[k] == sa.layers[k] || sx.layers[k] == sb.layers[k], "a layer moves whole")
                if sx.layers[k] == sa.layers[k] { kept += 1 } else { swapped += 1 }
            }
        }
        XCTAssertTrue((320...480).contains(swapped), "even odds per slot: swapped \(swapped) of \(swapped + kept)")
    }

    func testEveryLayerMutationGivesValidGenomesWithinTheLimits() throws {
        var rng = SeededGenerator(seed: 4)
        var changed: [Genome.LayerMutation: Int] = [:]
        var layerCounts = Set<Int>()
        for i in 0..<4000 {
            let parent = Genome.layered(layers: 1 + i % 7, limits: limits, using: &rng)
            let kind = Genome.LayerMutation.allCases[i % Genome.LayerMutation.allCases.count]
            let child = parent.layerMutated(kind, limits: limits, using: &rng)
            XCTAssertTrue(limits.admits(child))
            XCTAssertEqual(try Genome(parsing: child.description), child)
            XCTAssertTrue(child.isLayered)
            let before = parent.layerStack, after = child.layerStack
            layerCounts.insert(after.layers.count)
            switch kind {
            case .reorder where before.layers.count >= 2:
                XCTAssertEqual(Set(before.layers.map(\.mask)), Set(after.layers.map(\.mask)), "reordering keeps the shapes")
            case .reshape:
                XCTAssertEqual(before.layers.map(\.colour), after.layers.map(\.colour), "reshaping keeps the colours")
            case .recolour:
                XCTAssertEqual(before.layers.map(\.mask), after.layers.map(\.mask), "recolouring keeps the shapes")
            case .replaceGround:
                XCTAssertEqual(before.layers, after.layers)
            case .removeLayer where before.layers.count >= 2:
                XCTAssertEqual(after.layers.count, before.layers.count - 1)
            default: break
            }
            if child != parent { changed[kind, default: 0] += 1 }
        }
        for kind in Genome.LayerMutation.allCases {
            XCTAssertGreaterThan(changed[kind] ?? 0, 300, "\(kind) changes the genome")
        }
        XCTAssertEqual(layerCounts, Set(1...7))
    }

    /// Textured layers: the ground and every colour carry their waves, the size bounds that
    /// `maxLayers` assumes hold for every draw, and operators keep drawing textured parts.
    func testTexturedLayersCarryTheirWavesAndStayWithinTheLimits() throws {
        let texture = LayerTexture(groundWaves: 8, colourWaves: 2, frequency: 8)
        let roomy = try Limits(maxDepth: 16, maxNodes: 600)
        // Ground: 22 + 8·16 nodes; a layer: 54 + 2·16. (600 − 150) / 86 = 5; depth 16 − 11 + 1 = 6.
        XCTAssertEqual(Genome.maxLayers(within: roomy, texture: texture), 5)
        XCTAssertEqual(Genome.maxLayers(within: limits, texture: texture), 2)
        var rng = SeededGenerator(seed: 5)
        for i in 0..<500 {
            let g = Genome.layered(layers: 1 + i % 5, limits: roomy, texture: texture, using: &rng)
            XCTAssertTrue(roomy.admits(g), "\(g.nodeCount) nodes, depth \(g.depth)")
            XCTAssertEqual(try Genome(parsing: g.description), g)
            let stack = g.layerStack
            XCTAssertEqual(stack.ground.nodes.filter { $0.op == .sin }.count, 8, "the ground's waves")
            for layer in stack.layers {
                XCTAssertEqual(layer.colour.nodes.filter { $0.op == .sin }.count, 2, "each colour's waves")
            }
            let kind = Genome.LayerMutation.allCases[i % Genome.LayerMutation.allCases.count]
            let child = g.layerMutated(kind, limits: roomy, texture: texture, using: &rng)
            XCTAssertTrue(roomy.admits(child))
            XCTAssertTrue(child.layerStack.layers.allSatisfy { $0.colour.nodes.contains { $0.op == .sin } },
                          "\(kind): new colours are textured too")
            XCTAssertEqual(child.layerStack.ground.nodes.filter { $0.op == .sin }.count, 8, "\(kind): a new ground is textured too")
        }
        let flat = Genome.layered(layers: 3, limits: limits, using: &rng)
        XCTAssertFalse(flat.nodes.contains { $0.op == .sin }, "untextured layers draw no waves")
    }
}
