/// A point in SVG user units (pixels, y down).
struct Point: Equatable {
    var x: Double
    var y: Double
}

/// A rectangle in SVG user units.
struct Rect {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ point: Point, tolerance: Double = 0.5) -> Bool {
        point.x >= x - tolerance && point.x <= maxX + tolerance && point.y >= y - tolerance && point.y <= maxY + tolerance
    }
}

/// Horizontal anchoring of a text element.
enum TextAnchor: String {
    case start, middle, end
}

/// Builds an SVG document as text: a root element with a view box and the few primitives the
/// renderers need. Every string argument that is user text is escaped here; every number goes
/// through ``SVGNumber``.
struct SVGWriter {
    private(set) var body = ""
    let width: Int
    let height: Int
    /// The document's accessible name (`<title>`).
    let title: String

    init(width: Int, height: Int, title: String) {
        self.width = width
        self.height = height
        self.title = title
    }

    /// The complete `<svg>` element.
    func document() -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" \
        font-family="'Helvetica Neue', Helvetica, Arial, 'DejaVu Sans', sans-serif" font-size="12" role="img">\
        <title>\(XMLText.escape(title))</title>\n\(body)</svg>\n
        """
    }

    mutating func raw(_ text: String) {
        body += text
    }

    static func n(_ value: Double) -> String { SVGNumber.format(value) }

    mutating func rect(_ r: Rect, fill: String, stroke: String? = nil, strokeWidth: Double = 1, extra: String = "") {
        body += "<rect x=\"\(Self.n(r.x))\" y=\"\(Self.n(r.y))\" width=\"\(Self.n(max(r.width, 0)))\" height=\"\(Self.n(max(r.height, 0)))\" fill=\"\(fill)\""
        if let stroke { body += " stroke=\"\(stroke)\" stroke-width=\"\(Self.n(strokeWidth))\"" }
        body += extra.isEmpty ? "/>\n" : " \(extra)/>\n"
    }

    mutating func line(_ a: Point, _ b: Point, stroke: String, width: Double = 1, dash: String? = nil, extra: String = "") {
        body += "<line x1=\"\(Self.n(a.x))\" y1=\"\(Self.n(a.y))\" x2=\"\(Self.n(b.x))\" y2=\"\(Self.n(b.y))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
        if let dash { body += " stroke-dasharray=\"\(dash)\"" }
        body += extra.isEmpty ? "/>\n" : " \(extra)/>\n"
    }

    /// A path from already-formatted path data; nothing is written for empty data.
    mutating func path(
        _ data: String, stroke: String? = nil, width: Double = 1, fill: String = "none", dash: String? = nil, extra: String = ""
    ) {
        guard !data.isEmpty else { return }
        body += "<path d=\"\(data)\" fill=\"\(fill)\""
        if let stroke {
            body += " stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
        }
        if let dash { body += " stroke-dasharray=\"\(dash)\"" }
        body += extra.isEmpty ? "/>\n" : " \(extra)/>\n"
    }

    /// A text element; `halo` draws a white outline under the glyphs so labels stay legible on
    /// top of lines and coloured cells.
    mutating func text(
        _ string: String, at point: Point, size: Double = 12, anchor: TextAnchor = .start, weight: String? = nil,
        fill: String = "#222", rotate: Double? = nil, halo: Bool = false, baseline: String? = nil, italic: Bool = false
    ) {
        body += "<text x=\"\(Self.n(point.x))\" y=\"\(Self.n(point.y))\" font-size=\"\(Self.n(size))\" fill=\"\(fill)\""
        if anchor != .start { body += " text-anchor=\"\(anchor.rawValue)\"" }
        if let weight { body += " font-weight=\"\(weight)\"" }
        if italic { body += " font-style=\"italic\"" }
        if let baseline { body += " dominant-baseline=\"\(baseline)\"" }
        if let rotate { body += " transform=\"rotate(\(Self.n(rotate)) \(Self.n(point.x)) \(Self.n(point.y)))\"" }
        if halo { body += " stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"" }
        body += ">\(XMLText.escape(string))</text>\n"
    }

    /// A marker of `shape` centred on `point`.
    mutating func marker(_ shape: MarkerShape, at point: Point, size: Double, color: String, filled: Bool = true, outline: String = "#fff") {
        let data = shape.pathData(at: point, size: size)
        if shape.isStrokeOnly {
            path(data, stroke: color, width: max(1.4, size / 4))
        } else {
            body += "<path d=\"\(data)\" fill=\"\(filled ? color : "#fff")\" stroke=\"\(filled ? outline : color)\" stroke-width=\"\(filled ? "0.8" : "1.4")\"/>\n"
        }
    }
}

/// Approximate text widths for layout (no font metrics are available when rendering): the
/// average advance of a sans-serif glyph is about 0.58 em.
enum TextMetrics {
    static func width(_ text: String, size: Double) -> Double {
        var units = 0.0
        for character in text {
            if character.isUppercase || character == "m" || character == "w" || character == "M" || character == "W" {
                units += 0.72
            } else if character == "i" || character == "l" || character == "." || character == "," || character == "'" || character == "|" || character == " " || character == "(" || character == ")" {
                units += 0.3
            } else {
                units += 0.56
            }
        }
        return units * size
    }
}
