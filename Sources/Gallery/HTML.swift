/// Escaping of text for HTML documents.
public enum HTML {
    /// `text` made safe for HTML text content and for quoted attribute values alike.
    ///
    /// Replaces `&` `<` `>` `"` `'` with character references, and a carriage return with
    /// `&#13;` (an HTML parser turns a raw CR or CRLF into LF; a reference survives). Every
    /// other character, including non-ASCII, passes through unchanged, so a page written in
    /// UTF-8 shows exactly `text`. Use it for every piece of data placed in a page.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A relative URL for `segments` (file or directory names), each percent-encoded, joined
    /// by `/`, then escaped for an attribute value.
    public static func href(_ segments: String...) -> String {
        escape(segments.map(percentEncoded).joined(separator: "/"))
    }

    /// `segment` with every byte outside `A–Z a–z 0–9 - . _ ~` percent-encoded (UTF-8).
    static func percentEncoded(_ segment: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}
