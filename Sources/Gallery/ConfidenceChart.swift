import Foundation
import Store

/// The inline SVG chart of a run's best and mean confidence per generation.
///
/// The y axis is log-odds (`log(p / (1 − p))`) labelled in percent, so the climb from 90% to
/// 99.9% is as visible as the one from 10% to 90%. Each series is one `<polyline>` (split at
/// NaN gaps) with `data-series="best"` or `"mean"` and one vertex per generation.
public enum ConfidenceChart {
    static let width = 960.0, height = 300.0
    static let left = 64.0, right = 20.0, top = 36.0, bottom = 46.0
    /// Where y ticks may go, as probabilities.
    static let tickCandidates: [Double] = [0.0001, 0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999]

    /// The chart as an `<svg>` element, or a short paragraph when `stats` is empty.
    public static func svg(_ stats: [GenerationStats]) -> String {
        guard let first = stats.first, let last = stats.last else {
            return #"<p class="empty">No generation committed yet.</p>"#
        }
        let values = stats.flatMap { [Double($0.bestConfidence), Double($0.meanConfidence)] }
            .filter(\.isFinite)
        let (lo, hi) = domain(values)
        let plotW = width - left - right, plotH = height - top - bottom
        let g0 = Double(first.index), g1 = Double(last.index)
        func x(_ g: Int) -> Double {
            g1 > g0 ? left + (Double(g) - g0) / (g1 - g0) * plotW : left + plotW / 2
        }
        func y(_ p: Double) -> Double {
            let t = (logit(p) - logit(lo)) / (logit(hi) - logit(lo))
            return top + (1 - min(1, max(0, t))) * plotH
        }
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-label="Best and mean confidence per generation" \
            xmlns="http://www.w3.org/2000/svg">

            """
        for p in tickCandidates where p >= lo && p <= hi {
            let yy = fmt(y(p))
            svg += """
                <line class="grid" x1="\(fmt(left))" x2="\(fmt(width - right))" y1="\(yy)" y2="\(yy)"/>\
                <text class="tick" x="\(fmt(left - 8))" y="\(yy)" dy="0.32em" text-anchor="end">\
                \(tickLabel(p))</text>

                """
        }
        for g in xTicks(from: first.index, to: last.index) {
            let xx = fmt(x(g))
            svg += """
                <line class="axis" x1="\(xx)" x2="\(xx)" y1="\(fmt(height - bottom))" \
                y2="\(fmt(height - bottom + 5))"/><text class="tick" x="\(xx)" \
                y="\(fmt(height - bottom + 19))" text-anchor="middle">\(g)</text>

                """
        }
        svg += """
            <line class="axis" x1="\(fmt(left))" x2="\(fmt(width - right))" \
            y1="\(fmt(height - bottom))" y2="\(fmt(height - bottom))"/>
            <text class="label" x="\(fmt(left + plotW / 2))" y="\(fmt(height - 6))" \
            text-anchor="middle">generation</text>
            <text class="label" x="14" y="\(fmt(top + plotH / 2))" text-anchor="middle" \
            transform="rotate(-90 14 \(fmt(top + plotH / 2)))">training confidence (log-odds scale)</text>

            """
        for (series, value) in [("mean", \GenerationStats.meanConfidence),
                                ("best", \GenerationStats.bestConfidence)] {
            let points = stats.map { s -> (Double, Double)? in
                let p = Double(s[keyPath: value])
                return p.isFinite ? (x(s.index), y(p)) : nil
            }
            for run in segments(points) {
                let list = run.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
                svg += "<polyline class=\"\(series)\" data-series=\"\(series)\" points=\"\(list)\"/>\n"
            }
            if stats.count <= 80 {
                for (s, point) in zip(stats, points) {
                    guard let point else { continue }
                    svg += "<circle class=\"\(series)\" cx=\"\(fmt(point.0))\" cy=\"\(fmt(point.1))\" "
                        + "r=\"3\"><title>generation \(s.index): \(series) "
                        + "\(HTML.escape(GalleryFormat.percent(s[keyPath: value])))</title></circle>\n"
                }
            }
        }
        svg += """
            <g class="legend" transform="translate(\(fmt(left + 8)) 14)">\
            <line class="best" x1="0" x2="22" y1="0" y2="0"/>\
            <text x="30" y="0" dy="0.32em">best in population</text>\
            <line class="mean" x1="170" x2="192" y1="0" y2="0"/>\
            <text x="200" y="0" dy="0.32em">population mean</text></g>
            </svg>
            """
        return svg
    }

    /// The y range: the tightest pair of tick candidates around `values` (clamped to the
    /// candidates' span), at least two ticks apart.
    static func domain(_ values: [Double]) -> (Double, Double) {
        let ticks = tickCandidates
        guard let minimum = values.min(), let maximum = values.max() else { return (0.1, 0.9) }
        var lo = ticks.lastIndex { $0 <= minimum } ?? 0
        var hi = ticks.firstIndex { $0 >= maximum } ?? ticks.count - 1
        if hi <= lo {
            if hi < ticks.count - 1 { hi += 1 } else { lo -= 1 }
        }
        return (ticks[lo], ticks[hi])
    }

    /// Up to about 8 generation ticks at steps of 1, 2 or 5 × 10ⁿ.
    static func xTicks(from g0: Int, to g1: Int) -> [Int] {
        let span = max(1, g1 - g0)
        var magnitude = 1
        var step = 1
        search: while true {
            for multiple in [1, 2, 5] where span / (multiple * magnitude) <= 8 {
                step = multiple * magnitude
                break search
            }
            magnitude *= 10
        }
        let start = (g0 + step - 1) / step * step
        return Array(stride(from: start, through: g1, by: step))
    }

    /// `log(p / (1 − p))`, with `p` clamped to [1e-6, 1 − 1e-6].
    static func logit(_ p: Double) -> Double {
        let q = min(1 - 1e-6, max(1e-6, p))
        return log(q / (1 - q))
    }

    /// A tick label: `0.1%`, `50%`, `99.9%`.
    static func tickLabel(_ p: Double) -> String {
        String(format: "%g%%", (p * 100 * 1e6).rounded() / 1e6)
    }

    /// Runs of consecutive non-nil points.
    static func segments(_ points: [(Double, Double)?]) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = [[]]
        for point in points {
            if let point { runs[runs.count - 1].append(point) } else if !(runs.last?.isEmpty ?? true) {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    /// A coordinate with one decimal.
    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
