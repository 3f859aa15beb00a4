/// Tables and figure data as CSV (RFC 4180 quoting: a field containing a comma, a double quote
/// or a line break is enclosed in double quotes, with inner quotes doubled; lines end in `\n`).
///
/// Numbers are written in Swift's shortest round-trip form (`0.1`, `1e-05`), so a CSV value
/// parses back to exactly the plotted double; non-finite values are `nan`, `inf`, `-inf`.
public enum CSVExport {
    /// The table's header and rows.
    public static func csv(_ table: Table) -> String {
        var text = line(table.columns)
        for row in table.rows { text += line(row) }
        return text
    }

    /// The figure's data in long form — one row per plotted value — or nil when it has none:
    /// - lines: `series,x,y` (reference lines as `series` = "reference: LABEL" with an empty x);
    /// - contour: `kind,name,x,y,value` with `grid` rows (the field), `trajectory` rows and
    ///   `point` rows;
    /// - bars: `category,series,value`;
    /// - heatmap: `row,column,value` (0-based indices).
    public static func csv(_ figure: Figure) -> String? {
        var text: String
        var rows = 0
        switch figure.content {
        case .lines(let plot):
            text = line(["series", "x", "y"])
            for series in plot.series {
                for (x, y) in zip(series.x, series.y) {
                    text += line([series.name, number(x), number(y)])
                    rows += 1
                }
            }
            for reference in plot.referenceLines {
                text += line(["reference: " + reference.label, "", number(reference.y)])
                rows += 1
            }
        case .contour(let plot):
            text = line(["kind", "name", "x", "y", "value"])
            for (j, y) in plot.ys.enumerated() {
                for (i, x) in plot.xs.enumerated() {
                    text += line(["grid", "", number(x), number(y), number(plot.values[j][i])])
                    rows += 1
                }
            }
            for trajectory in plot.trajectories {
                for (x, y) in zip(trajectory.x, trajectory.y) {
                    text += line(["trajectory", trajectory.name, number(x), number(y), ""])
                    rows += 1
                }
            }
            for point in plot.points {
                text += line(["point", point.label, number(point.x), number(point.y), ""])
                rows += 1
            }
        case .bars(let chart):
            text = line(["category", "series", "value"])
            for series in chart.series {
                for (category, value) in zip(chart.categories, series.values) {
                    text += line([category, series.name, number(value)])
                    rows += 1
                }
            }
        case .heatmap(let map):
            text = line(["row", "column", "value"])
            for (i, row) in map.values.enumerated() {
                for (j, value) in row.enumerated() {
                    text += line([String(i), String(j), number(value)])
                    rows += 1
                }
            }
        }
        return rows == 0 ? nil : text
    }

    /// One CSV record.
    static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\n"
    }

    /// `field` quoted when it contains a comma, a double quote, CR or LF (RFC 4180 §2.6–2.7),
    /// or begins or ends with a space (which some readers would trim).
    public static func quote(_ field: String) -> String {
        let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        guard needsQuotes else { return field }
        var quoted = "\""
        for character in field {
            if character == "\"" { quoted += "\"\"" } else { quoted.append(character) }
        }
        return quoted + "\""
    }

    /// The shortest decimal that reads back as `value`.
    static func number(_ value: Double) -> String {
        value.isNaN ? "nan" : value.description
    }
}
