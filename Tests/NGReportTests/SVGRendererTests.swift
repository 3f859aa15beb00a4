import Foundation
@testable import NGReport
import Testing

/// The SVG output: well-formed, escaped, finite, and drawing what it was given.
@Suite("SVG renderer")
struct SVGRendererTests {
    static func lines(_ series: [Series], x: Axis = Axis("step"), y: Axis = Axis("loss (nats)"), references: [ReferenceLine] = []) -> Figure {
        Figure(id: "f", title: "Loss", content: .lines(LinePlot(xAxis: x, yAxis: y, series: series, referenceLines: references)))
    }

    @Test func everyFigureOfTheDemoReportIsWellFormedFiniteAndTitled() throws {
        for section in DemoReport.report.sections {
            for figure in section.figures {
                let svg = SVGRenderer.render(figure)
                let check = XMLCheck(svg)
                #expect(check.isWellFormed, "\(figure.id): \(check.error ?? "")")
                #expect(!svg.lowercased().contains("nan") && !svg.contains("inf\""), "\(figure.id) has a non-finite coordinate")
                #expect(check.texts.contains(figure.title))
                #expect(check.elements.first?.name == "svg")
                // Every coordinate inside the view box (with room for stroke widths).
                for path in check.elements(named: "path") {
                    for value in pathNumbers(path["d"] ?? "") where !(path["d"] ?? "").contains("a") {
                        #expect(value >= -10 && value <= 730, "\(figure.id): coordinate \(value) outside the figure")
                    }
                }
            }
        }
    }

    @Test func labelsWithMarkupCharactersAreEscapedAndReadBackIntact() throws {
        let name = "loss < 0.1 & \"rising\" 'fast' > then"
        let figure = Self.lines(
            [Series(name: name, x: [0, 1, 2], y: [3, 2, 1])], x: Axis("step <n>"), y: Axis("a & b"), references: [ReferenceLine(y: 1.5, label: "<target>")])
        var titled = figure
        titled.title = "A <b>bold</b> & title"
        let svg = SVGRenderer.render(titled)
        let check = XMLCheck(svg)
        try #require(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.texts.contains(name))
        #expect(check.texts.contains("step <n>"))
        #expect(check.texts.contains("a & b"))
        #expect(check.texts.contains("<target>"))
        #expect(check.texts.contains("A <b>bold</b> & title"))
        #expect(!svg.contains("<b>"))
        #expect(XMLText.escape("a\u{1}b\u{FFFE}c") == "abc")
    }

    @Test func nonFiniteValuesBreakTheLineInsteadOfProducingNaNCoordinates() throws {
        let y: [Double] = [1, 2, .nan, 4, 5, .infinity, 7, 8]
        let svg = SVGRenderer.render(Self.lines([Series(name: "run", x: (0..<8).map(Double.init), y: y)]))
        #expect(!svg.lowercased().contains("nan") && !svg.lowercased().contains("inf"))
        let check = XMLCheck(svg)
        let seriesPath = try #require(check.elements(named: "path").first { $0["stroke"] == Palette.color(0) })
        let data = try #require(seriesPath["d"])
        // Three runs of finite points: 0–1, 3–4, 6–7, so three moves and three line segments.
        #expect(data.filter { $0 == "M" }.count == 3)
        #expect(data.filter { $0 == "L" }.count == 3)
    }

    @Test func pointsAreAtTheirDataPositions() throws {
        // y = x on fixed axes [0, 10] × [0, 10]: every vertex satisfies the same linear map.
        let figure = Self.lines(
            [Series(name: "identity", x: [0, 2.5, 5, 10], y: [0, 2.5, 5, 10])], x: Axis("x", minimum: 0, maximum: 10), y: Axis("y", minimum: 0, maximum: 10))
        let check = XMLCheck(SVGRenderer.render(figure))
        let data = try #require(check.elements(named: "path").first { $0["stroke"] == Palette.color(0) }?["d"])
        let numbers = pathNumbers(data)
        try #require(numbers.count == 8)
        let (x0, y0, x3, y3) = (numbers[0], numbers[1], numbers[6], numbers[7])
        #expect(x3 > x0 && y3 < y0, "y grows upwards")
        for k in 0..<4 {
            let fraction = [0, 0.25, 0.5, 1][k]
            #expect(abs(numbers[2 * k] - (x0 + fraction * (x3 - x0))) <= 0.011)
            #expect(abs(numbers[2 * k + 1] - (y0 + fraction * (y3 - y0))) <= 0.011)
        }
    }

    @Test func logAxesLabelDecadesAndSayWhatTheyCannotShow() throws {
        let figure = Self.lines(
            [Series(name: "loss", x: [1, 2, 3, 4], y: [1, 1e-2, 0, 1e-4])], y: Axis("loss (nats)", scale: .log))
        let check = XMLCheck(SVGRenderer.render(figure))
        for label in ["10⁻⁴", "10⁻²", "10⁰"] { #expect(check.texts.contains(label), "missing tick label \(label)") }
        #expect(check.texts.contains { $0.contains("1 value ≤ 0 not shown") })
    }

    @Test func seriesDifferInColourAndDashAndTheLegendNamesEachOnce() throws {
        let series = (0..<8).map { index in Series(name: "optimizer \(index)", x: [0, 1], y: [Double(index), Double(index) + 1]) }
        let check = XMLCheck(SVGRenderer.render(Self.lines(series)))
        let drawn = check.elements(named: "path").filter { path in (0..<8).contains { Palette.color($0) == path["stroke"] } && path["fill"] == "none" }
        let styles = Set(drawn.map { "\($0["stroke"] ?? "")|\($0["stroke-dasharray"] ?? "solid")" })
        #expect(styles.count == 8)
        #expect(Set(drawn.map { $0["stroke-dasharray"] ?? "solid" }).count == 8, "dash patterns alone tell the lines apart")
        for index in 0..<8 { #expect(check.texts.filter { $0 == "optimizer \(index)" }.count == 1) }
    }

    @Test func referenceLinesAreDashedAndLabelled() throws {
        let figure = Self.lines([Series(name: "a", x: [0, 1], y: [2, 0.5])], references: [ReferenceLine(y: 1, label: "target loss")])
        let check = XMLCheck(SVGRenderer.render(figure))
        #expect(check.texts.contains("target loss"))
        let reference = check.elements(named: "line").filter { $0["stroke-dasharray"] != nil }
        #expect(reference.count == 1)
    }

    @Test func contourPlotsDrawLevelsTrajectoriesAndLabelledPoints() throws {
        let xs = (0...20).map { -1 + Double($0) / 10 }, ys = xs
        let plot = ContourPlot(
            xAxis: Axis("α"), yAxis: Axis("β"), xs: xs, ys: ys, values: ys.map { y in xs.map { x in x * x + 3 * y * y } }, levels: [0.5, 1, 2],
            trajectories: [Series(name: "gd & co", x: [0.9, 0.5, 0.1], y: [0.9, 0.3, 0.05])], points: [LabelledPoint(x: 0, y: 0, label: "minimum")])
        let check = XMLCheck(SVGRenderer.render(Figure(id: "c", title: "Slice", content: .contour(plot))))
        try #require(check.isWellFormed)
        #expect(check.texts.contains("minimum") && check.texts.contains("gd & co"))
        // Three level labels on the colour bar.
        for label in ["0.5", "1", "2"] { #expect(check.texts.contains(label)) }
        #expect(check.elements(named: "path").contains { $0["stroke"] == Palette.color(0) && $0["stroke-dasharray"] == nil })
    }

    @Test func heatmapsLargerThanTwoHundredCellsAreAveragedAndSaySo() throws {
        let values = (0..<450).map { i in (0..<450).map { j in Double(i * 450 + j) } }
        let check = XMLCheck(SVGRenderer.render(Figure(id: "h", title: "Big", content: .heatmap(Heatmap(values: values, logarithmic: false, colorLabel: "v")))))
        try #require(check.isWellFormed)
        #expect(check.texts.contains { $0.contains("Downsampled from 450 × 450 by averaging 3 × 3 blocks") })
        let small = HeatmapRenderer.downsampled([[1, 2, 3], [4, .nan, 6], [7, 8, 9]], rows: 3, columns: 3, factor: 2)
        // Block means of the finite entries: (1+2+4)/3, (3+6)/2, (7+8)/2, 9.
        #expect(small == [[7.0 / 3, 4.5], [7.5, 9]])
    }

    @Test func barChartsStartAtZeroAndRotateLongCategoryNames() throws {
        let chart = BarChart(
            categories: ["a very long category name indeed", "another long category name", "third", "fourth category", "fifth category", "sixth one"],
            series: [BarSeries(name: "", values: [1, 2, 3, 4, 5, 6])],
            yAxis: Axis("value"))
        let svg = SVGRenderer.render(Figure(id: "b", title: "Bars", content: .bars(chart)))
        let check = XMLCheck(svg)
        try #require(check.isWellFormed)
        #expect(check.elements(named: "text").contains { ($0["transform"] ?? "").contains("rotate(-35") })
        // Bar heights are proportional to the values 1 : 2 : … : 6, from a common base line.
        let bars = check.elements(named: "rect").filter { $0["fill"] == Palette.color(0) }
        let heights = bars.compactMap { Double($0["height"] ?? "") }
        let bottoms = bars.compactMap { bar in Double(bar["y"] ?? "").flatMap { y in Double(bar["height"] ?? "").map { y + $0 } } }
        try #require(heights.count == 6 && bottoms.count == 6)
        for k in 1..<6 { #expect(abs(heights[k] / heights[0] - Double(k + 1)) < 0.02) }
        #expect(bottoms.max()! - bottoms.min()! < 0.02)
    }
}
