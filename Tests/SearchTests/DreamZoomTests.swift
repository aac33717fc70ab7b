import Genome
import Imaging
import Net
import Render
import Scoring
import Search
import XCTest

/// Dream zooms: the pixel zoom and the formula zoom magnify the same way, a zoom is the same
/// every time it is run, and the polish of a formula frame leaves the zoom alone.
final class DreamZoomTests: XCTestCase {
    static let models = ModelCache(threads: 2)

    func testPixelAndFormulaZoomsMagnifyAlike() throws {
        let genome = try Genome(parsing: "(rgb (sin (* 9 r)) (* 2 x) (cos (* 5 y)))")
        let side = 96
        let picture = try Renderer.render(genome, width: side, height: side, supersample: 2)
        for zoom in [1.5, 2.0] {
            let byPixels = DreamZoom.zoomed(picture, by: zoom)
            let byFormula = try Renderer.render(DreamZoom.zoomed(genome, by: zoom), width: side, height: side, supersample: 2)
            var total: Float = 0
            for i in byPixels.pixels.indices { total += abs(byPixels.pixels[i] - byFormula.pixels[i]) }
            let mean = total / Float(byPixels.pixels.count)
            XCTAssertLessThan(mean, 0.03, "zoom \(zoom): mean difference \(mean)")
            // Not the unzoomed picture.
            var moved: Float = 0
            for i in picture.pixels.indices { moved += abs(picture.pixels[i] - byFormula.pixels[i]) }
            XCTAssertGreaterThan(moved / Float(picture.pixels.count), 5 * mean)
        }
        // A formula already under an outer scale keeps one scale, its constant divided.
        let once = DreamZoom.zoomed(genome, by: 2)
        XCTAssertEqual(DreamZoom.zoomed(once, by: 2).description, "(scale \(genome) 0.25)")
    }

    func testAZoomIsTheSameEveryTimeAndTheObjectiveRisesEachFrame() throws {
        let scorer = try Self.models.scorer([.lite0])
        let objective = Objective.layer(LayerFeature(.dream, block: 10))
        let start = try Renderer.render(try Genome(parsing: "(rgb (sin (* 4 x)) (cos (* 3 y)) (* 0.5 r))"), width: 224, height: 224)
        func frames() throws -> [DreamZoom.Frame] {
            var out: [DreamZoom.Frame] = []
            try DreamZoom.run(.image(start), mode: .pixels, objective: objective, scorer: scorer,
                              settings: DreamZoom.Settings(frames: 3, zoom: 1.2, steps: 3, learningRate: nil, tvWeight: 0.1),
                              path: "start.png") { out.append($0) }
            return out
        }
        let first = try frames(), second = try frames()
        XCTAssertEqual(first.map(\.index), [0, 1, 2])
        XCTAssertEqual(first.map(\.image), second.map(\.image), "the same frames every run")
        XCTAssertNotEqual(first[0].image, first[1].image)
        for frame in first { XCTAssertGreaterThan(frame.after, frame.before, "frame \(frame.index) climbed") }
    }

    func testTheFormulaPolishKeepsTheZoom() throws {
        let scorer = try Self.models.scorer([.lite0])
        let genome = try Genome(parsing: "(rgb (sin (* 4.1 x)) (cos (* 3.3 y)) (* 0.5 r))")
        var genomes: [Genome] = []
        try DreamZoom.run(.genome(genome), mode: .constants, objective: .classes([1]), scorer: scorer,
                          settings: DreamZoom.Settings(frames: 3, zoom: 1.25, steps: 3, learningRate: 0.05, tvWeight: 0.1),
                          path: "start.genome") { genomes.append(try XCTUnwrap($0.genome)) }
        XCTAssertEqual(genomes.count, 3)
        // Frames 1 and 2 sit under one outer scale whose constant is exactly the zoom so far.
        XCTAssertEqual(genomes[1].constants.last, Float(1 / 1.25))
        XCTAssertEqual(genomes[2].constants.last, Genome.admissible(Float(Double(Float(1 / 1.25)) / 1.25)))
        XCTAssertNotEqual(Array(genomes[2].constants.dropLast()), Array(genomes[1].constants.dropLast()),
                          "the polish moved the picture's own constants")
    }
}
