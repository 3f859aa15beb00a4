import Testing
@testable import NGData

@Suite("Python literals")
struct PythonLiteralTests {
    @Test func parsesTheNumPyHeaderSubset() throws {
        let literal = try PythonLiteral.parse(" {'descr': '<f4', \"fortran_order\": False, 'shape': (3, 4,), 'x': [True, None, -7L, ()], 'y': (5,), 'z': (6)}\n ")
        let expected = PythonLiteral.dictionary([
            .init(key: .string("descr"), value: .string("<f4")),
            .init(key: .string("fortran_order"), value: .boolean(false)),
            .init(key: .string("shape"), value: .tuple([.integer(3), .integer(4)])),
            .init(key: .string("x"), value: .list([.boolean(true), .none, .integer(-7), .tuple([])])),
            .init(key: .string("y"), value: .tuple([.integer(5)])),
            .init(key: .string("z"), value: .integer(6)),  // "(6)" is 6 in Python, not a tuple
        ])
        #expect(literal == expected)
        #expect(try PythonLiteral.parse(#"'it\'s'"#) == .string("it's"))
    }

    @Test(arguments: [
        ("{'a': 1", "expected ',' or '}'"),
        ("{'a' 1}", "expected ':'"),
        ("'open", "unterminated string"),
        ("Truex", "unexpected character"),
        ("(1, 2) 3", "unexpected text after the literal"),
        ("1.5", "expected an integer"),
        ("99999999999999999999", "does not fit in 64 bits"),
        ("", "unexpected end"),
        (String(repeating: "(", count: 40), "nested more than 32 levels"),
    ])
    func rejectsMalformedLiterals(text: String, message: String) {
        do {
            _ = try PythonLiteral.parse(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }
}
