import XCTest
import Net
final class NetSmokeTests: XCTestCase { func testNothingYet() {} }
