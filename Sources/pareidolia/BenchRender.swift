import ArgumentParser
import Foundation
import Render
import Search

/// `pareidolia bench render`: compiled renderer vs the reference tree-walker, same run.
struct BenchRender: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render throughput (pixel·nodes/s) over genomes/library/, against the reference evaluator.")

    @Option(parsing: .unconditional, help: "Timed passes over the library per configuration.") var runs = 5
    @Option(help: "Genome library directory (default: genomes/library).") var library: String?

    func run() throws {
        let genomes = try GenomeFiles.library(library).map(\.genome)
        let nodes = genomes.reduce(0) { $0 + $1.nodeCount }, evaluations = genomes.reduce(0) { $0 + $1.evaluationCost }
        print("library: \(genomes.count) genomes, \(nodes) nodes (mean \(nodes / max(genomes.count, 1))), "
                + "\(evaluations) node evaluations per pixel (blur and graddir evaluate their bodies 9 and 4 times)")
        for size in [224, 1024] {
            // The tree-walker needs seconds per 1024² render: time it on a few genomes there.
            let referenceSet = size == 224 ? genomes : Array(genomes.prefix(3))
            let reference = try RenderBenchmark.runReference(genomes: referenceSet, width: size, height: size,
                                                             repeats: 1)
            print(line("reference", size: size, threads: 1, reference, ratio: nil))
            for threads in [1, 2] {
                let t = try RenderBenchmark.run(genomes: genomes, width: size, height: size,
                                                threads: threads, repeats: size == 224 ? runs * 10 : runs)
                print(line("compiled", size: size, threads: threads, t,
                           ratio: t.pixelNodesPerSecond / reference.pixelNodesPerSecond))
            }
        }
    }

    func line(_ who: String, size: Int, threads: Int, _ t: RenderThroughput, ratio: Double?) -> String {
        var s = String(format: "%-9@ %4d² threads=%d  %.3g pixel·nodes/s  %.3f ms/render",
                       who as NSString, size, threads, t.pixelNodesPerSecond, t.secondsPerRender * 1000)
        if let ratio { s += String(format: "  (%.0f× reference)", ratio) }
        return s
    }
}
