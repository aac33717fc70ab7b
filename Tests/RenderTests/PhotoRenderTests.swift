import Genome
import Imaging
import Render
import XCTest

/// `photo` in the compiled renderer: the picture comes back exactly, and every variation of
/// it renders as the tree-walking reference does.
final class PhotoRenderTests: XCTestCase {
    func testPlainPhotoAtItsOwnSizeIsThePicture() throws {
        let picture = try renderedPicture(side: 20)
        let genome = try Genome(parsing: "(photo x y)", pictures: Pictures([picture]))
        let image = try Renderer.render(genome, width: 20, height: 20, threads: 2)
        for i in image.pixels.indices {
            XCTAssertEqual(image.pixels[i], Float(picture.bytes[i]) / 255, accuracy: 1e-6)
        }
        // Another size resamples it: a 40² render's block of four straddles the same pixel.
        let big = try Renderer.render(genome, width: 40, height: 40, threads: 1)
        XCTAssertEqual(big[0, 0, 0], image[0, 0, 0], accuracy: 1e-6)
        XCTAssertEqual(big[2, 39, 39], image[2, 19, 19], accuracy: 1e-6)
    }

    func testPhotoVariationsRenderAsTheReferenceDoes() throws {
        let picture = try renderedPicture()
        let limits = try Limits(maxDepth: 12, maxNodes: 120)
        var rng = SeededGenerator(seed: 23)
        var genomes = Genome.photoSeeds(picture, count: 40, limits: limits, using: &rng)
        let others = samplePopulation(count: 40, seed: 5, limits: limits)
        for i in 0..<80 {
            let (child, _) = Genome.crossover(genomes[i % 40], others[i % others.count], limits: limits, using: &rng)
            genomes.append(child.mutated(.point, limits: limits, using: &rng))
        }
        XCTAssertGreaterThan(genomes.filter(\.usesPictures).count, 60)
        for (i, g) in genomes.enumerated() where g.usesPictures {
            let size = 9 + i % 6
            let compiled = try Renderer.render(g, width: size, height: size + 2, supersample: 1 + i % 2, threads: 1 + i % 2)
            let reference = try ReferenceEvaluator.render(g, width: size, height: size + 2, supersample: 1 + i % 2)
            XCTAssertLessThanOrEqual(maxDifference(compiled, reference), 1e-5, "\(g)")
            let (image, _) = try ConstantGradient.computeWithImage(genome: g, width: size, height: size,
                                                                   pixelGradient: Image(width: size, height: size))
            XCTAssertLessThanOrEqual(maxDifference(image, try Renderer.render(g, width: size, height: size)), 1e-6,
                                     "the gradient tape's forward pass is the render: \(g)")
        }
    }
}
