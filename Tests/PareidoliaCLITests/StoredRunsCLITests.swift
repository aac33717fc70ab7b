import Foundation
import Store
import XCTest

/// Databases written by earlier releases keep working: each fixture (every kind of run the
/// release could make: framed, exact, an island, an inner-channel objective, an ensemble of
/// two classes, a morph, a lone atlas, a workers' atlas) opens, lists, shows and resumes.
final class StoredRunsCLITests: XCTestCase {
    /// `release-e940a5c.sqlite`: made by the release at commit e940a5c (schema v5).
    static let releases = ["release-e940a5c"]
    static let runs = ["framed", "exact", "arch.island-1", "channel", "ensemble", "morph", "atlas", "shared"]

    func testEveryStoredRunOfEveryReleaseOpensListsShowsAndResumes() throws {
        for release in Self.releases {
            let h = try CLIHarness()
            let fixture = h.repository.appendingPathComponent("Tests/PareidoliaCLITests/Fixtures/\(release).sqlite")
            try FileManager.default.copyItem(atPath: fixture.path, toPath: h.database)
            let before = try Dictionary(uniqueKeysWithValues: RunStore(path: h.database, readOnly: true).runs()
                .map { ($0.name, $0.generations) })
            XCTAssertEqual(Set(before.keys), Set(Self.runs), release)

            let listed = try h.run(["runs", "--db", h.database])
            XCTAssertEqual(listed.status, 0, "\(release): \(listed.stderr)")
            for name in Self.runs {
                XCTAssertTrue(listed.stdout.contains(name), "\(release): runs lacks \(name)")
                let shown = try h.run(["show", name, "--db", h.database])
                XCTAssertEqual(shown.status, 0, "\(release) show \(name): \(shown.stderr)")
                XCTAssertTrue(shown.stdout.contains(name), "\(release) show \(name): \(shown.stdout)")
                let resumed = try h.run(["resume", name, "--generations", "1", "--db", h.database])
                XCTAssertEqual(resumed.status, 0, "\(release) resume \(name): \(resumed.stderr)")
                let after = try RunStore(path: h.database, readOnly: true).run(named: name).generations
                XCTAssertEqual(after, (before[name] ?? 0) + 1, "\(release) \(name): one more generation or batch")
            }
        }
    }
}
