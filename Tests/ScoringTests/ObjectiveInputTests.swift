import Foundation
import Imaging
import Net
import Scoring
import XCTest

/// Objective texts that cannot steer a search are refused where they are read: weights outside
/// 1e-6 … 1e6, terms that cancel, unknown networks, and pictures that are not regular files.
final class ObjectiveInputTests: XCTestCase {
    func testWeightsInsideTheRangeParseAndPrintBack() throws {
        for (text, weight) in [("1e6 * class(goldfish)", Float(1e6)), ("1e-6 * class(goldfish)", Float(1e-6)),
                               ("2e+3 dream(block10)", 2000), ("2.5E-2 * not(tench)", 0.025), ("3 * logit(tench)", 3)] {
            let parsed = try ObjectiveText(parsing: text)
            XCTAssertEqual(parsed.terms[0].weight, weight, text)
            XCTAssertEqual(try ObjectiveText(parsing: parsed.description), parsed, "\(text) → \(parsed)")
        }
        XCTAssertEqual(ObjectiveText.weightMagnitudes, 1e-6...1e6)
    }

    func testWeightsOutsideTheRangeNameTheRangeAndTheNumber() {
        let cases: [(String, Int, String)] = [
            ("1e38 * class(goldfish)", 1, "1e38"), ("1e39 * class(goldfish)", 1, "1e39"),
            ("1e-400 * class(goldfish)", 1, "1e-400"), ("0 * class(goldfish)", 1, "0"),
            ("class(goldfish) - 0.0000001 * class(tench)", 19, "0.0000001"), ("1e400 dream(block10)", 1, "1e400"),
        ]
        for (text, column, found) in cases {
            XCTAssertThrowsError(try ObjectiveText(parsing: text), text) { error in
                guard let e = error as? ObjectiveTextError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(e.column, column, "\(text): \(e)")
                XCTAssertEqual(e.found, found, "\(text): \(e)")
                XCTAssertTrue(e.description.contains("between 1e-6 and 1e6"), e.description)
            }
        }
    }

    func testTermsThatCancelAreRefused() throws {
        for text in ["class(goldfish) - class(goldfish)", "lite1:dream(block3) - 0.5 * LITE1:dream(block3) - 0.5 * lite1:dream(block3)"] {
            XCTAssertThrowsError(try ObjectiveText(parsing: text), text) { error in
                XCTAssertEqual(error as? ObjectiveError, .constant(text: text))
                XCTAssertTrue("\(error)".contains("cancel"), "\(error)")
            }
        }
        // Equal terms on different networks, or with something left over, do not cancel.
        _ = try ObjectiveText(parsing: "lite0:class(goldfish) - lite1:class(goldfish)")
        _ = try ObjectiveText(parsing: "class(goldfish) - class(goldfish) + dream(block10)")
    }

    func testAnUnknownNetworkPrefixListsTheNetworks() {
        XCTAssertThrowsError(try ObjectiveText(parsing: "class(tench) + lite3:class(goldfish)")) { error in
            XCTAssertEqual(error as? ObjectiveError, .unknownModel(name: "lite3"))
            XCTAssertTrue("\(error)".contains("lite0, lite1 or lite2"), "\(error)")
        }
        XCTAssertNoThrow(try ObjectiveText(parsing: "LITE2:class(goldfish)"))
    }

    nonisolated(unsafe) static var cached: Scorer?

    func lite0() throws -> Scorer {
        if let s = Self.cached { return s }
        let s = try Scorer(models: [EfficientNetLite.load(.lite0)])
        Self.cached = s
        return s
    }

    /// `class(goldfish) - class(1)`: the text does not show it, the resolved classes do.
    func testResolvedTermsThatCancelAreRefused() throws {
        let names = try ImageNetClasses.bundled()
        let text = try ObjectiveText(parsing: "class(goldfish) - class(1)")
        XCTAssertThrowsError(try text.resolve(names: names, scorer: try lite0()) { _ in Image(width: 1, height: 1) }) { error in
            XCTAssertEqual(error as? ObjectiveError, .constant(text: "class(goldfish) - class(1)"))
        }
        XCTAssertNoThrow(try ObjectiveText(parsing: "class(goldfish) - class(2)")
            .resolve(names: names, scorer: try lite0()) { _ in Image(width: 1, height: 1) })
    }

    /// The text tells what its confidence is (for pages that have only the text) as the
    /// resolved objective does.
    func testConfidenceKindOfTheTextIsTheResolvedObjectives() throws {
        let names = try ImageNetClasses.bundled(), scorer = try lite0()
        let cases: [(String, Objective.ConfidenceKind)] = [
            ("class(goldfish)", .sought), ("not(tench)", .absence), ("-logit(tench)", .absence),
            ("channel(block12, 57)", .topOne), ("dream(block10) - 0.5 * neuron(block3, 1)", .topOne),
            ("dream(block10) + 0.5 * logit(tench)", .sought), ("channel(block12, 57) - class(goldfish)", .absence),
        ]
        for (text, kind) in cases {
            let parsed = try ObjectiveText(parsing: text)
            XCTAssertEqual(parsed.confidenceKind, kind, text)
            XCTAssertEqual(try parsed.resolve(names: names, scorer: scorer) { _ in Image(width: 1, height: 1) }.confidenceKind,
                           kind, text)
        }
    }

    /// A FIFO, a directory or a device is refused by what it is, before the reader opens it.
    func testPicturesThatAreNotRegularFilesAreNeverOpened() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("objective-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe.png").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let names = try ImageNetClasses.bundled(), scorer = try lite0()
        for (text, path, kind) in [("match(\(fifo))", fifo, "a named pipe (FIFO)"), ("style(\(fifo))", fifo, "a named pipe (FIFO)"),
                                   ("match(\(directory.path))", directory.path, "a directory"),
                                   ("match(/dev/null)", "/dev/null", "a character device")] {
            XCTAssertThrowsError(try ObjectiveText(parsing: text).resolve(names: names, scorer: scorer) { path in
                XCTFail("\(path) was opened")
                return Image(width: 1, height: 1)
            }) { error in
                XCTAssertEqual(error as? ObjectiveError, .pictureNotAFile(path: path, kind: kind), text)
                XCTAssertTrue("\(error)".contains("'\(path)'"), "\(error)")
            }
        }
        // A missing file is the reader's to report.
        var asked: [String] = []
        XCTAssertThrowsError(try ObjectiveText(parsing: "match(no-such.png)").resolve(names: names, scorer: scorer) { path in
            asked.append(path)
            throw CocoaError(.fileNoSuchFile)
        })
        XCTAssertEqual(asked, ["no-such.png"])
    }
}
