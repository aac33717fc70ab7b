import Evolution
import Search
import XCTest

/// Who made a run's progress, from its records in order.
final class VariationShareTests: XCTestCase {
    func testGainsAreCreditedToTheRecordThatMadeThem() {
        let share = VariationShare(records: [
            (-5, .initial),      // the first record gains nothing
            (-4, .immigrant),    // +1
            (-3.5, .mutation),   // +0.5
            (-1.5, .polish),     // +2
            (-1, .crossover),    // +0.5
            (-1, nil),           // +0, an old record without an origin
        ])
        XCTAssertEqual(share.records, [.initial: 1, .immigrant: 1, .mutation: 1, .polish: 1, .crossover: 1, nil: 1])
        XCTAssertEqual(share.variationGain!, 1.0 / 4.0, accuracy: 1e-12)
        XCTAssertEqual(share.variationRecords, 2.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(share.recordsText, "initial:1,immigrant:1,crossover:1,mutation:1,polish:1,unknown:1")
    }

    func testARunWithOneRecordGainedNothing() {
        let share = VariationShare(records: [(-2, .initial)])
        XCTAssertNil(share.variationGain)
        XCTAssertEqual(share.variationRecords, 0)
    }
}
