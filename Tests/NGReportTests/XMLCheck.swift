import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses a document with Foundation's XML parser (libxml2 on Linux) and collects what the
/// tests inspect: whether it is well-formed, the text content, elements and attributes.
final class XMLCheck: NSObject, XMLParserDelegate {
    private(set) var elements: [(name: String, attributes: [String: String])] = []
    private(set) var texts: [String] = []
    private var currentText = ""
    private(set) var error: String?

    /// Parses `document`; `error` is nil when it is well-formed.
    init(_ document: String) {
        super.init()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = self
        if !parser.parse() {
            error = parser.parserError.map { "\($0) at line \(parser.lineNumber), column \(parser.columnNumber)" } ?? "unknown error"
        }
    }

    var isWellFormed: Bool { error == nil }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        flush()
        elements.append((elementName, attributes))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        flush()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        currentText += string
    }

    private func flush() {
        let trimmed = currentText.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { texts.append(trimmed) }
        currentText = ""
    }

    /// The elements named `name`.
    func elements(named name: String) -> [[String: String]] {
        elements.filter { $0.name == name }.map(\.attributes)
    }
}

/// The numbers in SVG path data or a coordinate list.
func pathNumbers(_ data: String) -> [Double] {
    var numbers: [Double] = []
    var current = ""
    for character in data {
        if character.isNumber || character == "." || (character == "-" && current.isEmpty) || character == "e" {
            current.append(character)
        } else {
            if let value = Double(current) { numbers.append(value) }
            current = character == "-" ? "-" : ""
        }
    }
    if let value = Double(current) { numbers.append(value) }
    return numbers
}
