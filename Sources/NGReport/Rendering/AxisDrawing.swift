import Foundation

/// The plot area of a chart with its two axis mappings: converts data to pixels and draws
/// the grid, ticks, tick labels and axis labels around it.
struct PlotArea {
    var frame: Rect
    var x: AxisMapping
    var y: AxisMapping

    /// The pixel position of (`u`, `v`), nil when either coordinate cannot be drawn on its
    /// scale. Points beyond the limits are returned (callers clip).
    func point(_ u: Double, _ v: Double) -> Point? {
        guard let fx = x.fraction(u), let fy = y.fraction(v) else { return nil }
        return Point(x: frame.x + fx * frame.width, y: frame.maxY - fy * frame.height)
    }

    func pixelX(_ u: Double) -> Double? { x.fraction(u).map { frame.x + $0 * frame.width } }
    func pixelY(_ v: Double) -> Double? { y.fraction(v).map { frame.maxY - $0 * frame.height } }
}

/// Axis ticks, grid lines and labels shared by the line, contour and bar renderers.
enum AxisDrawing {
    static let tickFont = 11.0
    static let labelFont = 12.5
    static let gridColor = "#e4e4e4"
    static let axisColor = "#555"

    /// Width of the widest tick label.
    static func labelWidth(_ ticks: [Tick]) -> Double {
        ticks.map { TextMetrics.width($0.label, size: tickFont) }.max() ?? 0
    }

    /// Grid lines at the major ticks of both axes (drawn first, under the data).
    static func grid(_ writer: inout SVGWriter, area: PlotArea, xTicks: [Tick]?, yTicks: [Tick]) {
        let f = area.frame
        writer.rect(f, fill: "#fff")
        for tick in yTicks where tick.isMajor {
            guard let py = area.pixelY(tick.value), py >= f.y - 0.5, py <= f.maxY + 0.5 else { continue }
            writer.line(Point(x: f.x, y: py), Point(x: f.maxX, y: py), stroke: gridColor, width: 1)
        }
        for tick in xTicks ?? [] where tick.isMajor {
            guard let px = area.pixelX(tick.value), px >= f.x - 0.5, px <= f.maxX + 0.5 else { continue }
            writer.line(Point(x: px, y: f.y), Point(x: px, y: f.maxY), stroke: gridColor, width: 1)
        }
    }

    /// The frame, the tick marks and labels of the y axis (left) and x axis (bottom, unless
    /// `xTicks` is nil), and the axis labels.
    static func axes(
        _ writer: inout SVGWriter, area: PlotArea, xTicks: [Tick]?, yTicks: [Tick], xLabel: String?, yLabel: String,
        yLabelX: Double
    ) {
        let f = area.frame
        writer.rect(f, fill: "none", stroke: axisColor, strokeWidth: 1)
        for tick in yTicks {
            guard let py = area.pixelY(tick.value), py >= f.y - 0.5, py <= f.maxY + 0.5 else { continue }
            let length = tick.isMajor ? 5.0 : 3.0
            writer.line(Point(x: f.x - length, y: py), Point(x: f.x, y: py), stroke: axisColor, width: 1)
            if !tick.label.isEmpty {
                writer.text(tick.label, at: Point(x: f.x - 8, y: py + 4), size: tickFont, anchor: .end, fill: "#333")
            }
        }
        if let xTicks {
            // Thin the labels when neighbours would overlap.
            let labelled = xTicks.filter { !$0.label.isEmpty }
            let positions = labelled.compactMap { area.pixelX($0.value) }
            var every = 1
            if positions.count > 1 {
                let widest = labelWidth(labelled) + 10
                let spacing = (positions.last! - positions.first!) / Double(positions.count - 1)
                if spacing > 0 { every = max(1, Int((widest / spacing).rounded(.up))) }
            }
            var labelIndex = 0
            for tick in xTicks {
                guard let px = area.pixelX(tick.value), px >= f.x - 0.5, px <= f.maxX + 0.5 else {
                    if !tick.label.isEmpty { labelIndex += 1 }
                    continue
                }
                let length = tick.isMajor ? 5.0 : 3.0
                writer.line(Point(x: px, y: f.maxY), Point(x: px, y: f.maxY + length), stroke: axisColor, width: 1)
                if !tick.label.isEmpty {
                    if labelIndex % every == 0 {
                        writer.text(tick.label, at: Point(x: px, y: f.maxY + 19), size: tickFont, anchor: .middle, fill: "#333")
                    }
                    labelIndex += 1
                }
            }
        }
        if let xLabel {
            writer.text(xLabel, at: Point(x: f.x + f.width / 2, y: f.maxY + 40), size: labelFont, anchor: .middle, fill: "#222")
        }
        writer.text(yLabel, at: Point(x: yLabelX, y: f.y + f.height / 2), size: labelFont, anchor: .middle, fill: "#222", rotate: -90)
    }

    /// Notes written in small grey italics at the bottom left of the figure.
    static func notes(_ writer: inout SVGWriter, _ notes: [String], bottom: Double) {
        for (index, note) in notes.enumerated() {
            let y = bottom - Double(notes.count - 1 - index) * 14
            writer.text(note, at: Point(x: 10, y: y), size: 10.5, fill: "#666", italic: true)
        }
    }
}
