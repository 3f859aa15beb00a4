import NGReport
import Testing

@Suite("Text table")
struct TextTableTests {
    @Test func columnsAlignWithNumbersOnTheRight() {
        let table = Table(
            id: "t", title: "Final loss", columns: ["optimizer", "loss", "steps"],
            rows: [["adam", "0.0123", "400"], ["kfac (damped)", "1.2e-05", "—"]], note: "— never reached the target.")
        let lines = TextTable.render(table).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Final loss")
        #expect(lines[1] == "optimizer         loss  steps")
        #expect(lines[2] == "─────────────  ───────  ─────")
        #expect(lines[3] == "adam            0.0123    400")
        #expect(lines[4] == "kfac (damped)  1.2e-05      —")
        #expect(lines[5] == "— never reached the target.")
    }

    @Test func newlinesInsideCellsDoNotBreakRows() {
        let table = Table(id: "t", title: "", columns: ["a"], rows: [["two\nlines"]])
        #expect(TextTable.render(table) == "a\n─────────\ntwo lines\n")
    }
}
