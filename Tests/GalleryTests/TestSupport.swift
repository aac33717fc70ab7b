import Foundation
import Gallery
import ImageIO
import Imaging
import Store
import XCTest

/// Base class: a fresh temporary directory, run database and gallery directory per test.
class GalleryTestCase: XCTestCase {
    var directory: URL!
    var store: RunStore!

    /// The gallery output directory (not created beforehand).
    var out: String { directory.appendingPathComponent("gallery").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("GalleryTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try RunStore(path: directory.appendingPathComponent("runs.sqlite").path)
    }

    override func tearDownWithError() throws {
        store = nil
        try FileManager.default.removeItem(at: directory)
    }

    /// Small sizes keep the tests fast.
    func options(size: Int = 40, aa: Int = 2, thumbnail: Int = 16,
                 selection: GalleryOptions.Selection = .allRecords) -> GalleryOptions {
        GalleryOptions(outputDirectory: out, size: size, supersampling: aa,
                       thumbnailSize: thumbnail, selection: selection)
    }

    /// Every regular file under `path` (relative path → contents).
    func snapshot(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = path + "/" + name
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
               !isDirectory.boolValue {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return files
    }

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}

/// A made-up target with the characters HTML must escape (like ImageNet's comma lists).
let awkwardTarget = #"judge's robe, "academic" gown <&>"#
/// A genome text with every character HTML must escape, an entity-lookalike, a CR and a
/// leading newline (which a `<pre>` would swallow if written carelessly).
let awkwardGenome = "\n(if (< x 0.5) \"q&a\" 'b' (> y 1)) ; &amp; <b>bold</b>\r\n(sin x)\n"

/// One record of the test run, as the test stores it.
struct Planned {
    var generation: Int
    var genome: String
    var fitness: Float
    var naturalness: Float
    /// Stored confidence minus the fake confidence of the render at the test size.
    var offset: Float
    var polished = false
}

/// The records of the test run: one whose stored confidence matches the render exactly, one
/// within the tolerance, two far off, one polished.
let plannedRecords = [
    Planned(generation: 0, genome: "(rgb x y r)", fitness: 0.5, naturalness: 0.031, offset: 0),
    Planned(generation: 1, genome: awkwardGenome, fitness: 1.5, naturalness: 0.0412, offset: 0.2),
    Planned(generation: 3, genome: "(hsv (* 3.1 t) 0.8 (abs (- y r)))", fitness: 2.25,
            naturalness: 1234.5, offset: 0.004),
    Planned(generation: 4, genome: "(mix x (noise (* 4 x) y) 0.25)", fitness: 3.0,
            naturalness: 0.0277, offset: -0.3),
    Planned(generation: 4, genome: "(mix x (noise (* 4 x) y) 0.2501)", fitness: 2.75,
            naturalness: 0.026, offset: 0.001, polished: true),
]

/// Best and mean confidence of the test run's generations.
let plannedStats: [(best: Float, mean: Float)] = [
    (0.02, 0.004), (0.31, 0.05), (0.62, 0.21), (0.9, 0.4), (0.985, 0.7), (0.9991, 0.93),
]

extension GalleryTestCase {
    /// Creates a run with `plannedStats.count` generations and `plannedRecords`, whose stored
    /// confidences are the fake confidences at `size`/`aa` plus each record's offset.
    @discardableResult
    func makeRun(_ name: String = "crab-1", target: String = awkwardTarget,
                 size: Int = 40, aa: Int = 2) throws -> Run {
        let run = try store.createRun(NewRun(name: name, target: target, config: "{}",
                                             model: "efficientnet-lite0", seed: 42))
        for (index, s) in plannedStats.enumerated() {
            let records = plannedRecords.filter { $0.generation == index && !$0.polished }
                .map { record(for: $0, size: size, aa: aa) }
            let stats = GenerationStats(
                index: index, bestFitness: Float(index), meanFitness: Float(index) / 2,
                bestConfidence: s.best, meanConfidence: s.mean, bestNaturalness: 0.03,
                evaluations: (index + 1) * 50, elapsedSeconds: Double(index) * 37.5)
            try store.commitGeneration(GenerationCommit(
                run: run.id, stats: stats, rngState: "rng:\(index)",
                population: [Individual(genome: "(rgb x x x)", fitness: 0, confidence: 0,
                                        naturalness: 0)],
                records: records))
        }
        for planned in plannedRecords where planned.polished {
            try store.addRecord(record(for: planned, size: size, aa: aa), run: run.id,
                                generation: planned.generation)
        }
        return try store.run(named: name)
    }

    private func record(for planned: Planned, size: Int, aa: Int) -> NewRecord {
        let measured = Fake.confidence(Fake.render(planned.genome, size: size, aa: aa))
        return NewRecord(genome: planned.genome, fitness: planned.fitness,
                         confidence: measured + planned.offset, naturalness: planned.naturalness,
                         evaluations: 50 * (planned.generation + 1),
                         elapsedSeconds: Double(planned.generation) * 37.5 + 0.25,
                         polished: planned.polished)
    }
}

/// Counts renderer calls and can fail after a given number, to simulate an interruption.
final class RenderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var failAfter: Int?

    init(failAfter: Int? = nil) { self.failAfter = failAfter }

    var renders: Int { lock.withLock { count } }

    /// Counts one call; throws if the failure point has been reached.
    func tick() throws {
        try lock.withLock {
            if let failAfter, count >= failAfter { throw FakeFailure.interrupted }
            count += 1
        }
    }
}

enum FakeFailure: Error { case interrupted, badGenome }

/// The fake renderer and classifier of the tests.
enum Fake {
    /// A smooth colour pattern whose frequencies and phases depend on a hash of the genome,
    /// computed at `size·aa` and area-averaged down to `size`.
    static func render(_ genome: String, size: Int, aa: Int) -> Image {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in genome.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        func unit(_ shift: UInt64) -> Float { Float((h >> shift) & 0xff) / 255 }
        let n = size * aa
        var image = Image(width: n, height: n)
        for y in 0..<n {
            for x in 0..<n {
                let u = (Float(x) + 0.5) / Float(n) * 2 - 1, v = (Float(y) + 0.5) / Float(n) * 2 - 1
                let r = (u * u + v * v).squareRoot()
                image[0, x, y] = 0.5 + 0.5 * sin(3 + 6 * unit(0) * u + 4 * unit(8) * v * v)
                image[1, x, y] = 0.5 + 0.5 * cos(2 * unit(16) + 7 * r * (0.5 + unit(24)))
                image[2, x, y] = 0.5 + 0.5 * sin(5 * unit(32) * v - 3 * unit(40) * u * r + 1)
            }
        }
        return image.resized(width: size, height: size)
    }

    /// Mean of the red channel, a stand-in for a classifier's confidence.
    static func confidence(_ image: Image) -> Float {
        image.pixels[0..<image.planeSize].reduce(0, +) / Float(image.planeSize)
    }

    /// The renderer given to the exporter; every render call is counted in `log`.
    static func renderer(_ log: RenderLog) -> GalleryRenderer {
        GalleryRenderer(
            render: { genome, size, aa in
                try log.tick()
                if genome.contains("(bad") { throw FakeFailure.badGenome }
                return render(genome, size: size, aa: aa)
            },
            confidence: { image, _, _ in confidence(image) })
    }
}
