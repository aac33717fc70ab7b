import Foundation

/// Builds PNG files byte by byte for the bounded-memory tests: valid all-zero images of any
/// size (a decompression bomb: a few MB that inflate to gigabytes) and hand-made chunks.
struct PNGBuilder {
    private(set) var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Appends a chunk; `declaredLength` overrides the length field (to forge one).
    mutating func chunk(_ type: String, _ data: [UInt8], declaredLength: UInt32? = nil) {
        let typeBytes = Array(type.utf8)
        bytes += bigEndian(declaredLength ?? UInt32(data.count)) + typeBytes + data
        bytes += bigEndian(CRC32.of(typeBytes + data))
    }

    /// IHDR: colour type 0 grey, 2 RGB, 6 RGBA; no interlace.
    mutating func header(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 0) {
        chunk("IHDR", bigEndian(width) + bigEndian(height) + [bitDepth, colorType, 0, 0, 0])
    }

    /// An uncompressed iTXt chunk.
    mutating func text(_ key: String, _ value: String) {
        chunk("iTXt", Array(key.utf8) + [0, 0, 0, 0, 0] + Array(value.utf8))
    }

    /// One IDAT holding a valid zlib stream of `rows × (1 + rowBytes)` zero bytes (every row
    /// filter None, every sample 0): fixed-Huffman deflate of one literal 0 then
    /// length-258/distance-1 copies, 13 bits per 258 bytes.
    mutating func zeroImageData(rows: Int, rowBytes: Int) {
        let total = rows * (rowBytes + 1)
        var bits = BitWriter()
        bits.write(1, count: 1)          // BFINAL
        bits.write(1, count: 2)          // BTYPE 01: fixed Huffman
        bits.huffman(0b0011_0000, count: 8)   // literal 0
        var copies = (total - 1) / 258
        func copy() {
            bits.huffman(0b1100_0101, count: 8)   // length code 285: 258 bytes
            bits.huffman(0, count: 5)             // distance code 0: distance 1
            copies -= 1
        }
        // 11 bits so far; after one copy the stream is byte-aligned and every 8 copies are
        // the same 13 bytes, so repeat those instead of writing megabytes bit by bit.
        if copies >= 17 {
            copy()
            let start = bits.bytes.count
            for _ in 0..<8 { copy() }
            let group = Array(bits.bytes[start...])
            let groups = copies / 8
            bits.bytes += Array([[UInt8]](repeating: group, count: groups).joined())
            copies -= 8 * groups
        }
        while copies > 0 { copy() }
        for _ in 0..<((total - 1) % 258) { bits.huffman(0b0011_0000, count: 8) }
        bits.huffman(0, count: 7)        // end of block (256)
        let adler = UInt32(total % 65521) << 16 | 1
        chunk("IDAT", [0x78, 0x01] + bits.bytes + bigEndian(adler))
    }

    /// One IDAT holding `raw` (filter bytes included) as zlib stored (uncompressed) blocks.
    mutating func storedImageData(_ raw: [UInt8]) {
        var stream: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65535, raw.count - offset)
            let final: UInt8 = offset + count == raw.count ? 1 : 0
            stream += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8(~count >> 8 & 0xFF)]
            stream += raw[offset..<(offset + count)]
            offset += count
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        chunk("IDAT", stream + bigEndian(b << 16 | a))
    }

    /// An 8-bit RGB Adam7-interlaced PNG whose sample (x, y, c) is `sample(x, y, c)`.
    static func interlacedRGB(width: Int, height: Int, sample: (Int, Int, Int) -> UInt8) -> [UInt8] {
        // Pass p covers x = startX + k·stepX, y = startY + j·stepY.
        let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        var raw: [UInt8] = []
        for (startX, startY, stepX, stepY) in passes {
            let xs = Array(stride(from: startX, to: width, by: stepX))
            let ys = Array(stride(from: startY, to: height, by: stepY))
            if xs.isEmpty || ys.isEmpty { continue }   // an empty pass has no rows, not even filter bytes
            for y in ys {
                raw.append(0)
                for x in xs { raw += (0..<3).map { sample(x, y, $0) } }
            }
        }
        var png = PNGBuilder()
        png.chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 1])
        png.storedImageData(raw)
        png.end()
        return png.bytes
    }

    mutating func end() { chunk("IEND", []) }

    /// A complete all-zero PNG, with text chunks before and after the image data.
    static func zeros(width: Int, height: Int, bitDepth: UInt8 = 8, colorType: UInt8 = 0,
                      textBefore: [(String, String)] = [], textAfter: [(String, String)] = []) -> [UInt8] {
        let channels = [0: 1, 2: 3, 4: 2, 6: 4][Int(colorType)] ?? 1
        var png = PNGBuilder()
        png.header(width: UInt32(width), height: UInt32(height), bitDepth: bitDepth, colorType: colorType)
        for (key, value) in textBefore { png.text(key, value) }
        png.zeroImageData(rows: height, rowBytes: width * channels * Int(bitDepth) / 8)
        for (key, value) in textAfter { png.text(key, value) }
        png.end()
        return png.bytes
    }
}

func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

/// Deflate's bit order: values least significant bit first, Huffman codes most significant first.
struct BitWriter {
    var bytes: [UInt8] = []
    private var used = 8

    mutating func write(_ value: UInt32, count: Int) {
        for i in 0..<count { bit(value >> i & 1) }
    }

    mutating func huffman(_ code: UInt32, count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) { bit(code >> i & 1) }
    }

    private mutating func bit(_ b: UInt32) {
        if used == 8 { bytes.append(0); used = 0 }
        bytes[bytes.count - 1] |= UInt8(b) << used
        used += 1
    }
}

/// Table-driven CRC-32 (for the megabytes of a bomb; `crc32` in TestSupport is the bitwise
/// reference it is checked against).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func of(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }
}

/// The process's peak resident memory so far, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss
    #endif
}
