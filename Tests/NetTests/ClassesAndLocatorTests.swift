import Foundation
import Net
import XCTest

/// Class names, probabilities, the weights locator and the benchmark's report line.
final class ClassesAndLocatorTests: XCTestCase {
    func testClassLookup() throws {
        let classes = try ImageNetClasses.bundled()
        XCTAssertEqual(classes.count, 1000)
        XCTAssertEqual(try classes.name(of: 282), "tiger cat")
        XCTAssertEqual(try classes.shortName(of: 281), "tabby")
        XCTAssertEqual(try classes.index(of: "Tiger  Cat"), 282)
        XCTAssertEqual(try classes.index(of: "tabby cat"), 281)
        XCTAssertEqual(try classes.index(of: "great white shark"), 2)
        XCTAssertEqual(try classes.index(of: "man-eater"), 2)
        XCTAssertThrowsError(try classes.name(of: 1000)) { error in
            XCTAssertEqual(error as? NetError, .classIndexOutOfRange(index: 1000, count: 1000))
        }
        XCTAssertThrowsError(try classes.index(of: "crane")) { error in
            guard case let NetError.ambiguousClass(_, matches) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(matches, ["134 crane", "517 crane"])
        }
        XCTAssertThrowsError(try classes.index(of: "tigr cat")) { error in
            guard case let NetError.unknownClass(name, suggestions) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "tigr cat")
            XCTAssertEqual(suggestions.first, "tiger cat")
            XCTAssertTrue("\(error)".contains("did you mean"))
        }
    }

    func testCandidatesAreRanked() throws {
        let classes = try ImageNetClasses.bundled()
        let sharks = classes.candidates(matching: "shark", limit: 10).map(\.index)
        XCTAssertEqual(Set(sharks.prefix(3)), [2, 3, 4])  // great white, tiger, hammerhead
        // whole words first ("tabby cat" … "Egyptian cat"), then prefixes ("catamount")
        let cat = classes.candidates(matching: "cat", limit: 8)
        XCTAssertEqual(cat.prefix(5).map(\.index), [281, 282, 283, 284, 285])
        XCTAssertEqual(cat.first?.score, 80)
        XCTAssertEqual(classes.candidates(matching: "Tiger cat").first, .init(index: 282, name: "tiger cat", score: 100))
        XCTAssertEqual(classes.candidates(matching: "zzzzqqq"), [])
    }

    func testProbabilities() {
        let logits: [Float] = [1, 3, -2, 3, 0.5]
        let p = Probabilities.softmax(logits)
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-6)
        let lp = Probabilities.logSoftmax(logits)
        for i in logits.indices { XCTAssertEqual(lp[i], Float(Foundation.log(Double(p[i]))), accuracy: 1e-5) }
        XCTAssertEqual(Probabilities.logSoftmax([1000, 0])[1], -1000, accuracy: 1e-3)  // no overflow
        XCTAssertEqual(Probabilities.topK(logits, k: 3).map(\.index), [1, 3, 0])       // tie: lower index first
        XCTAssertEqual(Probabilities.rows([1, 2, 3, 4, 5, 6], classes: 3).map(Array.init), [[1, 2, 3], [4, 5, 6]])
    }

    func testLocatorSearchOrder() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("net-locator-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: root) }
        let env = root + "/env", work = root + "/work", exeDir = root + "/repo/.build/release"
        for d in [env, work + "/models", root + "/repo/models", exeDir] { try fm.createDirectory(atPath: d, withIntermediateDirectories: true) }
        _ = fm.createFile(atPath: root + "/repo/models/efficientnet-lite1-aaaa.pth", contents: Data())
        let exe = exeDir + "/pareidolia"
        // found beside an ancestor of the executable
        XCTAssertEqual(try ModelLocator.locate(.lite1, environment: [:], currentDirectory: work, executablePath: exe),
                       root + "/repo/models/efficientnet-lite1-aaaa.pth")
        // ./models wins over the executable's ancestors, PAREIDOLIA_MODELS over both
        _ = fm.createFile(atPath: work + "/models/efficientnet-lite1-bbbb.pth", contents: Data())
        XCTAssertEqual(try ModelLocator.locate(.lite1, environment: [:], currentDirectory: work, executablePath: exe),
                       work + "/models/efficientnet-lite1-bbbb.pth")
        _ = fm.createFile(atPath: env + "/efficientnet-lite1-cccc.pth", contents: Data())
        XCTAssertEqual(try ModelLocator.locate(.lite1, environment: ["PAREIDOLIA_MODELS": env], currentDirectory: work, executablePath: exe),
                       env + "/efficientnet-lite1-cccc.pth")
        XCTAssertThrowsError(try ModelLocator.locate(.lite2, environment: ["PAREIDOLIA_MODELS": env], currentDirectory: work,
                                                     executablePath: exe)) { error in
            guard case let NetError.weightsNotFound(variant, searched) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(variant, "lite2")
            XCTAssertEqual(searched.prefix(3), [env, work + "/models", exeDir + "/models"])
            XCTAssertTrue(searched.contains(root + "/repo/models"))
            XCTAssertTrue("\(error)".contains("run scripts/setup"))
        }
    }

    func testBenchmarkReportLine() throws {
        let result = try NetBenchmark.run(model: try Fixture.model(.lite0), batch: 2, threads: 1, runs: 1, warmup: 0)
        XCTAssertTrue("\(result)".hasPrefix("pareidolia lite0 batch=2 threads=1 images_per_s="), "\(result)")
        XCTAssertGreaterThan(result.imagesPerSecond, 0)
        XCTAssertEqual(result.imagesPerSecond, 2 / result.medianSeconds, accuracy: 1e-9)
    }
}
