/// A piece of markup. Interpolating a `String` escapes it; interpolating `HTML` inserts it as is.
///
/// Templates write their markup as literals; every value that comes from content enters as a
/// `String` and is escaped. Markup made elsewhere enters only through `init(renderedMarkdown:)`,
/// which only this package can call: the Markdown renderer's output, and JSON-LD after
/// `jsonLDScript` has escaped it for a `<script>` element.
public struct HTML: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The markup as UTF-8. Bytes rather than a `String`: a page is assembled from hundreds of pieces, and appending
    /// bytes is a copy where appending to a `String` also checks and updates its breadcrumbs, counts and flags each time.
    public fileprivate(set) var utf8: [UInt8]

    public init(stringLiteral literal: String) {
        utf8 = Array(literal.utf8)
    }

    public init(stringInterpolation: StringInterpolation) {
        utf8 = stringInterpolation.utf8
    }

    /// HTML produced by the Markdown renderer (cmark-gfm in safe mode, links already rewritten).
    package init(renderedMarkdown: String) {
        utf8 = Array(renderedMarkdown.utf8)
    }

    public static let empty: HTML = ""

    public var markup: String { String(decoding: utf8, as: UTF8.self) }
    public var description: String { markup }
    public var isEmpty: Bool { utf8.isEmpty }

    /// Escapes text for use between tags and inside quoted attribute values.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscaping) else { return text }
        var escaped: [UInt8] = []
        appendEscaped(text, to: &escaped)
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Appends `text` to `markup`, escaped for use between tags and inside quoted attribute values.
    static func appendEscaped(_ text: String, to markup: inout [UInt8]) {
        // The bytes in place, where the string has them in one piece (every native string): taking a copy of the
        // string to call `withUTF8` on retains it, and many texts are shared by the pages on every core.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendEscaped(bytes: $0, to: &markup) }
        guard done == nil else { return }
        var copy = text
        copy.withUTF8 { appendEscaped(bytes: $0, to: &markup) }
    }

    private static func appendEscaped(bytes: UnsafeBufferPointer<UInt8>, to markup: inout [UInt8]) {
        // Most text has nothing to escape: then its bytes go in with one copy.
        let first = escapable.withUnsafeBufferPointer { escapable in bytes.firstIndex { escapable[Int($0)] } }
        guard let first else {
            markup.append(contentsOf: bytes)
            return
        }
        markup.reserveCapacity(markup.count + bytes.count + 16)
        markup.append(contentsOf: bytes[..<first])
        // Byte by byte: every character escaped is ASCII, or a C1 control written C2 80 to C2 9F.
        var index = first
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "&"): markup.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): markup.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): markup.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): markup.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): markup.append(contentsOf: "&#39;".utf8)
            case UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): markup.append(byte)
            // Control characters are not allowed in HTML, escaped or not (C1 included).
            case 0..<0x20, 0x7F: markup.append(contentsOf: replacementCharacter)
            case 0xC2 where index + 1 < bytes.count && (0x80..<0xA0).contains(bytes[index + 1]):
                markup.append(contentsOf: replacementCharacter)
                index += 1
            default: markup.append(byte)
            }
            index += 1
        }
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    /// `needsEscaping` of every byte, looked up: one load per byte instead of eight comparisons, over every text a site shows.
    private static let escapable: [Bool] = (0...255).map { needsEscaping(UInt8($0)) }

    private static let replacementCharacter = Array("\u{FFFD}".utf8)

    public struct StringInterpolation: StringInterpolationProtocol {
        var utf8: [UInt8] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            utf8.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) {
            utf8.append(contentsOf: literal.utf8)
        }

        public mutating func appendInterpolation(_ text: String) {
            HTML.appendEscaped(text, to: &utf8)
        }

        public mutating func appendInterpolation(_ html: HTML) {
            makeRoom(for: html.utf8.count)
            utf8.append(contentsOf: html.utf8)
        }

        public mutating func appendInterpolation(_ parts: [HTML]) {
            makeRoom(for: parts.reduce(0) { $0 + $1.utf8.count })
            for part in parts { utf8.append(contentsOf: part.utf8) }
        }

        /// Grows the buffer by half again what it will hold once `count` more bytes are in. A template's buffer starts at
        /// the size of its literals; `append` would grow it to fit a large piece (a page's main content) exactly, and
        /// the next literal would then copy the whole page again.
        private mutating func makeRoom(for count: Int) {
            let needed = utf8.count + count
            if needed > utf8.capacity { utf8.reserveCapacity(Swift.max(needed + needed / 2, 2 * utf8.capacity)) }
        }

        public mutating func appendInterpolation(_ number: Int) {
            utf8.append(contentsOf: String(number).utf8)
        }
    }
}

extension Array where Element == HTML {
    public func joined(separator: HTML = .empty) -> HTML {
        var result = HTML.empty
        result.utf8.reserveCapacity(reduce(0) { $0 + $1.utf8.count } + Swift.max(0, count - 1) * separator.utf8.count)
        for (index, part) in enumerated() {
            if index > 0 { result.utf8.append(contentsOf: separator.utf8) }
            result.utf8.append(contentsOf: part.utf8)
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
