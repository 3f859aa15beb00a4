import Foundation

/// Draws a ``ContourPlot``: filled bands between levels (light viridis), the contour lines
/// (marching squares), a colour bar of the levels, trajectories as lines with markers and a
/// legend, and labelled points.
enum ContourRenderer {
    static func render(_ plot: ContourPlot, title: String, width: Int, height: Int) -> String {
        var writer = SVGWriter(width: width, height: height, title: title)
        let w = Double(width), h = Double(height)
        var notes: [String] = []

        // The axes span the grid exactly.
        var xAxis = plot.xAxis, yAxis = plot.yAxis
        if xAxis.minimum == nil { xAxis.minimum = plot.xs.first }
        if xAxis.maximum == nil { xAxis.maximum = plot.xs.last }
        if yAxis.minimum == nil { yAxis.minimum = plot.ys.first }
        if yAxis.maximum == nil { yAxis.maximum = plot.ys.last }
        let trajectoryXs = plot.trajectories.flatMap(\.x), trajectoryYs = plot.trajectories.flatMap(\.y)
        let xMapping = AxisMapping.fitted(xAxis, values: plot.xs + trajectoryXs)
        let yMapping = AxisMapping.fitted(yAxis, values: plot.ys + trajectoryYs)
        let xTicks = xMapping.ticks(length: w - 220, vertical: false), yTicks = yMapping.ticks(length: h - 140, vertical: true)

        let levels = (plot.levels ?? MarchingSquares.automaticLevels(plot.values, logarithmic: plot.logarithmicLevels))
            .filter(\.isFinite).sorted()
        if plot.xs.count < 2 || plot.ys.count < 2 { notes.append("The grid has fewer than 2 points along an axis: no contours.") }
        let levelLabels = distinctLabels(levels)

        // Legend below for the trajectories and points, colour bar on the right.
        var entries = plot.trajectories.enumerated().map { index, series in
            Legend.Entry(name: series.name, color: Palette.color(index), dash: Palette.dash(index), marker: Palette.marker(index), showsLine: true)
        }
        if !plot.points.isEmpty && entries.count > 0 {
            entries.append(Legend.Entry(name: "labelled point", color: "#111", dash: nil, marker: .star, showsLine: false))
        }
        let colorBarExtent = levels.isEmpty ? 0 : ColorBar.extent(labels: levelLabels, label: plot.valueLabel)
        let titleHeight = title.isEmpty ? 12.0 : 36.0
        let left = 24 + 10 + AxisDrawing.labelWidth(yTicks) + 8
        let right = 16 + colorBarExtent
        var legend = Legend(entries: entries, width: w - 40, plotHeight: 0)  // plotHeight 0 forces the legend below
        if entries.isEmpty { legend = Legend(entries: [], width: w, plotHeight: h) }
        let bottom = 50 + (entries.isEmpty ? 0 : legend.extent + 6) + Double(notes.count) * 14
        let frame = Rect(x: left, y: titleHeight, width: max(w - left - right, 40), height: max(h - titleHeight - bottom, 40))
        let area = PlotArea(frame: frame, x: xMapping, y: yMapping)

        if !title.isEmpty { writer.text(title, at: Point(x: frame.x, y: 22), size: 15, weight: "600", fill: "#111") }
        writer.rect(frame, fill: "#fff")

        // Colours per band: band k lies between levels[k-1] and levels[k] (k = 0…levels.count).
        let bandCount = levels.count + 1
        let fraction = { (band: Int) in bandCount > 1 ? Double(band) / Double(bandCount - 1) : 0.5 }
        let bandFills = (0..<bandCount).map { ColorMap.viridisLightened(fraction($0), amount: 0.55) }
        let lineColors = (0..<bandCount).map { ColorMap.viridisDarkened(fraction($0), amount: 0.25) }
        if plot.xs.count >= 2 && plot.ys.count >= 2 {
            drawBands(&writer, plot: plot, area: area, levels: levels, fills: bandFills)
            for (index, level) in levels.enumerated() {
                let segments = MarchingSquares.segments(xs: plot.xs, ys: plot.ys, values: plot.values, level: level)
                var data = ""
                for segment in segments {
                    guard let a = area.point(segment.x0, segment.y0), let b = area.point(segment.x1, segment.y1),
                        let (p, q) = Clipping.clip(a, b, to: frame)
                    else { continue }
                    data += "M\(SVGNumber.format(p.x)) \(SVGNumber.format(p.y))L\(SVGNumber.format(q.x)) \(SVGNumber.format(q.y))"
                }
                // The line of level k separates band k from band k+1: coloured like band k+1.
                writer.path(data, stroke: lineColors[index + 1], width: 1.1)
            }
        }
        AxisDrawing.axes(&writer, area: area, xTicks: xTicks, yTicks: yTicks, xLabel: plot.xAxis.label, yLabel: plot.yAxis.label, yLabelX: 16)

        // Trajectories: a white casing under each line keeps it visible on any band.
        for (index, series) in plot.trajectories.enumerated() {
            let points = zip(series.x, series.y).map { area.point($0, $1) }
            let data = Clipping.pathData(points, clippedTo: frame)
            writer.path(data, stroke: "#fff", width: 4.5, extra: "stroke-opacity=\"0.85\"")
            writer.path(data, stroke: Palette.color(index), width: 2.2, dash: Palette.dash(index))
            let drawable = points.compactMap { $0 }.filter { frame.contains($0) }
            let every = max(1, (drawable.count + 24) / 25)
            for (offset, point) in drawable.enumerated() where offset % every == 0 || offset == drawable.count - 1 {
                writer.marker(Palette.marker(index), at: point, size: offset == 0 ? 8 : 6, color: Palette.color(index), filled: offset != 0)
            }
        }
        for point in plot.points {
            guard let p = area.point(point.x, point.y), frame.contains(p) else { continue }
            writer.marker(.star, at: p, size: 11, color: "#111")
            let anchor: TextAnchor = p.x > frame.maxX - 80 ? .end : .start
            let dx = anchor == .end ? -10.0 : 10.0
            writer.text(point.label, at: Point(x: p.x + dx, y: p.y - 8), size: 11.5, anchor: anchor, weight: "600", fill: "#111", halo: true)
        }

        if !levels.isEmpty {
            let barFrame = Rect(x: frame.maxX + 16, y: frame.y, width: ColorBar.width, height: frame.height)
            ColorBar.drawDiscrete(&writer, frame: barFrame, colors: bandFills, boundaryLabels: levelLabels, label: plot.valueLabel)
        }
        if !entries.isEmpty { legend.draw(&writer, x: 0, top: frame.maxY + 50, left: frame.x, right: w - 10) }
        AxisDrawing.notes(&writer, notes, bottom: h - 6)
        return writer.document()
    }

    /// Filled bands: the field is sampled bilinearly on a finer grid (up to ~160 cells across)
    /// and each sample cell painted with the colour of the band its value falls in.
    static func drawBands(_ writer: inout SVGWriter, plot: ContourPlot, area: PlotArea, levels: [Double], fills: [String]) {
        let nx = plot.xs.count, ny = plot.ys.count
        let subdivisions = max(1, min(8, 160 / max(nx - 1, ny - 1, 1)))
        var columnEdges: [Double] = [], xCentres: [(Int, Double)] = []
        for i in 0..<(nx - 1) {
            for s in 0..<subdivisions {
                let t0 = Double(s) / Double(subdivisions), t1 = Double(s + 1) / Double(subdivisions)
                let x0 = plot.xs[i] + (plot.xs[i + 1] - plot.xs[i]) * t0
                if let px = area.pixelX(x0) { columnEdges.append(px) } else { columnEdges.append(.nan) }
                xCentres.append((i, (t0 + t1) / 2))
            }
        }
        columnEdges.append(area.pixelX(plot.xs[nx - 1]) ?? .nan)
        var rowEdges: [Double] = [], yCentres: [(Int, Double)] = []
        for j in 0..<(ny - 1) {
            for s in 0..<subdivisions {
                let t0 = Double(s) / Double(subdivisions), t1 = Double(s + 1) / Double(subdivisions)
                let y0 = plot.ys[j] + (plot.ys[j + 1] - plot.ys[j]) * t0
                rowEdges.append(area.pixelY(y0) ?? .nan)
                yCentres.append((j, (t0 + t1) / 2))
            }
        }
        rowEdges.append(area.pixelY(plot.ys[ny - 1]) ?? .nan)
        guard columnEdges.allSatisfy(\.isFinite), rowEdges.allSatisfy(\.isFinite) else { return }
        let bands: [[Int]] = yCentres.map { j, v in
            xCentres.map { i, u in
                let a = plot.values[j][i], b = plot.values[j][i + 1], c = plot.values[j + 1][i + 1], d = plot.values[j + 1][i]
                let value = (1 - v) * ((1 - u) * a + u * b) + v * ((1 - u) * d + u * c)
                guard value.isFinite else { return -1 }
                var band = 0
                while band < levels.count && value >= levels[band] { band += 1 }
                return band
            }
        }
        // Clip the raster to the frame by dropping cells outside it (the grid usually is the frame).
        CellRaster.draw(&writer, columnEdges: columnEdges.map { min(max($0, area.frame.x), area.frame.maxX) },
            rowEdges: rowEdges.map { min(max($0, area.frame.y), area.frame.maxY) }, colorIndex: bands, palette: fills)
    }

    /// Labels for the levels with just enough significant digits to tell neighbours apart.
    static func distinctLabels(_ levels: [Double]) -> [String] {
        for digits in 2...10 {
            let labels = levels.map { XMLText.compactNumber($0, digits: digits) }
            if Set(labels).count == labels.count { return labels }
        }
        return levels.map { XMLText.compactNumber($0, digits: 12) }
    }
}
