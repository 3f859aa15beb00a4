/// Clips polylines to the plot area and writes them as SVG path data, with gaps where a
/// point cannot be drawn.
enum Clipping {
    /// The part of segment a–b inside `rect` (Liang & Barsky 1984), nil when none is.
    static func clip(_ a: Point, _ b: Point, to rect: Rect) -> (Point, Point)? {
        var t0 = 0.0, t1 = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        let checks: [(Double, Double)] = [(-dx, a.x - rect.x), (dx, rect.maxX - a.x), (-dy, a.y - rect.y), (dy, rect.maxY - a.y)]
        for (p, q) in checks {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 {
                    if r > t1 { return nil }
                    if r > t0 { t0 = r }
                } else {
                    if r < t0 { return nil }
                    if r < t1 { t1 = r }
                }
            }
        }
        return (Point(x: a.x + t0 * dx, y: a.y + t0 * dy), Point(x: a.x + t1 * dx, y: a.y + t1 * dy))
    }

    /// Path data (`M…L…`) for the polyline through `points`, clipped to `rect`; a nil point
    /// breaks the line (a gap), as does a segment that leaves the rectangle.
    static func pathData(_ points: [Point?], clippedTo rect: Rect) -> String {
        var data = ""
        var previous: Point?
        var penAt: Point?
        let n = SVGNumber.format
        for point in points {
            guard let point else {
                previous = nil
                continue
            }
            defer { previous = point }
            guard let start = previous else { continue }
            guard let (a, b) = clip(start, point, to: rect) else { continue }
            if penAt == nil || penAt! != a {
                data += "M\(n(a.x)) \(n(a.y))"
            }
            data += "L\(n(b.x)) \(n(b.y))"
            penAt = b
        }
        return data
    }
}
