import XCTest
import Foundation
import Genome
import Render

final class ScratchThreads: XCTestCase {
    func testThreads() throws {
        let th = Int(ProcessInfo.processInfo.environment["TH"] ?? "1") ?? 1
        var genomes = try libraryGenomes().map(\.1)
        if ProcessInfo.processInfo.environment["RANDOM"] != nil {
            let all = samplePopulation(count: 200, seed: 5, limits: try Limits(maxDepth: 9, maxNodes: 80)); print(all.map(\.nodeCount)); genomes = Array(all.filter { $0.nodeCount >= 30 }.prefix(30))
            print("random genomes \(genomes.count), avg nodes \(genomes.map(\.nodeCount).reduce(0, +) / genomes.count)")
        }
        let w = Int(ProcessInfo.processInfo.environment["W"] ?? "1024") ?? 1024
        let r = try RenderBenchmark.run(genomes: genomes, width: w, height: w, threads: th, repeats: w < 500 ? 20 : 2)
        print("threads \(th): \(r.pixelNodesPerSecond / 1e9) G pixel·nodes/s wall \(r.seconds) per render \(r.secondsPerRender * 1e3) ms")
    }
}
