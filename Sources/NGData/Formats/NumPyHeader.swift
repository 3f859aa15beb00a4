/// The header of a NumPy `.npy` file: element type, memory order and shape.
///
/// The header is the text of a Python dictionary with exactly three keys, for example
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. It is parsed as a Python
/// literal (``PythonLiteral``), not matched loosely, so a malformed or unexpected header is an
/// error rather than a misread.
struct NumPyHeader: Equatable {
    /// The element type the data is read into.
    var elementType: ElementType
    /// How the data is stored in the file.
    var fileEncoding: FileEncoding
    /// Whether the data is in column-major (Fortran) order.
    var fortranOrder: Bool
    /// The shape, outermost axis first.
    var shape: [Int]

    /// The byte-level encoding of one element in the file.
    enum FileEncoding: Equatable {
        /// The element type itself, big- or little-endian.
        case native(bigEndian: Bool)
        /// IEEE half precision (`f2`), widened to `float32` on reading.
        case half(bigEndian: Bool)

        var bigEndian: Bool {
            switch self {
            case let .native(bigEndian), let .half(bigEndian): return bigEndian
            }
        }
    }

    /// Bytes per element in the file.
    var fileElementByteCount: Int {
        if case .half = fileEncoding { return 2 }
        return elementType.byteCount
    }

    /// The header dictionary's text; `path` names the file in errors.
    /// - Throws: ``DataError`` when the text is not a Python dictionary literal with exactly the
    ///   keys `descr`, `fortran_order` and `shape`, or names an unsupported type.
    init(parsing text: String, path: String) throws {
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch {
            throw DataError(path, "header is not a valid Python literal: \(error)")
        }
        guard case let .dictionary(entries) = literal else {
            throw DataError(path, "header is not a dictionary: \(abbreviated(text))")
        }
        var values: [String: PythonLiteral] = [:]
        for entry in entries {
            guard case let .string(name) = entry.key else { throw DataError(path, "header has a key that is not a string") }
            values[name] = entry.value
        }
        let keys = Set(values.keys)
        guard keys == ["descr", "fortran_order", "shape"], entries.count == 3 else {
            throw DataError(path, "header keys are \(keys.sorted()), expected exactly ['descr', 'fortran_order', 'shape']")
        }
        guard case let .string(descriptor) = values["descr"]! else {
            throw DataError(path, "structured or non-string dtype descriptions are not supported (only plain numeric types)")
        }
        guard case let .boolean(fortranOrder) = values["fortran_order"]! else {
            throw DataError(path, "header 'fortran_order' must be True or False")
        }
        guard case let .tuple(dimensions) = values["shape"]! else {
            throw DataError(path, "header 'shape' must be a tuple of integers")
        }
        var shape: [Int] = []
        for dimension in dimensions {
            guard case let .integer(size) = dimension, size >= 0 else {
                throw DataError(path, "header 'shape' must be a tuple of non-negative integers")
            }
            shape.append(size)
        }
        (elementType, fileEncoding) = try Self.type(describedBy: descriptor, path: path)
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// A header for writing `elementType` little-endian in row-major order.
    init(elementType: ElementType, shape: [Int]) {
        self.elementType = elementType
        self.fileEncoding = .native(bigEndian: false)
        self.fortranOrder = false
        self.shape = shape
    }

    /// The dictionary text as NumPy's `np.save` writes it, before padding: keys sorted,
    /// `repr` values, a trailing ", " and the 21 − len(repr(shape[0])) spaces NumPy reserves so
    /// the first dimension can grow in place.
    var dictionaryText: String {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let descriptor = Self.descriptor(of: elementType)
        var text = "{'descr': '\(descriptor)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        if let growthAxis = fortranOrder ? shape.last : shape.first {
            text += String(repeating: " ", count: max(0, 21 - String(growthAxis).count))
        }
        return text
    }

    /// NumPy's little-endian type string for `type` ('<f4', '|u1', …).
    static func descriptor(of type: ElementType) -> String {
        switch type {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int8: return "|i1"
        case .int16: return "<i2"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .uint8: return "|u1"
        case .uint16: return "<u2"
        case .uint32: return "<u4"
        case .uint64: return "<u8"
        }
    }

    /// The element type and file encoding of a NumPy type string: a byte order (`<` little,
    /// `>` big, `=` this machine's, `|` not applicable, for one-byte types), a kind (`f`, `i`,
    /// `u`) and a size in bytes.
    private static func type(describedBy descriptor: String, path: String) throws -> (ElementType, FileEncoding) {
        let unsupported = DataError(path, "unsupported dtype '\(descriptor)' (supported: <f2 (read as float32), <f4, <f8, |i1, <i2, <i4, <i8, |u1, <u2, <u4, <u8, little- or big-endian)")
        guard let order = descriptor.first, "<>=|".contains(order) else { throw unsupported }
        let code = descriptor.dropFirst()
        let types: [Substring: ElementType] = [
            "f4": .float32, "f8": .float64, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
            "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64,
        ]
        let bigEndian = order == ">" || (order == "=" && hostIsBigEndian)
        let size = code == "f2" ? 2 : types[code]?.byteCount
        guard let size else { throw unsupported }
        if order == "|" && size > 1 {
            throw DataError(path, "dtype '\(descriptor)' has no byte order ('|' is only for one-byte types)")
        }
        if code == "f2" { return (.float32, .half(bigEndian: bigEndian)) }
        return (types[code]!, .native(bigEndian: bigEndian))
    }
}

/// `text` cut to 80 characters for an error message.
func abbreviated(_ text: String) -> String {
    text.count <= 80 ? text : String(text.prefix(80)) + "…"
}
