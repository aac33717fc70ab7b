import XCTest
import Render
final class RenderSmokeTests: XCTestCase { func testNothingYet() {} }
