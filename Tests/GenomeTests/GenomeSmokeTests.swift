import XCTest
import Genome
final class GenomeSmokeTests: XCTestCase { func testNothingYet() {} }
