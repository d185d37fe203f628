/// Front matter of the shape editors write — `key: value` lines of plain or quoted text, `[a, b]` lists and
/// `- item` lines — read without libyaml, and decoded without YAMLDecoder, which spends most of its time on
/// resolving tags with regular expressions and looking keys up by node equality.
///
/// Anything else, and anything this reader cannot be sure to read exactly as Yams would, gives nil, and the
/// Yams path decodes the front matter (and reports any problem in it) as before.
enum SimpleYAML {
    struct Scalar: Sendable, Hashable {
        var text: String
        /// Unquoted: only plain text can be null, a number or true/false.
        var plain: Bool
        /// Where the scalar starts in the YAML text, 1-based; the column in Unicode scalars, as libyaml counts.
        var line: Int
        var column: Int

        /// What YAMLDecoder's `decodeNil` takes for null.
        var isNull: Bool {
            plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
        }
    }

    enum Value: Sendable, Hashable {
        case scalar(Scalar)
        case list([Scalar])
        case fields([String: Value])

        /// The text of a single value; nil for a list or fields.
        var scalarText: String? {
            if case .scalar(let scalar) = self { return scalar.text }
            return nil
        }
    }

    struct Field: Sendable, Hashable {
        var key: String
        /// The key is always in column 1.
        var line: Int
        var value: Value
    }

    /// The top-level fields of `yaml` in order, or nil if it is not written in the simple shape.
    /// Keys are not checked for duplicates here.
    static func parse(_ yaml: String) -> [Field]? {
        var yaml = yaml
        return yaml.withUTF8 { bytes in
            guard onlySimpleCharacters(bytes) else { return nil }
            var reader = Reader(bytes: bytes)
            return reader.fields()
        }
    }

    /// No tab, no control character, and none of the characters libyaml treats specially or refuses: NEL, the
    /// line and paragraph separators, a byte order mark, U+0080–U+009F, U+FFFE and U+FFFF.
    private static func onlySimpleCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if (byte < 0x20 && byte != UInt8(ascii: "\n")) || byte == 0x7F { return false }
            } else {
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                let third = index + 2 < bytes.count ? bytes[index + 2] : 0
                switch (byte, next, third) {
                case (0xC2, 0x80...0x9F, _), (0xE2, 0x80, 0xA8...0xA9), (0xEF, 0xBB, 0xBF), (0xEF, 0xBF, 0xBE...0xBF):
                    return false
                default: break
                }
            }
            index += 1
        }
        return true
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        /// The current line: its number, and where it starts and ends (before its `\n`) in `bytes`.
        var line = 1
        var start = 0
        var end = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            end = lineEnd(from: 0)
        }

        var atEnd: Bool { start > bytes.count }

        mutating func nextLine() {
            line += 1
            start = end + 1
            end = start > bytes.count ? start : lineEnd(from: start)
        }

        func lineEnd(from index: Int) -> Int {
            var index = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            return index
        }

        func skipSpaces(from index: Int) -> Int {
            var index = index
            while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 }
            return index
        }

        /// Blank lines and lines that are only a comment.
        var isBlankOrComment: Bool {
            let first = skipSpaces(from: start)
            return first == end || bytes[first] == UInt8(ascii: "#")
        }

        /// The column of `index` in the current line, counted in Unicode scalars (UTF-8 lead bytes).
        func column(of index: Int) -> Int {
            var column = 1
            for position in start..<index where bytes[position] & 0xC0 != 0x80 { column += 1 }
            return column
        }

        mutating func fields() -> [Field]? {
            var fields: [Field] = []
            while !atEnd {
                if isBlankOrComment {
                    nextLine()
                    continue
                }
                // `key:` in column 1; a key written any other way (indented, quoted, `key :`, `? key`) is not read here.
                var index = start
                while index < end, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) || bytes[index] == UInt8(ascii: "_") {
                    index += 1
                }
                guard index > start, index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
                let key = String(decoding: bytes[start..<index], as: UTF8.self)
                let keyLine = line
                index += 1
                guard index == end || bytes[index] == UInt8(ascii: " ") else { return nil }
                index = skipSpaces(from: index)

                if index == end {
                    nextLine()
                    guard let items = blockList() else { return nil }
                    let value: Value = items.isEmpty ? .scalar(Scalar(text: "", plain: true, line: keyLine, column: index - start + 1)) : .list(items)
                    fields.append(Field(key: key, line: keyLine, value: value))
                    continue
                }
                let value: Value
                let after: Int
                if bytes[index] == UInt8(ascii: "[") {
                    guard let (items, next) = flowList(at: index) else { return nil }
                    (value, after) = (.list(items), next)
                } else {
                    guard let (scalar, next) = scalar(at: index, inList: false) else { return nil }
                    (value, after) = (.scalar(scalar), next)
                }
                guard skipSpaces(from: after) == end else { return nil }
                fields.append(Field(key: key, line: keyLine, value: value))
                nextLine()
            }
            return fields
        }

        /// `- item` lines, all at one indentation, up to the next line that is not one; nil if an item is not a
        /// single-line scalar.
        mutating func blockList() -> [Scalar]? {
            var items: [Scalar] = []
            var indent: Int?
            while !atEnd {
                if isBlankOrComment {
                    nextLine()
                    continue
                }
                let dash = skipSpaces(from: start)
                guard dash + 1 < end, bytes[dash] == UInt8(ascii: "-"), bytes[dash + 1] == UInt8(ascii: " ") else { break }
                guard indent == nil || indent == dash - start else { return nil }
                indent = dash - start
                let index = skipSpaces(from: dash + 1)
                guard index < end, let (item, after) = scalar(at: index, inList: false), skipSpaces(from: after) == end else { return nil }
                items.append(item)
                nextLine()
            }
            return items
        }

        /// `[a, "b", 'c']` on one line, returning the index after `]`; nil for empty items and nested lists.
        func flowList(at open: Int) -> ([Scalar], Int)? {
            var items: [Scalar] = []
            var index = skipSpaces(from: open + 1)
            if index < end, bytes[index] == UInt8(ascii: "]") { return ([], index + 1) }
            while index < end {
                guard let (item, after) = scalar(at: index, inList: true) else { return nil }
                items.append(item)
                index = skipSpaces(from: after)
                guard index < end else { return nil }
                if bytes[index] == UInt8(ascii: "]") { return (items, index + 1) }
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index = skipSpaces(from: index + 1)
            }
            return nil
        }

        /// A quoted or plain scalar starting at `index` and ending on this line, with the index after it.
        func scalar(at index: Int, inList: Bool) -> (Scalar, Int)? {
            switch bytes[index] {
            case UInt8(ascii: "\""): return doubleQuoted(at: index)
            case UInt8(ascii: "'"): return singleQuoted(at: index)
            default: return plain(at: index, inList: inList)
            }
        }

        /// Only `\"` and `\\` are read; any other escape is left to libyaml.
        func doubleQuoted(at open: Int) -> (Scalar, Int)? {
            var text: [UInt8] = []
            var index = open + 1
            while index < end {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    return (Scalar(text: String(decoding: text, as: UTF8.self), plain: false, line: line, column: column(of: open)), index + 1)
                case UInt8(ascii: "\\"):
                    guard index + 1 < end, bytes[index + 1] == UInt8(ascii: "\"") || bytes[index + 1] == UInt8(ascii: "\\") else { return nil }
                    text.append(bytes[index + 1])
                    index += 2
                default:
                    text.append(bytes[index])
                    index += 1
                }
            }
            return nil
        }

        func singleQuoted(at open: Int) -> (Scalar, Int)? {
            var text: [UInt8] = []
            var index = open + 1
            while index < end {
                if bytes[index] == UInt8(ascii: "'") {
                    guard index + 1 < end, bytes[index + 1] == UInt8(ascii: "'") else {
                        return (Scalar(text: String(decoding: text, as: UTF8.self), plain: false, line: line, column: column(of: open)), index + 1)
                    }
                    index += 1
                }
                text.append(bytes[index])
                index += 1
            }
            return nil
        }

        /// Plain text to the end of the line, or in a list to the next `,` or `]`. Refused: a first character
        /// that is a YAML indicator (except `-` before a letter or digit), any `#` (a comment may start there),
        /// `: ` or a `:` at the end (a nested mapping), and in a list any `:` or bracket.
        func plain(at first: Int, inList: Bool) -> (Scalar, Int)? {
            let indicators = "-?:,[]{}#&*!|>'\"%@`".utf8
            if indicators.contains(bytes[first]) {
                guard bytes[first] == UInt8(ascii: "-"), first + 1 < end, isLetterOrDigit(bytes[first + 1]) else { return nil }
            }
            var index = first
            var last = first
            while index < end {
                let byte = bytes[index]
                if inList, byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") { break }
                switch byte {
                case UInt8(ascii: "#"): return nil
                case UInt8(ascii: ":"):
                    if inList || index + 1 == end || bytes[index + 1] == UInt8(ascii: " ") { return nil }
                case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "}"):
                    if inList { return nil }
                default: break
                }
                if byte != UInt8(ascii: " ") { last = index + 1 }
                index += 1
            }
            return (Scalar(text: String(decoding: bytes[first..<last], as: UTF8.self), plain: true, line: line, column: column(of: first)), last)
        }

        func isLetterOrDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}

/// Decodes the front matter types from `SimpleYAML` values as YAMLDecoder decodes them from the same YAML, through
/// their own `Decodable` conformances. Whatever YAMLDecoder might read differently throws instead.
/// Errors are never shown (the Yams path reports them), so no coding path is kept.
struct SimpleYAMLDecoder: Decoder {
    struct Unsupported: Error {}

    let value: SimpleYAML.Value
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .fields(let fields) = value else { throw Unsupported() }
        return KeyedDecodingContainer(Keyed(fields: fields))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .list(let items) = value else { throw Unsupported() }
        return Unkeyed(items: items)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { Single(value: value) }

    private struct Single: SingleValueDecodingContainer {
        let value: SimpleYAML.Value
        var codingPath: [CodingKey] { [] }

        func scalar() throws -> SimpleYAML.Scalar {
            guard case .scalar(let scalar) = value else { throw Unsupported() }
            return scalar
        }

        func decodeNil() -> Bool { (try? scalar())?.isNull ?? false }

        /// YAMLDecoder gives any scalar's text as it is, whatever type it resolves to.
        func decode(_ type: String.Type) throws -> String { try scalar().text }

        /// YAMLDecoder takes plain `true`, `yes` and `on` and their opposites, as the YAML 1.1 resolver spells them.
        func decode(_ type: Bool.Type) throws -> Bool {
            let scalar = try scalar()
            guard scalar.plain else { throw Unsupported() }
            switch scalar.text {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
            default: throw Unsupported()
            }
        }

        /// Only plain decimal numbers without a leading zero, sign `+` or `_`: YAMLDecoder reads those alike, and
        /// reads `010` as octal, `0x10` as hexadecimal and `1:30` as base 60.
        func decode(_ type: Int.Type) throws -> Int {
            let scalar = try scalar()
            let text = scalar.text.utf8
            let digits = text.first == UInt8(ascii: "-") ? text.dropFirst() : text[...]
            guard scalar.plain, let first = digits.first, first != UInt8(ascii: "0") || text.count == 1,
                  digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let number = Int(scalar.text)
            else { throw Unsupported() }
            return number
        }

        func decode(_ type: Double.Type) throws -> Double { throw Unsupported() }
        func decode(_ type: Float.Type) throws -> Float { throw Unsupported() }
        func decode(_ type: Int8.Type) throws -> Int8 { throw Unsupported() }
        func decode(_ type: Int16.Type) throws -> Int16 { throw Unsupported() }
        func decode(_ type: Int32.Type) throws -> Int32 { throw Unsupported() }
        func decode(_ type: Int64.Type) throws -> Int64 { throw Unsupported() }
        func decode(_ type: UInt.Type) throws -> UInt { throw Unsupported() }
        func decode(_ type: UInt8.Type) throws -> UInt8 { throw Unsupported() }
        func decode(_ type: UInt16.Type) throws -> UInt16 { throw Unsupported() }
        func decode(_ type: UInt32.Type) throws -> UInt32 { throw Unsupported() }
        func decode(_ type: UInt64.Type) throws -> UInt64 { throw Unsupported() }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: SimpleYAMLDecoder(value: value)) }
    }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let fields: [String: SimpleYAML.Value]
        var codingPath: [CodingKey] { [] }
        var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

        func decoder(_ key: Key) throws -> SimpleYAMLDecoder {
            guard let value = fields[key.stringValue] else { throw Unsupported() }
            return SimpleYAMLDecoder(value: value)
        }

        func value<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T { try T(from: decoder(key)) }

        func decodeNil(forKey key: Key) throws -> Bool { try decoder(key).singleValueContainer().decodeNil() }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(type, key) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(type, key) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try decoder(key).unkeyedContainer() }
        func superDecoder() throws -> Decoder { throw Unsupported() }
        func superDecoder(forKey key: Key) throws -> Decoder { throw Unsupported() }
    }

    /// Items are scalars: a list of lists or of fields is never read by `SimpleYAML`.
    private struct Unkeyed: UnkeyedDecodingContainer {
        let items: [SimpleYAML.Scalar]
        var codingPath: [CodingKey] { [] }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }
        var currentIndex = 0

        init(items: [SimpleYAML.Scalar]) { self.items = items }

        mutating func value<T: Decodable>(_ type: T.Type) throws -> T {
            guard !isAtEnd else { throw Unsupported() }
            let decoded = try T(from: SimpleYAMLDecoder(value: .scalar(items[currentIndex])))
            currentIndex += 1
            return decoded
        }

        /// YAMLDecoder moves past an item whether or not it is null, where other decoders move only past a null:
        /// no front matter type has a list of optionals, so it is left to YAMLDecoder.
        mutating func decodeNil() throws -> Bool { throw Unsupported() }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
        mutating func decode(_ type: String.Type) throws -> String { try value(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try value(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try value(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try value(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try value(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try value(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try value(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try value(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try value(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try value(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try value(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            throw Unsupported()
        }
        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { throw Unsupported() }
        mutating func superDecoder() throws -> Decoder { throw Unsupported() }
    }
}
