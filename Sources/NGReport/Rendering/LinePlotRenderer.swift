import Foundation

/// Draws a ``LinePlot``: one line (dashed by series order) or set of markers per series, gaps
/// at values that cannot be drawn, dashed labelled reference lines, and a legend outside the
/// plot area.
enum LinePlotRenderer {
    static func render(_ plot: LinePlot, title: String, width: Int, height: Int) -> String {
        var writer = SVGWriter(width: width, height: height, title: title)
        let w = Double(width), h = Double(height)

        // Axes fitted to every drawable value, reference lines included.
        let xs = plot.series.flatMap(\.x)
        let ys = plot.series.flatMap(\.y) + plot.referenceLines.map(\.y)
        let xMapping = AxisMapping.fitted(plot.xAxis, values: xs, targetTicks: AxisMapping.linearTarget(length: w - 260))
        let yMapping = AxisMapping.fitted(plot.yAxis, values: ys, targetTicks: AxisMapping.linearTarget(length: h - 130))
        // Tick density from the approximate plot size (the exact frame depends on the labels).
        let yTicks = yMapping.ticks(length: h - 130, vertical: true)
        let xTicks = xMapping.ticks(length: w - 260, vertical: false)

        var notes: [String] = []
        if plot.series.allSatisfy({ $0.x.isEmpty }) { notes.append("No data to plot.") }
        for (axis, values) in [(plot.xAxis, xs), (plot.yAxis, plot.series.flatMap(\.y))] where axis.scale == .log {
            let hidden = values.filter { $0.isFinite && $0 <= 0 }.count
            if hidden > 0 { notes.append("\(hidden) value\(hidden == 1 ? "" : "s") ≤ 0 not shown on the logarithmic \(axis.label) axis.") }
        }

        let entries = plot.series.enumerated().map { index, series in
            Legend.Entry(
                name: series.name, color: Palette.color(index), dash: Palette.dash(index),
                marker: series.style == .line ? nil : Palette.marker(index), showsLine: series.style != .markers)
        }
        let titleHeight = title.isEmpty ? 12.0 : 36.0
        let left = 24 + 10 + AxisDrawing.labelWidth(yTicks) + 8
        let noteHeight = Double(notes.count) * 14
        var legend = Legend(entries: entries, width: w, plotHeight: h - titleHeight - 60)
        if entries.count <= 1 && plot.series.first?.name.isEmpty ?? true { legend = Legend(entries: [], width: w, plotHeight: h) }
        var right = 16.0
        var bottom = 50 + noteHeight
        switch legend.placement {
        case .right: right += legend.extent
        case .below: bottom += legend.extent + 6
        }
        let frame = Rect(x: left, y: titleHeight, width: max(w - left - right, 40), height: max(h - titleHeight - bottom, 40))
        let area = PlotArea(frame: frame, x: xMapping, y: yMapping)

        if !title.isEmpty { writer.text(title, at: Point(x: frame.x, y: 22), size: 15, weight: "600", fill: "#111") }
        AxisDrawing.grid(&writer, area: area, xTicks: xTicks, yTicks: yTicks)

        // Reference lines under the data.
        for reference in plot.referenceLines {
            guard let py = area.pixelY(reference.y), py >= frame.y, py <= frame.maxY else { continue }
            writer.line(Point(x: frame.x, y: py), Point(x: frame.maxX, y: py), stroke: "#777", width: 1.2, dash: "5 4")
            writer.text(reference.label, at: Point(x: frame.maxX - 6, y: py - 5), size: 10.5, anchor: .end, fill: "#555", halo: true)
        }

        for (index, series) in plot.series.enumerated() {
            let points = zip(series.x, series.y).map { area.point($0, $1) }
            let color = Palette.color(index)
            if series.style != .markers {
                writer.path(Clipping.pathData(points, clippedTo: frame), stroke: color, width: 2, dash: Palette.dash(index))
            }
            let drawable = points.compactMap { $0 }.filter { frame.contains($0) }
            var markerPoints: [Point] = []
            switch series.style {
            case .markers: markerPoints = drawable
            case .lineAndMarkers:
                let every = max(1, (drawable.count + 29) / 30)
                markerPoints = drawable.enumerated().filter { $0.offset % every == 0 || $0.offset == drawable.count - 1 }.map(\.element)
            case .line:
                // A lone point has no line: show it as a marker.
                if drawable.count == 1 { markerPoints = drawable }
            }
            let size = markerPoints.count > 150 ? 4.5 : 6.5
            for point in markerPoints {
                writer.marker(Palette.marker(index), at: point, size: size, color: color)
            }
        }

        AxisDrawing.axes(&writer, area: area, xTicks: xTicks, yTicks: yTicks, xLabel: plot.xAxis.label, yLabel: plot.yAxis.label, yLabelX: 16)
        switch legend.placement {
        case .right:
            legend.draw(&writer, x: frame.maxX + 14, top: frame.y, left: 0, right: 0)
        case .below:
            legend.draw(&writer, x: 0, top: frame.maxY + 50, left: frame.x, right: w - 10)
        }
        AxisDrawing.notes(&writer, notes, bottom: h - 6)
        return writer.document()
    }
}
