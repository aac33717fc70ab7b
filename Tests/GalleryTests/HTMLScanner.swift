/// A small, tolerant HTML reader for the tests: start tags with attributes, and text.
struct Tag {
    var name: String
    var attributes: [String: String]
    /// Offset (in characters) of the `<` that opens the tag.
    var start: Int
}

enum HTMLScanner {
    /// Every start tag of `html`, attribute values unescaped; skips comments, end tags and
    /// the raw text of `<script>` and `<style>`.
    static func tags(_ html: String) -> [Tag] {
        let c = Array(html)
        var tags: [Tag] = []
        var i = 0
        while i < c.count {
            guard c[i] == "<", i + 1 < c.count else { i += 1; continue }
            if c[i + 1] == "!" || c[i + 1] == "/" {
                i = (index(of: ">", in: c, from: i) ?? c.count) + 1
                continue
            }
            guard c[i + 1].isLetter else { i += 1; continue }
            let start = i
            i += 1
            var name = ""
            while i < c.count, c[i].isLetter || c[i].isNumber { name.append(c[i]); i += 1 }
            var attributes: [String: String] = [:]
            while i < c.count, c[i] != ">" {
                if c[i].isWhitespace || c[i] == "/" { i += 1; continue }
                var key = ""
                while i < c.count, !c[i].isWhitespace, c[i] != "=", c[i] != ">" { key.append(c[i]); i += 1 }
                var value = ""
                if i < c.count, c[i] == "=" {
                    i += 1
                    if i < c.count, c[i] == "\"" || c[i] == "'" {
                        let quote = c[i]
                        i += 1
                        while i < c.count, c[i] != quote { value.append(c[i]); i += 1 }
                        i += 1
                    } else {
                        while i < c.count, !c[i].isWhitespace, c[i] != ">" { value.append(c[i]); i += 1 }
                    }
                }
                attributes[key.lowercased()] = unescape(value)
            }
            i += 1
            let lower = name.lowercased()
            tags.append(Tag(name: lower, attributes: attributes, start: start))
            if lower == "script" || lower == "style" {
                let close = Array("</\(lower)")
                while i < c.count, Array(c[i..<min(c.count, i + close.count)]) != close { i += 1 }
            }
        }
        return tags
    }

    /// The text between the first `<open …>` at or after `from` and the next `</close>`.
    static func text(of element: String, in html: String, from: Int = 0) -> String? {
        let c = Array(html)
        guard let open = find(Array("<\(element)"), in: c, from: from),
              let gt = index(of: ">", in: c, from: open),
              let close = find(Array("</\(element)>"), in: c, from: gt) else { return nil }
        return String(c[(gt + 1)..<close])
    }

    /// Character references resolved: named `amp lt gt quot apos`, decimal and hexadecimal.
    static func unescape(_ text: String) -> String {
        var out = ""
        let c = Array(text)
        var i = 0
        while i < c.count {
            if c[i] == "&", let semi = index(of: ";", in: c, from: i), semi - i <= 10 {
                let body = String(c[(i + 1)..<semi])
                var scalar: Unicode.Scalar?
                switch body {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if body.hasPrefix("#x") || body.hasPrefix("#X") {
                        scalar = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                    } else if body.hasPrefix("#") {
                        scalar = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init)
                    }
                }
                if let scalar {
                    out.unicodeScalars.append(scalar)
                    i = semi + 1
                    continue
                }
            }
            out.append(c[i])
            i += 1
        }
        return out
    }

    /// Text content with tags removed and references resolved (whitespace collapsed).
    static func plainText(_ html: String) -> String {
        var out = ""
        var inTag = false
        for ch in html {
            if ch == "<" { inTag = true; out.append(" ") } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
        }
        return unescape(out).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func index(of ch: Character, in c: [Character], from: Int) -> Int? {
        var i = from
        while i < c.count { if c[i] == ch { return i }; i += 1 }
        return nil
    }

    static func find(_ needle: [Character], in c: [Character], from: Int) -> Int? {
        guard needle.count <= c.count else { return nil }
        var i = from
        while i + needle.count <= c.count {
            if Array(c[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
