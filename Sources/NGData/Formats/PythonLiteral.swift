/// The subset of Python literals that a NumPy `.npy` header dictionary is written in.
///
/// NumPy writes the header with `repr` and reads it with `ast.literal_eval`, so a header is a
/// Python expression such as `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
/// This recursive-descent parser accepts dictionaries, tuples, lists, strings (single- or
/// double-quoted, with backslash escapes), integers (with Python 2's `L` suffix), `True`,
/// `False` and `None`, with trailing commas and whitespace where Python allows them.
/// Nesting is limited to 32 levels, so hostile input cannot exhaust the stack.
enum PythonLiteral: Equatable {
    case dictionary([DictionaryEntry])
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none

    /// One `key: value` pair of a dictionary, in the order written (keys may repeat, as in Python source).
    struct DictionaryEntry: Equatable {
        var key: PythonLiteral
        var value: PythonLiteral
    }

    /// The literal spelled by `text` (surrounding whitespace allowed).
    /// - Throws: a description of the first syntax error and its character offset.
    static func parse(_ text: String) throws(PythonLiteralSyntaxError) -> PythonLiteral {
        var parser = PythonLiteralParser(characters: Array(text.unicodeScalars))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == parser.characters.count else { throw parser.error("unexpected text after the literal") }
        return value
    }
}

/// A syntax error in a Python literal: what was wrong and at which character.
struct PythonLiteralSyntaxError: Error, CustomStringConvertible {
    var message: String
    var offset: Int
    var description: String { "\(message) at character \(offset)" }
}

/// The recursive-descent parser behind ``PythonLiteral/parse(_:)``.
private struct PythonLiteralParser {
    let characters: [Unicode.Scalar]
    var position = 0

    func error(_ message: String) -> PythonLiteralSyntaxError { PythonLiteralSyntaxError(message: message, offset: position) }

    var current: Unicode.Scalar? { position < characters.count ? characters[position] : nil }

    mutating func skipSpace() {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
    }

    mutating func value(depth: Int) throws(PythonLiteralSyntaxError) -> PythonLiteral {
        guard depth < 32 else { throw error("literal nested more than 32 levels deep") }
        skipSpace()
        guard let c = current else { throw error("unexpected end of the literal") }
        switch c {
        case "{": return try dictionary(depth: depth)
        case "(": return try sequence(closing: ")", depth: depth)
        case "[": return try sequence(closing: "]", depth: depth)
        case "'", "\"": return .string(try string())
        case "-", "+", "0"..."9": return .integer(try integer())
        default:
            for (word, literal) in [("True", PythonLiteral.boolean(true)), ("False", .boolean(false)), ("None", .none)]
            where matches(word) {
                position += word.unicodeScalars.count
                return literal
            }
            throw error("unexpected character '\(c)'")
        }
    }

    func matches(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        guard position + scalars.count <= characters.count,
              Array(characters[position..<(position + scalars.count)]) == scalars else { return false }
        // The word must end there ("Trueish" is a name, not a literal).
        guard let next = position + scalars.count < characters.count ? characters[position + scalars.count] : nil else { return true }
        return !(next.properties.isAlphabetic || next == "_" || ("0"..."9").contains(next))
    }

    mutating func dictionary(depth: Int) throws(PythonLiteralSyntaxError) -> PythonLiteral {
        position += 1  // {
        var entries: [PythonLiteral.DictionaryEntry] = []
        while true {
            skipSpace()
            if current == "}" { position += 1; return .dictionary(entries) }
            let key = try value(depth: depth + 1)
            skipSpace()
            guard current == ":" else { throw error("expected ':' after a dictionary key") }
            position += 1
            entries.append(PythonLiteral.DictionaryEntry(key: key, value: try value(depth: depth + 1)))
            skipSpace()
            if current == "," { position += 1; continue }
            guard current == "}" else { throw error("expected ',' or '}' in a dictionary") }
        }
    }

    mutating func sequence(closing: Unicode.Scalar, depth: Int) throws(PythonLiteralSyntaxError) -> PythonLiteral {
        position += 1  // ( or [
        var items: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipSpace()
            if current == closing {
                position += 1
                // In Python "(3)" is the integer 3; only "(3,)" is a one-element tuple.
                if closing == ")" && items.count == 1 && !sawComma { return items[0] }
                return closing == ")" ? .tuple(items) : .list(items)
            }
            items.append(try value(depth: depth + 1))
            skipSpace()
            if current == "," { position += 1; sawComma = true; continue }
            guard current == closing else { throw error("expected ',' or '\(closing)'") }
        }
    }

    mutating func string() throws(PythonLiteralSyntaxError) -> String {
        let quote = characters[position]
        position += 1
        var scalars = String.UnicodeScalarView()
        while let c = current {
            position += 1
            if c == quote { return String(scalars) }
            if c == "\n" { throw error("line break inside a string") }
            if c == "\\" {
                guard let escaped = current else { break }
                position += 1
                switch escaped {
                case "n": scalars.append("\n")
                case "t": scalars.append("\t")
                case "r": scalars.append("\r")
                case "0": scalars.append("\0")
                default: scalars.append(escaped)  // \\, \', \"
                }
            } else {
                scalars.append(c)
            }
        }
        throw error("unterminated string")
    }

    mutating func integer() throws(PythonLiteralSyntaxError) -> Int {
        let start = position
        if current == "-" || current == "+" { position += 1 }
        var digits = ""
        while let c = current, ("0"..."9").contains(c) { digits.unicodeScalars.append(c); position += 1 }
        guard !digits.isEmpty else { throw error("expected digits") }
        if current == "L" || current == "l" { position += 1 }  // Python 2 long, as in old .npy files
        if let c = current, c == "." || c == "e" || c == "E" || c == "j" { throw error("expected an integer, found a number") }
        guard let magnitude = Int(digits) else {
            position = start
            throw error("integer \(digits) does not fit in 64 bits")
        }
        return characters[start] == "-" ? -magnitude : magnitude
    }
}
