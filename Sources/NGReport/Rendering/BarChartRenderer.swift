import Foundation

/// Draws a ``BarChart``: one group of bars per category, one bar per series (colour plus
/// white hatching on every second series, so groups stay readable in grey), a linear value
/// axis starting at zero or a logarithmic one, category labels rotated when they are long,
/// and value labels on the bars when there are few.
enum BarChartRenderer {
    static func render(_ chart: BarChart, title: String, width: Int, height: Int) -> String {
        var writer = SVGWriter(width: width, height: height, title: title)
        let w = Double(width), h = Double(height)
        let values = chart.series.flatMap(\.values)
        let yMapping = AxisMapping.fitted(
            chart.yAxis, values: values, includeZero: chart.yAxis.scale == .linear, targetTicks: AxisMapping.linearTarget(length: h - 150))
        let yTicks = yMapping.ticks(length: h - 150, vertical: true)
        var notes: [String] = []
        if chart.yAxis.scale == .log {
            let hidden = values.filter { $0.isFinite && $0 <= 0 }.count
            if hidden > 0 { notes.append("\(hidden) value\(hidden == 1 ? "" : "s") ≤ 0 not shown on the logarithmic axis.") }
        }
        if chart.categories.isEmpty || chart.series.isEmpty { notes.append("No data to plot.") }

        let showLegend = chart.series.count > 1 || !(chart.series.first?.name.isEmpty ?? true)
        let entries = showLegend ? chart.series.enumerated().map { index, series in
            Legend.Entry(name: series.name, color: Palette.color(index), dash: nil, marker: nil, showsLine: false, bar: true, hatched: index % 2 == 1)
        } : []
        let titleHeight = title.isEmpty ? 12.0 : 36.0
        let left = 24 + 10 + AxisDrawing.labelWidth(yTicks) + 8
        let legend = Legend(entries: entries, width: w, plotHeight: h - titleHeight - 100)
        var right = 16.0
        if case .right = legend.placement, !entries.isEmpty { right += legend.extent }
        let plotWidth = max(w - left - right, 40)
        let groupWidth = plotWidth / Double(max(chart.categories.count, 1))
        let widestCategory = chart.categories.map { TextMetrics.width($0, size: AxisDrawing.tickFont) }.max() ?? 0
        let rotate = widestCategory > groupWidth - 6
        let angle = 35.0 * Double.pi / 180
        let categoryHeight = rotate ? min(widestCategory * sin(angle) + 12, h * 0.3) : 0
        var bottom = 30 + categoryHeight + Double(notes.count) * 14
        if case .below = legend.placement, !entries.isEmpty { bottom += legend.extent + 6 }
        let frame = Rect(x: left, y: titleHeight, width: plotWidth, height: max(h - titleHeight - bottom, 40))
        // x is unused by bars: a dummy linear mapping.
        let area = PlotArea(frame: frame, x: AxisMapping(scale: .linear, lower: 0, upper: 1, threshold: 1), y: yMapping)

        if !title.isEmpty { writer.text(title, at: Point(x: frame.x, y: 22), size: 15, weight: "600", fill: "#111") }
        AxisDrawing.grid(&writer, area: area, xTicks: nil, yTicks: yTicks)

        let seriesCount = max(chart.series.count, 1)
        let barWidth = groupWidth * 0.8 / Double(seriesCount)
        let baseValue = chart.yAxis.scale == .linear ? min(max(0, yMapping.lower), yMapping.upper) : yMapping.lower
        let basePixel = area.pixelY(baseValue) ?? frame.maxY
        let labelBars = chart.categories.count * seriesCount <= 24 && barWidth >= 16
        for (seriesIndex, series) in chart.series.enumerated() {
            let color = Palette.color(seriesIndex)
            for (categoryIndex, value) in series.values.enumerated() where categoryIndex < chart.categories.count {
                guard let top = area.pixelY(value) else { continue }
                let x = frame.x + groupWidth * (Double(categoryIndex) + 0.1) + barWidth * Double(seriesIndex)
                let clampedTop = min(max(top, frame.y), frame.maxY)
                let bar = Rect(x: x + 0.5, y: min(clampedTop, basePixel), width: max(barWidth - 1, 1), height: abs(basePixel - clampedTop))
                writer.rect(bar, fill: color)
                if seriesIndex % 2 == 1 { hatch(&writer, bar) }
                if labelBars {
                    // Above the bar (below for negative values); inside it, in white, where
                    // that would leave the plot area.
                    let above = value >= baseValue
                    var y = above ? bar.y - 4 : bar.maxY + 12
                    var fill = "#333"
                    if above && y < frame.y + 10 && bar.height > 16 || !above && y > frame.maxY - 2 && bar.height > 16 {
                        y = above ? bar.y + 12 : bar.maxY - 4
                        fill = "#fff"
                    }
                    writer.text(XMLText.compactNumber(value, digits: 3), at: Point(x: bar.x + bar.width / 2, y: y), size: 9.5, anchor: .middle, weight: fill == "#fff" ? "600" : nil, fill: fill)
                }
            }
        }
        if chart.yAxis.scale == .linear, yMapping.lower < 0, yMapping.upper > 0 {
            writer.line(Point(x: frame.x, y: basePixel), Point(x: frame.maxX, y: basePixel), stroke: "#555", width: 1)
        }
        AxisDrawing.axes(&writer, area: area, xTicks: nil, yTicks: yTicks, xLabel: nil, yLabel: chart.yAxis.label, yLabelX: 16)
        for (index, category) in chart.categories.enumerated() {
            let x = frame.x + groupWidth * (Double(index) + 0.5)
            if rotate {
                writer.text(category, at: Point(x: x + 4, y: frame.maxY + 14), size: AxisDrawing.tickFont, anchor: .end, fill: "#333", rotate: -35)
            } else {
                writer.text(category, at: Point(x: x, y: frame.maxY + 18), size: AxisDrawing.tickFont, anchor: .middle, fill: "#333")
            }
        }
        switch legend.placement {
        case .right: legend.draw(&writer, x: frame.maxX + 14, top: frame.y, left: 0, right: 0)
        case .below: legend.draw(&writer, x: 0, top: frame.maxY + 26 + categoryHeight, left: frame.x, right: w - 10)
        }
        AxisDrawing.notes(&writer, notes, bottom: h - 6)
        return writer.document()
    }

    /// White diagonal hatching inside `bar`.
    static func hatch(_ writer: inout SVGWriter, _ bar: Rect) {
        guard bar.width > 2, bar.height > 2 else { return }
        var data = ""
        var offset = -bar.height
        while offset < bar.width {
            let a = Point(x: bar.x + offset, y: bar.maxY), b = Point(x: bar.x + offset + bar.height, y: bar.y)
            if let (p, q) = Clipping.clip(a, b, to: bar) {
                data += "M\(SVGNumber.format(p.x)) \(SVGNumber.format(p.y))L\(SVGNumber.format(q.x)) \(SVGNumber.format(q.y))"
            }
            offset += 6
        }
        writer.path(data, stroke: "#fff", width: 1.3, extra: "stroke-opacity=\"0.75\"")
    }
}
