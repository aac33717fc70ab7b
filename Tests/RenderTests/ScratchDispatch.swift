import XCTest
import Foundation
import Dispatch

final class ScratchDispatch: XCTestCase {
    func testDispatch() {
        for round in 0..<3 {
            let start = Date()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let t0 = Date().timeIntervalSince(start)
                var x = 0.0
                for k in 0..<30_000_000 { x += Double(k).squareRoot() }
                print("round \(round) iter \(i) thread \(pthread_self()) start \(t0) end \(Date().timeIntervalSince(start)) \(x > 0)")
            }
        }
    }
}
