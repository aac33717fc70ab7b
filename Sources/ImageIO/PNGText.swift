import CPNG

/// Encoding and validation of PNG text-chunk keys and values.
///
/// Keys are Latin-1 (PNG spec §11.3.4): 1–79 characters from 32…126 and 161…255, no leading,
/// trailing or consecutive spaces. `tEXt`/`zTXt` values are Latin-1, `iTXt` values UTF-8.
enum PNGText {
    /// The Latin-1 bytes of `key`, or an error saying why PNG does not allow it.
    static func encodeKey(_ key: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in key.unicodeScalars {
            let v = scalar.value
            guard (32...126).contains(v) || (161...255).contains(v) else {
                let code = String(v, radix: 16, uppercase: true)
                throw ImageIOError.invalidTextKey(key: key, reason: "character U+\(code) is not printable Latin-1")
            }
            bytes.append(UInt8(v))
        }
        guard (1...79).contains(bytes.count) else {
            throw ImageIOError.invalidTextKey(key: key, reason: "length \(bytes.count) is outside 1…79")
        }
        if bytes.first == 32 || bytes.last == 32 {
            throw ImageIOError.invalidTextKey(key: key, reason: "leading or trailing space")
        }
        for i in 1..<bytes.count where bytes[i] == 32 && bytes[i - 1] == 32 {
            throw ImageIOError.invalidTextKey(key: key, reason: "consecutive spaces")
        }
        return bytes
    }

    /// The UTF-8 bytes of an `iTXt` value, which must not contain NUL.
    static func encodeValue(_ value: String, key: String) throws -> [UInt8] {
        let bytes = Array(value.utf8)
        if bytes.contains(0) {
            throw ImageIOError.invalidTextValue(key: key, reason: "it contains a NUL character")
        }
        return bytes
    }

    /// Decodes a chunk's bytes: UTF-8 for `iTXt` (invalid sequences become U+FFFD), else Latin-1.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, utf8: Bool) -> String {
        if utf8 { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// Key → value of C text entries (a later chunk with the same key wins).
    static func dictionary(_ texts: cpng_texts) -> [String: String] {
        var text: [String: String] = [:]
        for i in 0..<Int(texts.count) {
            guard let entry = texts.entries?[i] else { continue }
            let key = entry.key.map { bytes($0, entry.key_length) { decode($0, utf8: false) } } ?? ""
            let value = entry.text.map { bytes($0, entry.text_length) { decode($0, utf8: entry.is_utf8 != 0) } } ?? ""
            text[key] = value
        }
        return text
    }

    private static func bytes<R>(_ pointer: UnsafePointer<CChar>, _ count: Int,
                                 _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        pointer.withMemoryRebound(to: UInt8.self, capacity: max(count, 1)) {
            body(UnsafeBufferPointer(start: $0, count: count))
        }
    }
}
