import Foundation

/// Colours, dash patterns and marker shapes assigned to series by their order.
///
/// Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), readable by
/// people with the common colour-vision deficiencies, in an order that puts the darkest,
/// most separable hues first (the yellow is left out: it vanishes on white). Each series also
/// gets its own dash pattern and marker shape, so lines stay distinguishable when printed in
/// grey. Beyond Okabe–Ito's seven come four dark hues of Paul Tol's muted scheme (indigo, wine,
/// olive, grey), so a plot of every optimizer (11 series) still has one colour per line; with
/// more series than colours the colours repeat with a different dash pattern.
enum Palette {
    static let colors = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#332288", "#882255", "#999933", "#888888",
    ]
    /// SVG `stroke-dasharray` values; nil is solid.
    static let dashes: [String?] = [nil, "7 3", "2 2", "10 3 2 3", "4 2", "12 3 2 3 2 3", "16 5", "1 4"]
    static let markers: [MarkerShape] = [.circle, .square, .triangle, .diamond, .invertedTriangle, .cross, .plus, .star]

    static func color(_ index: Int) -> String { colors[index % colors.count] }

    /// Dash pattern of series `index`: cycles in step with the colours for the first
    /// `colors.count` series, then shifts so that repeated colours get a different pattern.
    static func dash(_ index: Int) -> String? {
        dashes[(index + index / colors.count) % dashes.count]
    }

    static func marker(_ index: Int) -> MarkerShape { markers[(index + index / colors.count) % markers.count] }
}

/// Marker shapes, drawn as paths centred on a point.
enum MarkerShape: CaseIterable {
    case circle, square, triangle, diamond, invertedTriangle, cross, plus, star

    /// Shapes drawn as strokes only (no area to fill).
    var isStrokeOnly: Bool { self == .cross || self == .plus }

    /// Path data for the shape of nominal diameter `size` centred on `p`.
    func pathData(at p: Point, size: Double) -> String {
        let r = size / 2
        let n = SVGNumber.format
        switch self {
        case .circle:
            return "M\(n(p.x - r)) \(n(p.y))a\(n(r)) \(n(r)) 0 1 0 \(n(2 * r)) 0a\(n(r)) \(n(r)) 0 1 0 \(n(-2 * r)) 0z"
        case .square:
            let s = r * 0.88
            return "M\(n(p.x - s)) \(n(p.y - s))h\(n(2 * s))v\(n(2 * s))h\(n(-2 * s))z"
        case .triangle:
            let s = r * 1.15
            return "M\(n(p.x)) \(n(p.y - s))L\(n(p.x + s * 0.94)) \(n(p.y + s * 0.7))L\(n(p.x - s * 0.94)) \(n(p.y + s * 0.7))z"
        case .invertedTriangle:
            let s = r * 1.15
            return "M\(n(p.x)) \(n(p.y + s))L\(n(p.x + s * 0.94)) \(n(p.y - s * 0.7))L\(n(p.x - s * 0.94)) \(n(p.y - s * 0.7))z"
        case .diamond:
            let s = r * 1.2
            return "M\(n(p.x)) \(n(p.y - s))L\(n(p.x + s * 0.8)) \(n(p.y))L\(n(p.x)) \(n(p.y + s))L\(n(p.x - s * 0.8)) \(n(p.y))z"
        case .cross:
            let s = r * 0.9
            return "M\(n(p.x - s)) \(n(p.y - s))L\(n(p.x + s)) \(n(p.y + s))M\(n(p.x - s)) \(n(p.y + s))L\(n(p.x + s)) \(n(p.y - s))"
        case .plus:
            let s = r * 1.1
            return "M\(n(p.x - s)) \(n(p.y))L\(n(p.x + s)) \(n(p.y))M\(n(p.x)) \(n(p.y - s))L\(n(p.x)) \(n(p.y + s))"
        case .star:
            var data = ""
            let outer = r * 1.3
            let inner = outer * 0.45
            for k in 0..<10 {
                let angle = -Double.pi / 2 + Double(k) * Double.pi / 5
                let radius = k % 2 == 0 ? outer : inner
                data += (k == 0 ? "M" : "L") + "\(n(p.x + radius * cos(angle))) \(n(p.y + radius * sin(angle)))"
            }
            return data + "z"
        }
    }
}
