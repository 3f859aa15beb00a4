/// A figure as data: what to draw, not how. Experiments build figures; ``SVGRenderer`` draws
/// them, and the JSON of a report section keeps every plotted number, so a figure can be
/// checked against the measurements it came from or redrawn elsewhere.
public struct Figure: Sendable, Equatable, Codable {
    /// A file-name-safe identifier, unique within its section (`loss-vs-steps`); the SVG file
    /// is written as `SECTION-ID.svg`.
    public var id: String
    /// The title drawn above the plot.
    public var title: String
    /// One or two sentences under the figure: what it shows and how to read it.
    public var caption: String
    /// The plot itself.
    public var content: FigureContent

    public init(id: String, title: String, caption: String = "", content: FigureContent) {
        self.id = id
        self.title = title
        self.caption = caption
        self.content = content
    }
}

/// The kinds of plot a report draws.
public enum FigureContent: Sendable, Equatable, Codable {
    /// Lines (and/or markers) of y against x: losses against steps or seconds, spectra, scaling laws.
    case lines(LinePlot)
    /// A scalar field on a grid drawn as contour lines, with trajectories on top: loss landscapes.
    case contour(ContourPlot)
    /// Grouped bars: one group per category, one bar per series.
    case bars(BarChart)
    /// A matrix drawn as coloured cells: the magnitude pattern of a curvature matrix.
    case heatmap(Heatmap)
}

/// How an axis maps values to positions.
public enum AxisScale: String, Sendable, Equatable, Codable {
    case linear
    /// Base-10 logarithmic; values ≤ 0 are not drawn (a log axis of a signed quantity is the
    /// producer's mistake: plot |x| and say so in the label).
    case log
    /// sign(x)·log10(1 + |x|/threshold)-style symmetric log, for signed data spanning decades
    /// (Hessian eigenvalues, negative ones included).
    case symlog
}

/// One axis: a label with units, a scale, and optional fixed limits (nil: fitted to the data).
public struct Axis: Sendable, Equatable, Codable {
    /// The label, with units where there are any: "wall time (s)", "training loss (nats)".
    public var label: String
    public var scale: AxisScale
    public var minimum: Double?
    public var maximum: Double?

    public init(_ label: String, scale: AxisScale = .linear, minimum: Double? = nil, maximum: Double? = nil) {
        self.label = label
        self.scale = scale
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// How a series is drawn.
public enum SeriesStyle: String, Sendable, Equatable, Codable {
    case line
    case markers
    case lineAndMarkers
}

/// A named sequence of points. Non-finite values are gaps (not drawn), never errors.
public struct Series: Sendable, Equatable, Codable {
    /// The legend entry (optimizer or method name).
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var style: SeriesStyle

    public init(name: String, x: [Double], y: [Double], style: SeriesStyle = .line) {
        precondition(x.count == y.count, "Series \(name): x and y differ in length")
        self.name = name
        self.x = x
        self.y = y
        self.style = style
    }
}

/// y against x, one line per series; colours and dash patterns are assigned by series order
/// so that lines stay distinguishable in grey and for colour-blind readers.
public struct LinePlot: Sendable, Equatable, Codable {
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    /// Horizontal reference lines (a target loss), drawn dashed with their label.
    public var referenceLines: [ReferenceLine]

    public init(xAxis: Axis, yAxis: Axis, series: [Series], referenceLines: [ReferenceLine] = []) {
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.referenceLines = referenceLines
    }
}

/// A horizontal line at `y` with a label.
public struct ReferenceLine: Sendable, Equatable, Codable {
    public var y: Double
    public var label: String

    public init(y: Double, label: String) {
        self.y = y
        self.label = label
    }
}

/// A scalar field f(x, y) sampled on a grid, drawn as contour lines (marching squares), with
/// trajectories (series drawn as lines with markers) and labelled points on top.
public struct ContourPlot: Sendable, Equatable, Codable {
    public var xAxis: Axis
    public var yAxis: Axis
    /// The grid's x coordinates, increasing.
    public var xs: [Double]
    /// The grid's y coordinates, increasing.
    public var ys: [Double]
    /// values[j][i] = f(xs[i], ys[j]): one row per y.
    public var values: [[Double]]
    /// The contour levels; nil chooses about 15 levels between the field's minimum and maximum
    /// (log-spaced above the minimum when `logarithmicLevels`).
    public var levels: [Double]?
    /// Space automatic levels logarithmically above the minimum: for losses that span decades.
    public var logarithmicLevels: Bool
    /// Optimizer paths through the slice.
    public var trajectories: [Series]
    /// Labelled points (the minimum, a saddle point, the start).
    public var points: [LabelledPoint]
    /// What the field's value is, with units, for the colour bar: "loss (nats)".
    public var valueLabel: String

    public init(
        xAxis: Axis, yAxis: Axis, xs: [Double], ys: [Double], values: [[Double]], levels: [Double]? = nil,
        logarithmicLevels: Bool = false, trajectories: [Series] = [], points: [LabelledPoint] = [], valueLabel: String = "value"
    ) {
        precondition(values.count == ys.count && values.allSatisfy { $0.count == xs.count }, "ContourPlot: values must be ys.count × xs.count")
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.xs = xs
        self.ys = ys
        self.values = values
        self.levels = levels
        self.logarithmicLevels = logarithmicLevels
        self.trajectories = trajectories
        self.points = points
        self.valueLabel = valueLabel
    }
}

/// A point with a label, drawn as a marker.
public struct LabelledPoint: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public var label: String

    public init(x: Double, y: Double, label: String) {
        self.x = x
        self.y = y
        self.label = label
    }
}

/// Grouped bars: `categories` along x, one bar per series in each group.
public struct BarChart: Sendable, Equatable, Codable {
    public var categories: [String]
    /// One series per bar colour; `values[i]` belongs to `categories[i]` (non-finite: no bar).
    public var series: [BarSeries]
    public var yAxis: Axis

    public init(categories: [String], series: [BarSeries], yAxis: Axis) {
        precondition(series.allSatisfy { $0.values.count == categories.count }, "BarChart: one value per category")
        self.categories = categories
        self.series = series
        self.yAxis = yAxis
    }
}

/// One colour of bars in a ``BarChart``.
public struct BarSeries: Sendable, Equatable, Codable {
    public var name: String
    public var values: [Double]

    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// A matrix drawn as a grid of cells coloured by value (sequential colour map; log colour scale
/// for magnitudes spanning decades), with optional block boundaries (layer blocks of a Fisher).
public struct Heatmap: Sendable, Equatable, Codable {
    /// values[i][j], row i drawn at the top.
    public var values: [[Double]]
    /// Colour by log10 of the value (values ≤ 0 drawn as the lowest colour).
    public var logarithmic: Bool
    /// Indices where a block boundary line is drawn (after that many rows/columns).
    public var blockBoundaries: [Int]
    /// What the colour means, with units: "|F_ij|".
    public var colorLabel: String

    public init(values: [[Double]], logarithmic: Bool = true, blockBoundaries: [Int] = [], colorLabel: String) {
        self.values = values
        self.logarithmic = logarithmic
        self.blockBoundaries = blockBoundaries
        self.colorLabel = colorLabel
    }
}
