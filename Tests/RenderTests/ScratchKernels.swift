import XCTest
import Foundation
import Genome
import Render

final class ScratchKernels: XCTestCase {
    func testKernels() throws {
        let ops = ["sin", "cos", "tanh", "abs", "sqrt", "log", "gauss", "floor", "fract", "gray"]
        let bins = ["+", "*", "/", "mod", "pow", "hypot", "noise", "fbm", "min"]
        var cases: [(String, String)] = []
        for o in ops { cases.append((o, "(\(o) (\(o) (\(o) (\(o) (+ x y)))))")) }
        for o in bins { cases.append((o, "(\(o) (\(o) (\(o) (\(o) x y) x) y) x)")) }
        cases.append(("rgb+", "(+ (rgb x y r) (+ (rgb x y r) (+ (rgb y x r) (rgb r y x))))"))
        cases.append(("swirl", "(swirl (swirl (swirl (swirl x y) x) y) x)"))
        cases.append(("kaleido", "(kaleido (kaleido (kaleido (kaleido x y) x) y) x)"))
        cases.append(("hsv", "(hsv (hsv x y r) (hsv y x r) (hsv r x y))"))
        let only = ProcessInfo.processInfo.environment["ONLY"]
        for (name, text) in cases where only == nil || only == name {
            let g = try Genome(parsing: text)
            let p = RenderProgram(g)
            _ = try p.render(width: 512, height: 512, threads: 1)
            var ts = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            let t0 = Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
            for _ in 0..<10 { _ = try p.render(width: 512, height: 512, threads: 1) }
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            let dt = Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9 - t0
            let pn = 10.0 * 512 * 512 * Double(g.nodeCount)
            print(String(format: "%-8@ %6.2f Gpn/s  %6.3f ns/pixel-node  nodes %d", name as NSString, pn / dt / 1e9, dt / pn * 1e9, g.nodeCount))
        }
    }
}
