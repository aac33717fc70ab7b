import Search
import Foundation

/// How the gallery writes numbers for people: fixed rules, no locale, same text every time.
public enum GalleryFormat {
    /// A probability in [0, 1] as a percentage with 2–4 significant digits.
    ///
    /// `0.9921` → `99.2%`, `0.99962` → `99.96%`, `0.5` → `50.0%`, `0.0314` → `3.14%`,
    /// `0.00123` → `0.123%`. Never rounds a value below 1 up to `100%` or a value above 0 down
    /// to `0%`: beyond 99.99% it writes `>99.99%`, below 0.01% `<0.01%`. Exactly 1 and 0 are
    /// `100%` and `0%`; NaN is `–`.
    public static func percent(_ p: Float) -> String {
        if p.isNaN { return "–" }
        if p >= 1 { return "100%" }
        if p <= 0 { return "0%" }
        let v = Double(p) * 100
        if v >= 99.995 { return ">99.99%" }
        if v < 0.01 { return "<0.01%" }
        let decimals: Int
        switch v {
        case 99.9...: decimals = 2
        case 9.995...: decimals = 1
        case 0.9995...: decimals = 2
        case 0.09995...: decimals = 3
        default: decimals = 4
        }
        return String(format: "%.\(decimals)f%%", v)
    }

    /// A plain number with 3 significant digits (`0.0334`, `1.23`, `12.3`, `123`); values of
    /// 1000 and more are whole numbers (`1234`); NaN is `–`.
    public static func number(_ x: Float) -> String {
        if x.isNaN { return "–" }
        if x.isInfinite { return x > 0 ? "∞" : "−∞" }
        if abs(x) >= 999.5 { return String(format: "%.0f", Double(x)) }
        return String(format: "%.3g", Double(x))
    }

    /// A whole count with thin groups of three digits: `1234567` → `1,234,567`.
    public static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A duration in seconds, shortest readable form: `0.8 s`, `42 s`, `3 min 05 s`,
    /// `2 h 07 min`, `3 d 04 h`. Negative or NaN is `–`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds >= 0, seconds.isFinite else { return "–" }
        if seconds < 9.95 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        let minutes = whole / 60
        if minutes < 24 * 60 { return String(format: "%d h %02d min", minutes / 60, minutes % 60) }
        let hours = minutes / 60
        return String(format: "%d d %02d h", hours / 24, hours % 24)
    }
}

extension GalleryFormat {
    /// How far (in probability) a re-measured confidence may drift from the stored one before
    /// the gallery shows both.
    public static let confidenceTolerance: Float = 0.005

    /// `"stored 99.2%, on this render 97.1%"` when `measured` differs from `stored` by more
    /// than `confidenceTolerance` (or exactly one of them is NaN), else `nil`.
    public static func confidenceNote(stored: Float, measured: Float) -> String? {
        let differs = stored.isNaN || measured.isNaN
            ? stored.isNaN != measured.isNaN
            : abs(measured - stored) > confidenceTolerance
        return differs ? "stored \(percent(stored)), on this render \(percent(measured))" : nil
    }

    /// `"held-out lite2: 3.1 % (top-1 on 2/16 framings); training 99.0 %"` from a record's
    /// stored measurements, or nil for records stored before they were kept.
    public static func heldOut(_ measurements: String?) -> String? {
        guard let m = RecordMeasurements.decode(measurements) else { return nil }
        let j = m.judgement
        return heldOut(model: j.heldOut.model, confidence: j.heldOut.confidence, topOne: j.heldOut.top1, framings: j.framings,
                       training: m.training)
    }

    /// The same line from its parts: `topOne` is the share of `framings` on which the held-out
    /// network named the target.
    public static func heldOut(model: String, confidence: Float, topOne: Float, framings: Int, training: Float) -> String {
        let hits = Int((topOne * Float(framings)).rounded())
        return "held-out \(model): \(percent(confidence)) (top-1 on \(hits)/\(framings) framings); training \(percent(training))"
    }
}
