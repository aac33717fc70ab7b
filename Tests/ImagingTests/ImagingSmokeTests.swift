import XCTest
import Imaging
final class ImagingSmokeTests: XCTestCase { func testNothingYet() {} }
