import XCTest
import Foundation
import Genome
import Render
import Imaging

final class ScratchTests: XCTestCase {
    func writePPM(_ img: Image, _ path: String) {
        var data = Data("P6 \(img.width) \(img.height) 255\n".utf8)
        for y in 0..<img.height { for x in 0..<img.width { for c in 0..<3 {
            data.append(UInt8(max(0, min(255, (img[c, x, y] * 255).rounded()))))
        } } }
        try? data.write(to: URL(fileURLWithPath: path))
    }

    func testScratch() throws {
        let dir = ProcessInfo.processInfo.environment["GENOME_DIR"] ?? "genomes/library"
        let out = ProcessInfo.processInfo.environment["OUT_DIR"] ?? "/tmp/renders"
        let size = Int(ProcessInfo.processInfo.environment["SIZE"] ?? "256") ?? 256
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".genome") }.sorted()
        for f in files {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            let g: Genome
            do { g = try Genome(parsing: text) } catch { print("\(f): \(error)"); continue }
            let img = try Renderer.render(g, width: size, height: size, supersample: 2)
            writePPM(img, out + "/" + f.replacingOccurrences(of: ".genome", with: ".ppm"))
            let p = RenderProgram(g)
            print("\(f): nodes \(g.nodeCount) depth \(g.depth) instr \(p.instructionCount) planes \(p.registerPlaneCount)")
        }
    }
}

