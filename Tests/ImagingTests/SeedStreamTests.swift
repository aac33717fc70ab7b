import Imaging
import XCTest

/// The derived seeds stored runs depend on: each stream's items are pinned (a changed multiplier
/// would silently change every resumed run's framings or a worker's stream), and the items of
/// one stream are distinct.
final class SeedStreamTests: XCTestCase {
    func testItemsArePinnedAndDistinct() {
        XCTAssertEqual(SeedStream.framings.seed(1, item: 1), 1 ^ 0xF7A3_1C6B_55E2_9D01)
        XCTAssertEqual(SeedStream.framings.seed(11, item: 3), 11 ^ (0xF7A3_1C6B_55E2_9D01 &* 3))
        XCTAssertEqual(SeedStream.polishFramings.seed(7, item: 2), 7 ^ (0xD1B5_4A32_D192_ED03 &* 2))
        XCTAssertEqual(SeedStream.polishSteps.seed(5, item: 4), 5 ^ (0x9E37_79B9_7F4A_7C15 &* 4))
        XCTAssertEqual(SeedStream.workers.seed(9, item: 2), 9 ^ (0x9E37_79B9_7F4A_7C15 &* 2))
        for stream in [SeedStream.framings, .polishFramings, .polishSteps, .workers] {
            let items = (1...10_000).map { stream.seed(42, item: $0) }
            XCTAssertEqual(Set(items).count, items.count)
            XCTAssertFalse(items.contains(42), "no item is the seed itself")
        }
        // The run's framings and its polish's framings never start from the same seed.
        XCTAssertNotEqual(SeedStream.framings.seed(3, item: 1), SeedStream.polishFramings.seed(3, item: 1))
    }
}
