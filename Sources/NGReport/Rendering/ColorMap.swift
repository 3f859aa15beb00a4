import Foundation

/// The viridis sequential colour map (van der Walt & Smith, matplotlib 2.0): perceptually
/// uniform, monotone in lightness (so it survives greyscale printing) and colour-blind safe.
/// Stored as 9 anchor colours and interpolated linearly in sRGB, which is within a few units
/// of the full 256-entry table.
enum ColorMap {
    private static let anchors: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    /// The colour at `t` ∈ [0, 1] (clamped) as `#rrggbb`.
    static func viridis(_ t: Double) -> String {
        let (r, g, b) = viridisComponents(t)
        return hex(r, g, b)
    }

    static func viridisComponents(_ t: Double) -> (Double, Double, Double) {
        let clamped = t.isFinite ? min(max(t, 0), 1) : 0
        let position = clamped * Double(anchors.count - 1)
        let lower = min(Int(position), anchors.count - 2)
        let fraction = position - Double(lower)
        let a = anchors[lower], b = anchors[lower + 1]
        return (a.0 + (b.0 - a.0) * fraction, a.1 + (b.1 - a.1) * fraction, a.2 + (b.2 - a.2) * fraction)
    }

    /// The viridis colour at `t` mixed with white: `amount` 0 is the colour, 1 is white.
    static func viridisLightened(_ t: Double, amount: Double) -> String {
        let (r, g, b) = viridisComponents(t)
        return hex(r + (255 - r) * amount, g + (255 - g) * amount, b + (255 - b) * amount)
    }

    /// The viridis colour at `t` darkened towards black by `amount`.
    static func viridisDarkened(_ t: Double, amount: Double) -> String {
        let (r, g, b) = viridisComponents(t)
        return hex(r * (1 - amount), g * (1 - amount), b * (1 - amount))
    }

    static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        func byte(_ v: Double) -> String {
            let value = Int(min(max(v.rounded(), 0), 255))
            let digits = Array("0123456789abcdef")
            return String([digits[value / 16], digits[value % 16]])
        }
        return "#" + byte(r) + byte(g) + byte(b)
    }
}
