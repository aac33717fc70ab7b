import Foundation
import Search

/// The inline SVG scatter of one generation's population over naturalness penalty (x, linear:
/// left is smoother) and training confidence (y, log-odds labelled in percent, as
/// `ConfidenceChart`), the Pareto front drawn larger and numbered (its size shown by the
/// marker's area), each front marker a link to its card (`#front-K`), so a user picks a point
/// and gets its render, its re-measured confidence and its formula.
public enum FrontChart {
    static let width = 960.0, height = 340.0
    static let left = 64.0, right = 24.0, top = 36.0, bottom = 46.0

    /// The chart; `anchors[k]` is the card id of the front's k-th member (0: the most confident),
    /// for the members that have a card.
    static func svg(_ front: PopulationFront, anchors: [Int: String]) -> String {
        let points = front.points
        guard !points.isEmpty else { return #"<p class="empty">The population of this generation is empty.</p>"# }
        let (lo, hi) = ConfidenceChart.domain(points.map { Double($0.confidence) }.filter(\.isFinite))
        let naturalness = points.map { Double($0.naturalness) }.filter(\.isFinite)
        let ticks = linearTicks(naturalness.min() ?? 0, naturalness.max() ?? 1)
        let x0 = ticks.first ?? 0, x1 = ticks.last ?? 1
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ v: Float) -> Double { left + (Double(v) - x0) / (x1 - x0) * plotW }
        func y(_ p: Float) -> Double {
            let t = (ConfidenceChart.logit(Double(p)) - ConfidenceChart.logit(lo))
                / (ConfidenceChart.logit(hi) - ConfidenceChart.logit(lo))
            return top + (1 - min(1, max(0, t))) * plotH
        }
        let fmt = ConfidenceChart.fmt
        var svg = """
            <svg class="chart front-chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-label="Population of generation \(front.generation) by naturalness and confidence, Pareto front numbered" \
            xmlns="http://www.w3.org/2000/svg">

            """
        for p in ConfidenceChart.tickCandidates where p >= lo && p <= hi {
            let yy = fmt(y(Float(p)))
            svg += "<line class=\"grid\" x1=\"\(fmt(left))\" x2=\"\(fmt(width - right))\" y1=\"\(yy)\" y2=\"\(yy)\"/>"
                + "<text class=\"tick\" x=\"\(fmt(left - 8))\" y=\"\(yy)\" dy=\"0.32em\" text-anchor=\"end\">"
                + "\(ConfidenceChart.tickLabel(p))</text>\n"
        }
        for t in ticks {
            let xx = fmt(x(Float(t)))
            svg += "<line class=\"axis\" x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(fmt(height - bottom))\" y2=\"\(fmt(height - bottom + 5))\"/>"
                + "<text class=\"tick\" x=\"\(xx)\" y=\"\(fmt(height - bottom + 19))\" text-anchor=\"middle\">\(tickText(t))</text>\n"
        }
        svg += """
            <line class="axis" x1="\(fmt(left))" x2="\(fmt(width - right))" y1="\(fmt(height - bottom))" y2="\(fmt(height - bottom))"/>
            <text class="label" x="\(fmt(left + plotW / 2))" y="\(fmt(height - 6))" text-anchor="middle">naturalness penalty (lower is smoother)</text>
            <text class="label" x="14" y="\(fmt(top + plotH / 2))" text-anchor="middle" \
            transform="rotate(-90 14 \(fmt(top + plotH / 2)))">training confidence (log-odds scale)</text>

            """
        let onFront = Set(front.front)
        let fewest = Double(points.map(\.nodes).min() ?? 1), most = Double(points.map(\.nodes).max() ?? 1)
        for point in points where !onFront.contains(point.index) && point.confidence.isFinite && point.naturalness.isFinite {
            svg += "<circle class=\"other\" cx=\"\(fmt(x(point.naturalness)))\" cy=\"\(fmt(y(point.confidence)))\" r=\"3\">"
                + "<title>dominated: \(HTML.escape(describe(point)))</title></circle>\n"
        }
        for (k, index) in front.front.enumerated() {
            let point = points[index]
            guard point.confidence.isFinite, point.naturalness.isFinite else { continue }
            // Area grows with the node count, from the population's smallest formula to its largest.
            let r = 4 + 8 * (most > fewest ? ((Double(point.nodes) - fewest) / (most - fewest)).squareRoot() : 0.5)
            let cx = fmt(x(point.naturalness)), cy = fmt(y(point.confidence))
            let anchor = anchors[k]
            let marker = "<circle class=\"front\" data-front=\"\(k + 1)\" cx=\"\(cx)\" cy=\"\(cy)\" r=\"\(fmt(r))\">"
                + "<title>\(k + 1): \(HTML.escape(describe(point)))\(anchor == nil ? " (not rendered)" : ", click for its render")</title></circle>"
                + "<text class=\"point\" x=\"\(cx)\" y=\"\(fmt(y(point.confidence) - r - 4))\" text-anchor=\"middle\">\(k + 1)</text>"
            svg += anchor.map { "<a href=\"#\(HTML.escape($0))\">\(marker)</a>\n" } ?? marker + "\n"
        }
        svg += """
            <g class="legend" transform="translate(\(fmt(left + 8)) 14)">\
            <circle class="front" cx="6" cy="0" r="6"/><text x="18" y="0" dy="0.32em">Pareto front (area: formula size)</text>\
            <circle class="other" cx="256" cy="0" r="3"/><text x="266" y="0" dy="0.32em">dominated</text></g>
            </svg>
            """
        return svg
    }

    /// "confidence 93.1%, naturalness 0.0213, 212 nodes".
    static func describe(_ point: PopulationFront.Point) -> String {
        "confidence \(GalleryFormat.percent(point.confidence)), naturalness \(GalleryFormat.number(point.naturalness)), \(point.nodes) nodes"
    }

    /// About five ticks at steps of 1, 2 or 5 × 10ⁿ covering [lo, hi] (a unit-wide span
    /// around a single value).
    public static func linearTicks(_ lo: Double, _ hi: Double) -> [Double] {
        var lo = lo, hi = hi
        if !(hi > lo) {
            let pad = max(abs(lo) * 0.1, 1e-3)
            lo -= pad
            hi += pad
        }
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = floor(lo / step) * step, last = ceil(hi / step) * step
        let count = Int(((last - first) / step).rounded())
        return (0...count).map { first + Double($0) * step }
    }

    /// A tick value without float noise: `0.02`, `1.5`, `10`.
    public static func tickText(_ v: Double) -> String {
        String(format: "%g", (v * 1e9).rounded() / 1e9)
    }
}
