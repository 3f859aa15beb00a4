/// A legend placed outside the plot area — to the right when the names are short enough,
/// below otherwise — so that it never covers data.
struct Legend {
    struct Entry {
        var name: String
        var color: String
        var dash: String?
        var marker: MarkerShape?
        var showsLine: Bool
        /// A filled square swatch (bar charts), hatched like the bars when `hatched`.
        var bar: Bool = false
        var hatched: Bool = false
    }

    enum Placement {
        case right
        case below(columns: Int)
    }

    var entries: [Entry]
    var placement: Placement
    /// Space the legend takes: its width when on the right, its height when below.
    var extent: Double

    static let font = 11.5
    static let rowHeight = 18.0
    static let swatchWidth = 28.0

    var isEmpty: Bool { entries.isEmpty }

    /// Chooses the placement for a figure `width` × `height`: on the right when the widest
    /// entry takes at most 25 % of the width and the entries fit the plot height.
    init(entries: [Entry], width: Double, plotHeight: Double) {
        self.entries = entries
        let entryWidth = (entries.map { TextMetrics.width($0.name, size: Self.font) }.max() ?? 0) + Self.swatchWidth + 14
        if entries.isEmpty {
            placement = .right
            extent = 0
        } else if entryWidth <= width * 0.25 && Double(entries.count) * Self.rowHeight <= plotHeight {
            placement = .right
            extent = entryWidth + 8
        } else {
            let columns = max(1, min(entries.count, Int((width - 40) / entryWidth)))
            let rows = (entries.count + columns - 1) / columns
            placement = .below(columns: columns)
            extent = Double(rows) * Self.rowHeight + 6
        }
    }

    /// Draws the legend: on the right starting at (`x`, `top`), or below in columns across
    /// [`left`, `right`] starting at `top`.
    func draw(_ writer: inout SVGWriter, x: Double, top: Double, left: Double, right: Double) {
        switch placement {
        case .right:
            for (index, entry) in entries.enumerated() {
                drawEntry(&writer, entry, at: Point(x: x, y: top + Double(index) * Self.rowHeight + 8))
            }
        case .below(let columns):
            let columnWidth = (right - left) / Double(columns)
            for (index, entry) in entries.enumerated() {
                let column = index % columns, row = index / columns
                drawEntry(&writer, entry, at: Point(x: left + Double(column) * columnWidth, y: top + Double(row) * Self.rowHeight + 8))
            }
        }
    }

    private func drawEntry(_ writer: inout SVGWriter, _ entry: Entry, at p: Point) {
        if entry.bar {
            let swatch = Rect(x: p.x + 6, y: p.y - 6, width: 13, height: 13)
            writer.rect(swatch, fill: entry.color)
            if entry.hatched { BarChartRenderer.hatch(&writer, swatch) }
        }
        if entry.showsLine {
            writer.line(Point(x: p.x, y: p.y), Point(x: p.x + Self.swatchWidth - 4, y: p.y), stroke: entry.color, width: 2.2, dash: entry.dash)
        }
        if let marker = entry.marker {
            writer.marker(marker, at: Point(x: p.x + (Self.swatchWidth - 4) / 2, y: p.y), size: 7, color: entry.color)
        }
        writer.text(entry.name, at: Point(x: p.x + Self.swatchWidth + 2, y: p.y + 4), size: Self.font, fill: "#222")
    }
}
