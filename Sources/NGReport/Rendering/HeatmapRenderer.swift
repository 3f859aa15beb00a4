import Foundation

/// Draws a ``Heatmap``: square cells coloured with viridis (by log₁₀ of the value when
/// logarithmic), row 0 at the top as in a printed matrix, block boundaries as cased lines,
/// index ticks, and a colour bar with its label. Matrices larger than 200 × 200 are shown
/// averaged over blocks, and the figure says so.
enum HeatmapRenderer {
    static let maximumCells = 200
    /// Log colour scales cover at most this many decades below the largest value.
    static let maximumDecades = 10.0

    static func render(_ map: Heatmap, title: String, width: Int, height: Int) -> String {
        var writer = SVGWriter(width: width, height: height, title: title)
        let w = Double(width), h = Double(height)
        var notes: [String] = []

        let rows = map.values.count
        let columns = map.values.map(\.count).max() ?? 0
        let factor = max(1, Int((Double(max(rows, columns)) / Double(maximumCells)).rounded(.up)))
        let cells = downsampled(map.values, rows: rows, columns: columns, factor: factor)
        if factor > 1 {
            notes.append("Downsampled from \(rows) × \(columns) by averaging \(factor) × \(factor) blocks.")
        }
        if rows == 0 || columns == 0 { notes.append("No data to plot.") }

        // Colour scale.
        let finite = cells.joined().filter { $0.isFinite && (!map.logarithmic || $0 > 0) }
        var scaleAxis = Axis(map.colorLabel, scale: map.logarithmic ? .log : .linear)
        if map.logarithmic, let largest = finite.max(), let smallest = finite.min(), smallest < largest * pow(10, -maximumDecades) {
            scaleAxis.minimum = largest * pow(10, -maximumDecades)
            notes.append("Values below 10⁻\(Int(maximumDecades)) × the largest are drawn in the lowest colour.")
        }
        if map.logarithmic, cells.joined().contains(where: { $0.isFinite && $0 <= 0 }) {
            notes.append("Values ≤ 0 are drawn in the lowest colour.")
        }
        var colorMapping = AxisMapping.fitted(scaleAxis, values: finite, targetTicks: 5)
        if map.logarithmic, let largest = finite.max() {
            // Tight limits: the colours span the data, not padding.
            colorMapping.upper = largest
            colorMapping.lower = max(finite.min() ?? largest / 10, scaleAxis.minimum ?? 0)
            if colorMapping.lower >= colorMapping.upper { colorMapping.lower = colorMapping.upper / 10 }
        }
        let colorTicks = colorMapping.ticks(length: h - 110, vertical: true)

        // Layout: square cells as large as fit, colour bar on the right.
        let titleHeight = title.isEmpty ? 12.0 : 36.0
        let tickLabels = AxisTicks.linear(from: 0, to: Double(max(rows, columns) - 1), targetCount: 5).map(\.label)
        let left = 24 + 10 + (tickLabels.map { TextMetrics.width($0, size: AxisDrawing.tickFont) }.max() ?? 10) + 8
        let top = titleHeight + 34
        let barExtent = ColorBar.extent(labels: colorTicks.map(\.label), label: map.colorLabel)
        let bottom = 12 + Double(notes.count) * 14
        let shownRows = cells.count, shownColumns = cells.map(\.count).max() ?? 0
        let available = (width: w - left - barExtent - 16, height: h - top - bottom)
        let cellSize = max(0.5, min(available.width / Double(max(shownColumns, 1)), available.height / Double(max(shownRows, 1))))
        let frame = Rect(x: left, y: top, width: cellSize * Double(shownColumns), height: cellSize * Double(shownRows))

        if !title.isEmpty { writer.text(title, at: Point(x: 10, y: 22), size: 15, weight: "600", fill: "#111") }

        // Cells, quantised to 64 colours.
        let levels = 64
        let palette = (0..<levels).map { ColorMap.viridis((Double($0) + 0.5) / Double(levels)) }
        let indices: [[Int]] = cells.map { row in
            row.map { value in
                guard value.isFinite else { return -1 }
                if map.logarithmic && value <= 0 { return 0 }
                guard let fraction = colorMapping.fraction(value) else { return 0 }
                return min(max(Int(fraction * Double(levels)), 0), levels - 1)
            }
        }
        if shownRows > 0 && shownColumns > 0 {
            CellRaster.draw(
                &writer, columnEdges: (0...shownColumns).map { frame.x + Double($0) * cellSize },
                rowEdges: (0...shownRows).map { frame.y + Double($0) * cellSize }, colorIndex: indices, palette: palette)
            writer.rect(frame, fill: "none", stroke: "#555", strokeWidth: 0.8)
        }

        // Block boundaries: a dark line under a white one, visible on every colour.
        for boundary in map.blockBoundaries where boundary > 0 {
            let position = Double(boundary) / Double(factor) * cellSize
            var data = ""
            if boundary < rows {
                data += "M\(SVGNumber.format(frame.x)) \(SVGNumber.format(frame.y + position))H\(SVGNumber.format(frame.maxX))"
            }
            if boundary < columns {
                data += "M\(SVGNumber.format(frame.x + position)) \(SVGNumber.format(frame.y))V\(SVGNumber.format(frame.maxY))"
            }
            writer.path(data, stroke: "#000", width: 2.6, extra: "stroke-opacity=\"0.6\"")
            writer.path(data, stroke: "#fff", width: 1.2)
        }

        // Index ticks (of the original matrix) on the top and left.
        for tick in AxisTicks.linear(from: 0, to: Double(max(columns - 1, 1)), targetCount: 5) where Int(tick.value) < columns {
            let x = frame.x + (tick.value / Double(factor) + 0.5 / Double(factor)) * cellSize
            writer.line(Point(x: x, y: frame.y), Point(x: x, y: frame.y - 4), stroke: "#555")
            writer.text(tick.label, at: Point(x: x, y: frame.y - 7), size: AxisDrawing.tickFont, anchor: .middle, fill: "#333")
        }
        for tick in AxisTicks.linear(from: 0, to: Double(max(rows - 1, 1)), targetCount: 5) where Int(tick.value) < rows {
            let y = frame.y + (tick.value / Double(factor) + 0.5 / Double(factor)) * cellSize
            writer.line(Point(x: frame.x - 4, y: y), Point(x: frame.x, y: y), stroke: "#555")
            writer.text(tick.label, at: Point(x: frame.x - 7, y: y + 4), size: AxisDrawing.tickFont, anchor: .end, fill: "#333")
        }
        writer.text("column index", at: Point(x: frame.x + frame.width / 2, y: frame.y - 22), size: 11, anchor: .middle, fill: "#555")
        writer.text("row index", at: Point(x: 16, y: frame.y + frame.height / 2), size: 11, anchor: .middle, fill: "#555", rotate: -90)

        if !finite.isEmpty {
            let barFrame = Rect(x: frame.maxX + 16, y: frame.y, width: ColorBar.width, height: max(frame.height, 60))
            ColorBar.drawContinuous(
                &writer, frame: barFrame, color: { ColorMap.viridis($0) }, mapping: colorMapping, ticks: colorTicks, label: map.colorLabel)
        }
        AxisDrawing.notes(&writer, notes, bottom: h - 6)
        return writer.document()
    }

    /// `values` averaged over `factor` × `factor` blocks (non-finite entries left out of each
    /// mean; a block with none finite is NaN); ragged rows are padded with NaN.
    static func downsampled(_ values: [[Double]], rows: Int, columns: Int, factor: Int) -> [[Double]] {
        if factor == 1 {
            return values.map { $0.count == columns ? $0 : $0 + Array(repeating: .nan, count: columns - $0.count) }
        }
        let shownRows = (rows + factor - 1) / factor, shownColumns = (columns + factor - 1) / factor
        var result = Array(repeating: Array(repeating: Double.nan, count: shownColumns), count: shownRows)
        for r in 0..<shownRows {
            for c in 0..<shownColumns {
                var sum = 0.0, count = 0
                for i in (r * factor)..<min((r + 1) * factor, rows) {
                    let row = values[i]
                    for j in (c * factor)..<min((c + 1) * factor, columns) where j < row.count && row[j].isFinite {
                        sum += row[j]
                        count += 1
                    }
                }
                if count > 0 { result[r][c] = sum / Double(count) }
            }
        }
        return result
    }
}
