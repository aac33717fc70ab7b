import Foundation
import XCTest

/// Paths of committed fixtures and fresh temporary directories.
enum Fixture {
    static func path(_ name: String) throws -> String {
        let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")
        return try XCTUnwrap(url, "missing fixture \(name)").path
    }

    static func data(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try path(name))))
    }
}

/// A temporary directory removed when the test case ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "imageio-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }
}

/// CRC-32 (ISO-HDLC, as PNG uses), bit by bit: the obvious reference.
func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// Fixture sample formulas, shared with the script that generated the fixtures.
enum Formula {
    static func s8(_ x: Int, _ y: Int, _ c: Int) -> Int { (x * 37 + y * 91 + c * 59 + 7) % 256 }
    static func s16(_ x: Int, _ y: Int, _ c: Int) -> Int { (x * 9157 + y * 20011 + c * 30011 + 1234) % 65536 }
    static func a8(_ x: Int, _ y: Int) -> Int { (x * 83 + y * 29 + 40) % 256 }
}
