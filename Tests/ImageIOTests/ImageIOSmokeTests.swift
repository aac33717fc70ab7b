import XCTest
import ImageIO
final class ImageIOSmokeTests: XCTestCase { func testNothingYet() {} }
