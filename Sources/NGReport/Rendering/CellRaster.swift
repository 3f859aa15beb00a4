/// Draws a grid of coloured cells compactly: runs of equal colour along a row merge into one
/// rectangle, and all rectangles of one colour go into one path, so a 200 × 200 heatmap stays
/// a few hundred kilobytes of SVG and needs no element ids or embedded images.
enum CellRaster {
    /// Cell (r, c) spans `columnEdges[c]…columnEdges[c+1]` × `rowEdges[r]…rowEdges[r+1]` in
    /// pixels and is painted `palette[colorIndex[r][c]]` (a negative index leaves it blank).
    static func draw(_ writer: inout SVGWriter, columnEdges: [Double], rowEdges: [Double], colorIndex: [[Int]], palette: [String]) {
        var paths = Array(repeating: "", count: palette.count)
        let n = SVGNumber.format
        for (row, indices) in colorIndex.enumerated() where row + 1 < rowEdges.count {
            let top = min(rowEdges[row], rowEdges[row + 1]), bottom = max(rowEdges[row], rowEdges[row + 1])
            var start = 0
            while start < indices.count && start + 1 < columnEdges.count {
                let color = indices[start]
                var end = start + 1
                while end < indices.count && end + 1 < columnEdges.count && indices[end] == color { end += 1 }
                if color >= 0 && color < palette.count {
                    let left = min(columnEdges[start], columnEdges[end]), right = max(columnEdges[start], columnEdges[end])
                    paths[color] += "M\(n(left)) \(n(top))H\(n(right))V\(n(bottom))H\(n(left))z"
                }
                start = end
            }
        }
        writer.raw("<g shape-rendering=\"crispEdges\">\n")
        for (color, data) in zip(palette, paths) where !data.isEmpty {
            writer.path(data, fill: color)
        }
        writer.raw("</g>\n")
    }
}

/// Colour bars for contour plots (discrete bands) and heatmaps (a continuous scale).
enum ColorBar {
    static let width = 14.0

    /// Bands of equal height, bottom to top in `colors`, with the level values at the
    /// boundaries between them (`boundaryLabels.count == colors.count - 1`), thinned to fit.
    static func drawDiscrete(_ writer: inout SVGWriter, frame: Rect, colors: [String], boundaryLabels: [String], label: String) {
        guard !colors.isEmpty else { return }
        let bandHeight = frame.height / Double(colors.count)
        for (index, color) in colors.enumerated() {
            let y = frame.maxY - Double(index + 1) * bandHeight
            writer.rect(Rect(x: frame.x, y: y, width: frame.width, height: bandHeight + 0.3), fill: color)
        }
        writer.rect(frame, fill: "none", stroke: "#555", strokeWidth: 0.8)
        let every = max(1, Int((15 / bandHeight).rounded(.up)))
        for (index, text) in boundaryLabels.enumerated() where index % every == 0 {
            let y = frame.maxY - Double(index + 1) * bandHeight
            writer.line(Point(x: frame.maxX, y: y), Point(x: frame.maxX + 4, y: y), stroke: "#555")
            writer.text(text, at: Point(x: frame.maxX + 6, y: y + 3.5), size: 10, fill: "#333")
        }
        drawLabel(&writer, frame: frame, label: label, boundaryLabels: boundaryLabels)
    }

    /// A continuous scale: `steps` thin bands coloured by `color(fraction)`, with `ticks` placed
    /// by `mapping`.
    static func drawContinuous(
        _ writer: inout SVGWriter, frame: Rect, steps: Int = 64, color: (Double) -> String, mapping: AxisMapping, ticks: [Tick], label: String
    ) {
        let bandHeight = frame.height / Double(steps)
        for step in 0..<steps {
            let y = frame.maxY - Double(step + 1) * bandHeight
            writer.rect(Rect(x: frame.x, y: y, width: frame.width, height: bandHeight + 0.3), fill: color((Double(step) + 0.5) / Double(steps)))
        }
        writer.rect(frame, fill: "none", stroke: "#555", strokeWidth: 0.8)
        for tick in ticks {
            guard let fraction = mapping.fraction(tick.value), fraction >= -1e-9, fraction <= 1 + 1e-9 else { continue }
            let y = frame.maxY - fraction * frame.height
            writer.line(Point(x: frame.maxX, y: y), Point(x: frame.maxX + (tick.isMajor ? 4 : 2), y: y), stroke: "#555")
            if !tick.label.isEmpty { writer.text(tick.label, at: Point(x: frame.maxX + 6, y: y + 3.5), size: 10, fill: "#333") }
        }
        drawLabel(&writer, frame: frame, label: label, boundaryLabels: ticks.map(\.label))
    }

    /// The bar's label, rotated, right of the tick labels.
    private static func drawLabel(_ writer: inout SVGWriter, frame: Rect, label: String, boundaryLabels: [String]) {
        guard !label.isEmpty else { return }
        let labelWidth = boundaryLabels.map { TextMetrics.width($0, size: 10) }.max() ?? 0
        writer.text(label, at: Point(x: frame.maxX + 12 + labelWidth + 8, y: frame.y + frame.height / 2), size: 11.5, anchor: .middle, fill: "#222", rotate: 90)
    }

    /// The horizontal space a bar with these tick labels and label needs, gap included.
    static func extent(labels: [String], label: String) -> Double {
        let labelWidth = labels.map { TextMetrics.width($0, size: 10) }.max() ?? 0
        return 16 + width + 6 + labelWidth + (label.isEmpty ? 4 : 22)
    }
}
