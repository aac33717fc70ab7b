import Foundation
import Net
import XCTest

/// Reference data shipped in `Fixtures/` and the real weights found by `ModelLocator`.
enum Fixture {
    /// Bytes of a fixture file, failing the test if it is missing.
    static func bytes(_ name: String, _ ext: String) throws -> [UInt8] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"),
                                "fixture \(name).\(ext) missing from the test bundle")
        return [UInt8](try Data(contentsOf: url))
    }

    static func text(_ name: String, _ ext: String) throws -> String {
        String(decoding: try bytes(name, ext), as: UTF8.self)
    }

    /// `chelsea-224.png` decoded once by python3's zlib into 224·224·3 row-major RGB bytes.
    static func chelseaRGB() throws -> [UInt8] {
        let rgb = try bytes("chelsea-224", "rgb")
        XCTAssertEqual(rgb.count, 224 * 224 * 3)
        return rgb
    }

    /// Reference logits of Lite0 on chelsea-224 (`index \t logit \t name`).
    static func referenceLogits() throws -> [Float] {
        try text("chelsea-224.logits", "tsv").split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t")
            return try XCTUnwrap(Float(fields[1]), "bad logit line \(line)")
        }
    }

    /// Per-layer summaries: name → (shape, mean, std, 6 channels at (0,0), 6 channels at (H/2, W/2)).
    struct LayerSummary {
        let shape: [Int]
        let mean: Double, std: Double
        let corner: [Float], centre: [Float]
    }

    static func referenceActivations() throws -> [(String, LayerSummary)] {
        try text("chelsea-224.activations", "tsv").split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "\t").map(String.init)
            let shape = f[1].filter { "0123456789,".contains($0) }.split(separator: ",").compactMap { Int($0) }
            let summary = LayerSummary(shape: shape, mean: try XCTUnwrap(Double(f[2])), std: try XCTUnwrap(Double(f[3])),
                                       corner: f[4].split(separator: " ").compactMap { Float($0) },
                                       centre: f[5].split(separator: " ").compactMap { Float($0) })
            return (f[0], summary)
        }
    }

    /// Planar `(u8 − 127) / 128` input from row-major RGB bytes of a `side × side` image.
    static func preprocess(_ rgb: [UInt8], side: Int) -> [Float] {
        var out = [Float](repeating: 0, count: 3 * side * side)
        for p in 0..<(side * side) {
            for c in 0..<3 { out[c * side * side + p] = (Float(rgb[p * 3 + c]) - 127) / 128 }
        }
        return out
    }

    /// Bilinear resize (align-corners = false, half-pixel centres) of row-major RGB bytes.
    static func resize(_ rgb: [UInt8], from: Int, to: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: to * to * 3)
        let scale = Double(from) / Double(to)
        for y in 0..<to {
            let sy = max(0, min(Double(from - 1), (Double(y) + 0.5) * scale - 0.5))
            let y0 = Int(sy), y1 = min(y0 + 1, from - 1), fy = sy - Double(y0)
            for x in 0..<to {
                let sx = max(0, min(Double(from - 1), (Double(x) + 0.5) * scale - 0.5))
                let x0 = Int(sx), x1 = min(x0 + 1, from - 1), fx = sx - Double(x0)
                for c in 0..<3 {
                    func px(_ yy: Int, _ xx: Int) -> Double { Double(rgb[(yy * from + xx) * 3 + c]) }
                    let v = (px(y0, x0) * (1 - fx) + px(y0, x1) * fx) * (1 - fy) + (px(y1, x0) * (1 - fx) + px(y1, x1) * fx) * fy
                    out[(y * to + x) * 3 + c] = UInt8(max(0, min(255, v.rounded())))
                }
            }
        }
        return out
    }

    /// The real network for `variant`; the test fails (not skips) with set-up advice if absent.
    static func model(_ variant: ModelVariant) throws -> EfficientNetLite {
        do {
            return try EfficientNetLite.load(variant)
        } catch {
            XCTFail("real \(variant) weights are needed for this test: \(error)")
            throw error
        }
    }
}
