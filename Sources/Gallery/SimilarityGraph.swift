import Search

/// An atlas's nearest-neighbour graph: one edge from each drawn cell to the class its elite
/// most resembles besides its own (`CellVerdict.nearest`, the robust reading's runner-up).
///
/// Drawn are the filled cells at `minimumRobust` or above: below it the elite does not show its
/// class yet, and its runner-up says what the picture is rather than what the class resembles
/// (a young atlas of 1000 cells would be a few stars of hundreds of such edges). Every drawn
/// node has one outgoing edge, so each component is a tree flowing into a cycle (mostly a pair
/// of classes that are each other's nearest). Drawn cells are coloured by their robust level
/// and link to their card; a nearest class that is not drawn is dashed (linked to its card if
/// it has one). Laid out by `sfdp` with an ideal edge of 0.8 in (`K`) and 10 pt kept free
/// around each label (`sep`), so every arrow shows; each component alone, then packed (`pack`).
struct SimilarityGraph {
    /// Robust confidence a cell needs to be drawn with its edge.
    static let minimumRobust: Float = 0.1
    /// `minimumRobust` for people: `10 %`.
    static var thresholdText: String { String(format: "%g %%", Double(minimumRobust) * 100) }

    /// The verdicts of the cells drawn with an edge (robust ≥ `minimumRobust`), by cell.
    let verdicts: [CellVerdict]
    /// Filled cells left out for being below `minimumRobust`.
    let leftOut: Int
    /// Every filled cell (those have a card to link to).
    let filled: Set<Int>
    /// Short class names by class index, for every cell and every nearest class.
    let names: [Int: String]

    /// The graph of the filled cells with `verdicts`.
    init(verdicts all: [CellVerdict], names: [Int: String]) {
        verdicts = all.filter { $0.robust >= Self.minimumRobust }.sorted { $0.cell < $1.cell }
        leftOut = all.count - verdicts.count
        filled = Set(all.map(\.cell))
        self.names = names
    }

    /// The robust levels the nodes are coloured by, highest first: lower bound, label, fill and
    /// text colours. Below the last: `belowLevels`.
    static let levels: [(bound: Float, label: String, fill: String, text: String)] = [
        (0.99, "≥ 99 %", "#8bd5a0", "#0e1014"),
        (0.9, "≥ 90 %", "#7cc4ff", "#0e1014"),
        (0.5, "≥ 50 %", "#f0c674", "#0e1014"),
    ]
    static let belowLevels = (label: "< 50 %", fill: "#3a4150", text: "#e7e9ee")
    static let edgeColour = "#7d8596", ghostText = "#9aa3b2"
    static let font = "Helvetica,Arial,sans-serif"

    /// The fill and text colour of a cell at `robust`.
    static func colours(_ robust: Float) -> (fill: String, text: String) {
        if let level = levels.first(where: { robust >= $0.bound }) { return (level.fill, level.text) }
        return (belowLevels.fill, belowLevels.text)
    }

    /// The graph in Graphviz's DOT language, nodes and edges ordered by cell (same verdicts,
    /// same text). Node links point to `index.html#cell-N` (the card) and open in the top window,
    /// so they work from the page and from `graph.svg` alone.
    func dot() -> String {
        let drawn = Set(verdicts.map(\.cell))
        let ordered = verdicts
        var lines = [
            "digraph nearest {",
            "  graph [bgcolor=\"transparent\", overlap=\"prism\", sep=\"+10\", K=\"0.8\", pack=\"true\", "
                + "splines=\"false\", outputorder=\"edgesfirst\", pad=\"0.15\", fontname=\(Self.quoted(Self.font))]",
            "  node [shape=\"box\", style=\"rounded,filled\", fontname=\(Self.quoted(Self.font)), fontsize=\"10\", "
                + "penwidth=\"0\", margin=\"0.06,0.02\", width=\"0\", height=\"0.22\", target=\"_top\"]",
            "  edge [color=\"\(Self.edgeColour)\", arrowsize=\"0.6\", penwidth=\"0.8\", target=\"_top\"]",
        ]
        for v in ordered {
            let (fill, text) = Self.colours(v.robust)
            lines.append("  \(Self.id(v.cell)) [label=\(Self.quoted(name(v.cell))), "
                + "fillcolor=\"\(fill)\", fontcolor=\"\(text)\", id=\"graph_cell_\(v.cell)\", "
                + "URL=\"index.html#cell-\(v.cell)\", tooltip=\(Self.quoted(nodeTitle(v)))]")
        }
        for ghost in Set(ordered.map(\.nearest)).subtracting(drawn).sorted() {
            let link = filled.contains(ghost) ? "URL=\"index.html#cell-\(ghost)\", " : ""
            lines.append("  \(Self.id(ghost)) [label=\(Self.quoted(name(ghost))), style=\"rounded,dashed\", "
                + "penwidth=\"0.8\", color=\"\(Self.edgeColour)\", fontcolor=\"\(Self.ghostText)\", "
                + "id=\"graph_class_\(ghost)\", \(link)tooltip=\(Self.quoted(ghostTitle(ghost)))]")
        }
        for v in ordered {
            lines.append("  \(Self.id(v.cell)) -> \(Self.id(v.nearest)) [id=\"graph_edge_\(v.cell)\", "
                + "tooltip=\(Self.quoted(edgeTitle(v)))]")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Graphviz's SVG made ready to sit inside the page: the XML prologue and comments dropped,
    /// the `<title>` of each node and edge (Graphviz writes its DOT id there, which browsers
    /// show on hover) replaced by the same text as its tooltip.
    func inline(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return svg }
        var body = String(svg[start.lowerBound...])
        var titles: [String: String] = [:]
        for v in verdicts {
            titles[Self.id(v.cell)] = nodeTitle(v)
            titles["\(Self.id(v.cell))&#45;&gt;\(Self.id(v.nearest))"] = edgeTitle(v)
            titles[Self.id(v.nearest)] = titles[Self.id(v.nearest)] ?? ghostTitle(v.nearest)
        }
        body = Self.removingComments(body)
        var out = ""
        var rest = Substring(body)
        while let open = rest.range(of: "<title>"), let close = rest[open.upperBound...].range(of: "</title>") {
            let key = String(rest[open.upperBound..<close.lowerBound])
            out += rest[..<open.upperBound]
            out += titles[key].map(HTML.escape) ?? key
            out += "</title>"
            rest = rest[close.upperBound...]
        }
        out += rest
        return out.replacingOccurrences(of: "<svg ", with: "<svg class=\"similarity\" ", options: [], range: nil)
    }

    // MARK: Text

    private func name(_ cell: Int) -> String { names[cell] ?? "class \(cell)" }

    private func nodeTitle(_ v: CellVerdict) -> String {
        "\(name(v.cell)): \(GalleryFormat.percent(v.robust)) robust; nearest \(name(v.nearest)) "
            + GalleryFormat.percent(v.nearestProbability)
    }

    private func ghostTitle(_ cell: Int) -> String {
        filled.contains(cell) ? "\(name(cell)) (its elite is below \(Self.thresholdText) robust)"
            : "\(name(cell)) (no elite in this atlas)"
    }

    private func edgeTitle(_ v: CellVerdict) -> String {
        "\(name(v.cell)) → \(name(v.nearest)): \(GalleryFormat.percent(v.nearestProbability)) on \(name(v.cell))'s elite"
    }

    /// The DOT id of a class's node.
    static func id(_ cell: Int) -> String { "c\(cell)" }

    /// `text` as a DOT string: quoted, with `\` and `"` escaped and line breaks as spaces.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for ch in text {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out + "\""
    }

    /// `svg` without `<!-- … -->` comments.
    static func removingComments(_ svg: String) -> String {
        var out = ""
        var rest = Substring(svg)
        while let open = rest.range(of: "<!--") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "-->") else { return out }
            rest = rest[close.upperBound...]
            if rest.first == "\n" { rest = rest.dropFirst() }
        }
        return out + rest
    }
}
