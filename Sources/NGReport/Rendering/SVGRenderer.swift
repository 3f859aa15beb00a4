/// Draws a ``Figure`` as a standalone SVG document: no scripts, no external resources, no
/// element ids (so that many figures can be inlined into one HTML page), every label escaped.
public enum SVGRenderer {
    /// The SVG text of `figure` at `width` × `height` user units (pixels at 100 % zoom).
    ///
    /// Line plots get nice ticks (1-2-5 steps, decades on log axes), a colour-blind-safe
    /// palette with a distinct dash pattern per series and a legend outside the data; contour
    /// plots get automatic levels, filled bands, a colour bar and the trajectories on top; bar
    /// charts group bars by category; heatmaps use viridis, optionally on a log scale.
    public static func render(_ figure: Figure, width: Int = 720, height: Int = 440) -> String {
        let width = max(width, 200), height = max(height, 150)
        switch figure.content {
        case .lines(let plot): return LinePlotRenderer.render(plot, title: figure.title, width: width, height: height)
        case .contour(let plot): return ContourRenderer.render(plot, title: figure.title, width: width, height: height)
        case .bars(let chart): return BarChartRenderer.render(chart, title: figure.title, width: width, height: height)
        case .heatmap(let map): return HeatmapRenderer.render(map, title: figure.title, width: width, height: height)
        }
    }
}
