import Foundation
import XCTest

/// Unsafe pointers stay inside the kernels: no `public` declaration anywhere in Sources takes
/// or returns one (kernels that tests reach are `package`).
final class PublicSurfaceTests: XCTestCase {
    func testNoPublicDeclarationTakesOrReturnsAnUnsafePointer() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let declaration = try NSRegularExpression(
            pattern: #"^\s*(@\w+\s+)*public\s+((static|final|mutating|override|nonisolated)\s+)*(func|init|var|let|subscript|typealias)\b"#)
        var offenders: [String] = []
        var scanned = 0
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            scanned += 1
            let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
            for (index, line) in lines.enumerated() {
                let range = NSRange(line.startIndex..., in: line)
                guard declaration.firstMatch(in: line, range: range) != nil else { continue }
                // The signature: up to the body's brace (a function's may span lines).
                var signature = line, next = index + 1
                while !signature.contains("{") && next < lines.count && next < index + 8
                        && !line.contains(" var ") && !line.contains(" let ") {
                    signature += lines[next]
                    next += 1
                }
                let head = signature.split(separator: "{", maxSplits: 1).first.map(String.init) ?? signature
                if head.contains("Unsafe") || head.contains("OpaquePointer") {
                    offenders.append("\(file.lastPathComponent):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertGreaterThan(scanned, 100, "found the sources at \(sources.path)")
        XCTAssertEqual(offenders, [], "public declarations with unsafe pointers:\n" + offenders.joined(separator: "\n"))
    }
}
