import Foundation
import XCTest

/// A run toward an inner channel has no class, so no confidence of its own: its summary and its
/// gallery pages lead with the objective (or the fitness built on it), and label any percentage
/// as the image's top-1 probability.
final class ObjectiveReportingCLITests: XCTestCase {
    func testAChannelRunReportsItsObjectiveInTheSummaryAndTheGallery() throws {
        let h = try CLIHarness()
        let objective = "channel(block12, 57)"
        let evolve = try h.run(["evolve", "--objective", objective, "--population", "8", "--generations", "1",
                                "--run", "ch", "--db", h.database])
        XCTAssertEqual(evolve.status, 0, evolve.stderr)
        let output = evolve.stdout + evolve.stderr
        let summary = try XCTUnwrap(output.split(separator: "\n").last { $0.contains("best: ") }, output)
        XCTAssertTrue(summary.contains("best: objective \(objective) "), String(summary))
        XCTAssertTrue(summary.contains("mean over the run's 8 framings"), String(summary))
        XCTAssertTrue(summary.contains("robust top-1 p"), String(summary))
        XCTAssertFalse(output.contains("training confidence"), output)

        let out = h.directory.appendingPathComponent("g").path
        let gallery = try h.run(["gallery", "--db", h.database, "-o", out, "--size", "64", "--aa", "1"])
        XCTAssertEqual(gallery.status, 0, gallery.stderr)
        let page = try String(contentsOfFile: out + "/ch/index.html", encoding: .utf8)
        XCTAssertTrue(page.contains("fitness (objective − penalties)"), page)
        XCTAssertTrue(page.contains("image top-1 p"), page)
        XCTAssertTrue(page.contains("best fitness"), page)
        XCTAssertFalse(page.contains("</span> robust</div>"), "no card leads with a confidence")
        XCTAssertFalse(page.contains("best record"), "no headline confidence")
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("<span class=\"conf\">fitness "), index)
        XCTAssertTrue(index.contains("image top-1 p"), index)
    }
}
