/// A piece of markup. Interpolating a `String` escapes it; interpolating `HTML` inserts it as is.
///
/// Templates write their markup as literals; every value that comes from content enters as a
/// `String` and is escaped. Markup made elsewhere enters only through `init(renderedMarkdown:)`,
/// which only this package can call: the Markdown renderer's output, and JSON-LD after
/// `jsonLDScript` has escaped it for a `<script>` element.
public struct HTML: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public fileprivate(set) var markup: String

    public init(stringLiteral literal: String) {
        markup = literal
    }

    public init(stringInterpolation: StringInterpolation) {
        markup = stringInterpolation.markup
    }

    /// HTML produced by the Markdown renderer (cmark-gfm in safe mode, links already rewritten).
    package init(renderedMarkdown: String) {
        markup = renderedMarkdown
    }

    public static let empty: HTML = ""

    public var description: String { markup }
    public var isEmpty: Bool { markup.isEmpty }

    /// Escapes text for use between tags and inside quoted attribute values.
    public static func escape(_ text: String) -> String {
        // Most text has nothing to escape: check the bytes first (in place where the string is contiguous) and return it as it is.
        let needsEscaping: (UInt8) -> Bool = {
            $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
                || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'")
        }
        let hasSomethingToEscape = text.utf8.withContiguousStorageIfAvailable { $0.contains(where: needsEscaping) }
            ?? text.utf8.contains(where: needsEscaping)
        guard hasSomethingToEscape else { return text }
        // Byte by byte: every character escaped is ASCII, or a C1 control written C2 80 to C2 9F.
        let bytes = Array(text.utf8)
        var escaped: [UInt8] = []
        escaped.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "&"): escaped += Array("&amp;".utf8)
            case UInt8(ascii: "<"): escaped += Array("&lt;".utf8)
            case UInt8(ascii: ">"): escaped += Array("&gt;".utf8)
            case UInt8(ascii: "\""): escaped += Array("&quot;".utf8)
            case UInt8(ascii: "'"): escaped += Array("&#39;".utf8)
            case UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): escaped.append(byte)
            // Control characters are not allowed in HTML, escaped or not (C1 included).
            case 0..<0x20, 0x7F: escaped += replacementCharacter
            case 0xC2 where index + 1 < bytes.count && (0x80..<0xA0).contains(bytes[index + 1]):
                escaped += replacementCharacter
                index += 1
            default: escaped.append(byte)
            }
            index += 1
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    private static let replacementCharacter = Array("\u{FFFD}".utf8)

    public struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) {
            markup += literal
        }

        public mutating func appendInterpolation(_ text: String) {
            markup += HTML.escape(text)
        }

        public mutating func appendInterpolation(_ html: HTML) {
            markup += html.markup
        }

        public mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { markup += part.markup }
        }

        public mutating func appendInterpolation(_ number: Int) {
            markup += String(number)
        }
    }
}

extension Array where Element == HTML {
    public func joined(separator: HTML = .empty) -> HTML {
        var result = HTML.empty
        for (index, part) in enumerated() {
            if index > 0 { result.markup += separator.markup }
            result.markup += part.markup
        }
        return result
    }
}

extension Optional where Wrapped == String {
    /// `"\(optional.map { ... } ?? .empty)"` reads poorly in templates; this reads as intent.
    public func html(_ render: (String) -> HTML) -> HTML {
        map(render) ?? .empty
    }
}
