import Foundation
import Yams

/// A content file as the editor opens and saves it: the front matter field by field, each with the exact text it was
/// written as, and the body byte for byte.
///
/// Saving writes back the text of every field the form left unchanged as it was, so a save changes only the lines of
/// the fields that changed. A field the form cannot show as a typed value (a key the model does not know, a comment
/// inside a value, a value of a shape the form has no input for) is shown and kept as its YAML text. Front matter that
/// is not YAML the editor can read field by field (a syntax error) is shown whole, as text.
public struct EntryDocument: Sendable {
    /// A field's value as the form holds it.
    public enum Value: Sendable, Hashable {
        case text(String)
        case list([String])
        case corrections([CorrectionDraft])
    }

    public struct CorrectionDraft: Sendable, Hashable {
        public var date: String
        public var note: String

        public init(date: String, note: String) {
            self.date = date
            self.note = note
        }
    }

    /// How the form shows a field that is written in the file.
    public enum Field: Sendable, Hashable {
        /// As a typed input.
        case value(Value)
        /// As its YAML text, because `reason`.
        case raw(String, reason: String)
    }

    /// What the form sends back.
    public struct Draft: Sendable, Hashable {
        /// Typed values by key; a key left out keeps the file's field as it is.
        public var values: [String: Value] = [:]
        /// YAML text by key, for the fields shown as text; an empty text removes the field.
        public var raw: [String: String] = [:]
        public var body: String = ""
        /// The whole front matter as text, when the form showed it so.
        public var frontMatter: String?

        public init(values: [String: Value] = [:], raw: [String: String] = [:], body: String = "", frontMatter: String? = nil) {
            self.values = values
            self.raw = raw
            self.body = body
            self.frontMatter = frontMatter
        }
    }

    /// The text a draft makes, and where each field landed in it (1-based file lines), to place problems at fields.
    public struct Rendered: Sendable, Hashable {
        public var text: String
        public var fieldLines: [String: ClosedRange<Int>]
        /// The file's line where the body starts.
        public var bodyFirstLine: Int
    }

    /// One top-level field as written.
    struct Segment: Sendable, Hashable {
        var key: String
        /// Comment and blank lines above it.
        var leading: String
        /// The key line and the lines of its value, each ending in a line break.
        var text: String
        var field: Field
    }

    public let file: EditedFile
    /// The file's text as the build reads it (no byte-order mark, LF line ends); empty for a new file.
    public let original: String
    /// Whether the file on disk starts with a byte-order mark, and ends its lines with CRLF: a save keeps both.
    let byteOrderMark: Bool
    let crlf: Bool
    let openingFence: String
    let closingFence: String
    public let body: String
    /// The fields in file order; empty when `unreadable` is set.
    let segments: [Segment]
    /// Comment and blank lines after the last field.
    let trailing: String
    /// The front matter's text.
    public let frontMatter: String
    /// Why the front matter cannot be shown field by field (a YAML error, as the build reports it), or nil.
    public let unreadable: Diagnostic?

    /// The digest of the file's bytes as read (SHA-256, hex); for a new file, that of no bytes.
    public let digest: String

    // MARK: - Reading

    /// A new file of `file`'s kind, empty.
    public init(new file: EditedFile) {
        self.file = file
        original = ""
        byteOrderMark = false
        crlf = false
        openingFence = file.hasBody ? "---\n" : ""
        closingFence = file.hasBody ? "---\n" : ""
        body = ""
        segments = []
        trailing = ""
        frontMatter = ""
        unreadable = nil
        digest = SHA256.hex([])
    }

    /// The file as read from its bytes. `displayPath`: the file as messages name it (`content/quotes/x.md`).
    /// Fails with the loader's message for bytes that are not content text (not UTF-8, control characters), or for a
    /// Markdown file without front matter fences.
    public init(file: EditedFile, bytes: [UInt8], displayPath: String) throws(Diagnostic) {
        self.file = file
        digest = SHA256.hex(bytes)
        byteOrderMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        crlf = bytes.contains(UInt8(ascii: "\r"))
        let text: String
        switch ContentLoader.text(of: bytes, path: displayPath) {
        case .success(let read): text = read
        case .failure(let problem): throw problem
        }
        original = text

        let region: Substring
        if file.hasBody {
            let split: FrontMatterSplit
            switch FrontMatterParser.split(text, path: displayPath) {
            case .success(let value): split = value
            case .failure(let problem): throw problem
            }
            // The fences are the first line and the line before the body, kept as written (spaces and all).
            let lines = Self.lineRanges(text)
            let closingLine = lines[split.bodyFirstLine - 2]
            let afterOpening = Self.lineEnd(lines[0], in: text)
            openingFence = String(text[lines[0].lowerBound..<afterOpening])
            closingFence = String(text[closingLine.lowerBound..<Self.lineEnd(closingLine, in: text)])
            region = text[afterOpening..<closingLine.lowerBound]
            body = split.body
        } else {
            openingFence = ""
            closingFence = ""
            region = text[...]
            body = ""
        }
        frontMatter = String(region)

        switch Self.segments(of: String(region), fields: file.fields) {
        case .success(let (segments, trailing)):
            self.segments = segments
            self.trailing = trailing
            unreadable = nil
        case .failure:
            segments = []
            trailing = ""
            unreadable = Self.yamlProblem(file: file, yaml: String(region), displayPath: displayPath)
        }
    }

    /// Every field written in the file, by key.
    public var fields: [String: Field] {
        Dictionary(segments.map { ($0.key, $0.field) }, uniquingKeysWith: { first, _ in first })
    }

    /// Keys written in the file that the model does not know, in file order.
    public var unknownKeys: [String] {
        let known = Set(file.fields.map(\.key))
        return segments.map(\.key).filter { !known.contains($0) }
    }

    /// The value the form shows for `field`: what the file holds, or empty.
    public func value(of field: FieldDescriptor) -> Value {
        if case .value(let value)? = fields[field.key] { return value }
        return Self.empty(field.type)
    }

    static func empty(_ type: FieldDescriptor.ValueType) -> Value {
        switch type {
        case .references, .texts: return .list([])
        case .corrections: return .corrections([])
        default: return .text("")
        }
    }

    // MARK: - Writing

    /// The text of the file with `draft` applied, without the byte-order mark and with LF line ends (as the build reads
    /// it). A draft that changes nothing gives the file's text unchanged.
    public func render(_ draft: Draft) -> Rendered {
        if let frontMatter = draft.frontMatter {
            var yaml = frontMatter
            if !yaml.isEmpty, !yaml.hasSuffix("\n") { yaml += "\n" }
            let text = opening + yaml + closing + (file.hasBody ? draft.body : "")
            return Rendered(text: text, fieldLines: [:], bodyFirstLine: Self.lineCount(opening + yaml) + 2)
        }

        let schema = file.fields
        let order = Dictionary(schema.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        var changed = false
        // Each field's new text, or nil when it goes.
        var pieces: [(key: String, leading: String, text: String)] = []
        var written: Set<String> = []
        for segment in segments {
            written.insert(segment.key)
            let descriptor = schema.first { $0.key == segment.key }
            if let raw = draft.raw[segment.key] {
                let text = raw.isEmpty || raw.hasSuffix("\n") ? raw : raw + "\n"
                if text != segment.text { changed = true }
                // An emptied field goes; the comments above it stay.
                pieces.append((segment.key, segment.leading, text))
                continue
            }
            guard let descriptor, case .value(let before) = segment.field, let after = draft.values[segment.key],
                  !Self.same(before, after, descriptor.type) else {
                pieces.append((segment.key, segment.leading, segment.text))
                continue
            }
            changed = true
            pieces.append((segment.key, segment.leading, Self.yaml(descriptor, after) ?? ""))
        }
        for descriptor in schema where !written.contains(descriptor.key) {
            guard let value = draft.values[descriptor.key], let text = Self.yaml(descriptor, value) else { continue }
            changed = true
            pieces.append((descriptor.key, "", text))
        }
        if !changed, draft.body == body, !original.isEmpty {
            return Rendered(text: original, fieldLines: fieldLines(of: pieces, after: opening), bodyFirstLine: bodyFirstLine(of: pieces))
        }

        // The model's order; a key the model does not know stays after the field it followed.
        var anchor = -1
        var keyed: [(rank: Int, index: Int, piece: (key: String, leading: String, text: String))] = []
        for (index, piece) in pieces.enumerated() {
            if let rank = order[piece.key] { anchor = rank }
            keyed.append((order[piece.key] ?? anchor, index, piece))
        }
        let ordered = keyed.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.map(\.piece)
        let yaml = ordered.map { $0.leading + $0.text }.joined() + trailing
        let text = opening + yaml + closing + (file.hasBody ? draft.body : "")
        return Rendered(text: text, fieldLines: fieldLines(of: ordered, after: opening), bodyFirstLine: bodyFirstLine(of: ordered))
    }

    /// The bytes to write for `text` (as `render` gives it): with the byte-order mark and CRLF line ends if the file had them.
    public func bytes(of text: String) -> [UInt8] {
        var text = text
        if crlf { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        return (byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }

    /// The fence lines as the file has them; `---` for a new file, and a line break after the closing one if the file
    /// ended right after it.
    private var opening: String {
        guard file.hasBody else { return "" }
        return openingFence.isEmpty ? "---\n" : openingFence.hasSuffix("\n") ? openingFence : openingFence + "\n"
    }

    private var closing: String {
        guard file.hasBody else { return "" }
        return closingFence.isEmpty ? "---\n" : closingFence.hasSuffix("\n") ? closingFence : closingFence + "\n"
    }

    private func fieldLines(of pieces: [(key: String, leading: String, text: String)], after opening: String) -> [String: ClosedRange<Int>] {
        var line = Self.lineCount(opening) + 1
        var lines: [String: ClosedRange<Int>] = [:]
        for piece in pieces {
            line += Self.lineCount(piece.leading)
            let count = Self.lineCount(piece.text)
            if count > 0 { lines[piece.key] = line...(line + count - 1) }
            line += count
        }
        return lines
    }

    private func bodyFirstLine(of pieces: [(key: String, leading: String, text: String)]) -> Int {
        Self.lineCount(opening + pieces.map { $0.leading + $0.text }.joined() + trailing) + 2
    }

    static func lineCount(_ text: String) -> Int {
        text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    // MARK: - Values as YAML

    /// Whether the form's value is the file's, as far as the site is concerned.
    static func same(_ before: Value, _ after: Value, _ type: FieldDescriptor.ValueType) -> Bool {
        if case .flag = type, case .text(let a) = before, case .text(let b) = after { return flag(a) == flag(b) }
        return normalised(before, type) == normalised(after, type)
    }

    private static func normalised(_ value: Value, _ type: FieldDescriptor.ValueType) -> Value {
        switch value {
        case .text: return value
        case .list(let items): return .list(items.filter { !$0.isEmpty })
        case .corrections(let items): return .corrections(items.filter { !($0.date.isEmpty && $0.note.isEmpty) })
        }
    }

    /// `yes`, `on`, `true` as true; anything else as false.
    static func flag(_ text: String) -> Bool {
        ["true", "yes", "on", "y"].contains(text.lowercased())
    }

    static func isEmpty(_ value: Value, _ type: FieldDescriptor.ValueType) -> Bool {
        switch normalised(value, type) {
        case .text(let text):
            if case .flag = type { return !flag(text) }
            return text.isEmpty
        case .list(let items): return items.isEmpty
        case .corrections(let items): return items.isEmpty
        }
    }

    /// The lines of a field as a save writes it; nil for an empty optional field, which is left out.
    static func yaml(_ field: FieldDescriptor, _ value: Value) -> String? {
        if isEmpty(value, field.type), !field.isRequired { return nil }
        let key = field.key
        switch (field.type, normalised(value, field.type)) {
        case (.flag, .text(let text)):
            return "\(key): \(flag(text))\n"
        case (.number, .text(let text)):
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            let isNumber = !digits.isEmpty && digits.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            return "\(key): \(isNumber ? text : quoted(text))\n"
        case (.reference, .text(let text)), (.choice, .text(let text)), (.image, .text(let text)):
            return "\(key): \(plainOrQuoted(text))\n"
        case (_, .text(let text)):
            return "\(key): \(quoted(text))\n"
        case (.references, .list(let items)):
            return "\(key): [\(items.map(plainOrQuoted).joined(separator: ", "))]\n"
        case (_, .list(let items)):
            return "\(key): [\(items.map(quoted).joined(separator: ", "))]\n"
        case (_, .corrections(let items)):
            guard !items.isEmpty else { return "\(key): []\n" }
            return "\(key):\n" + items.map { "  - date: \(quoted($0.date))\n    note: \(quoted($0.note))\n" }.joined()
        }
    }

    /// An id or a word as it is when YAML reads it back as the same text; in quotes otherwise.
    static func plainOrQuoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
        let special = ["true", "false", "yes", "no", "on", "off", "y", "n", "null"]
        // All digits (a number to YAML) or digits and hyphens (a date) is text only in quotes.
        let numeric = text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
        guard plain, !numeric, !text.hasPrefix("-"), !special.contains(text) else { return quoted(text) }
        return text
    }

    static func quoted(_ text: String) -> String {
        FrontMatterParser.quoted(text)
    }

    // MARK: - Front matter, field by field

    private struct Unreadable: Error {}

    /// The fields of `yaml` in file order, each with its lines, and the comment lines after the last; fails for YAML
    /// that is not a mapping of keys written at the start of their lines.
    private static func segments(of yaml: String, fields schema: [FieldDescriptor]) -> Result<([Segment], String), Unreadable> {
        guard FrontMatterParser.lineNestedTooDeeply(yaml) == nil else { return .failure(Unreadable()) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch {
            return .failure(Unreadable())
        }
        let lines = lineRanges(yaml)
        guard let root else {
            // Only comments and blank lines (or nothing).
            return .success(([], yaml))
        }
        guard let mapping = root.mapping else { return .failure(Unreadable()) }
        var starts: [(key: String, line: Int, value: Node)] = []
        for (key, value) in mapping {
            guard let name = key.string, let mark = key.mark, mark.column == 1, mark.line >= 1, mark.line <= lines.count else {
                return .failure(Unreadable())
            }
            starts.append((name, mark.line - 1, value))
        }
        // Anything but comments before the first key (a directive, a document marker) is not for the form.
        let firstLine = starts.first?.line ?? lines.count
        guard lines[..<firstLine].allSatisfy({ isTrivia(yaml[$0]) }) else { return .failure(Unreadable()) }

        func text(_ range: Range<Int>) -> String {
            range.isEmpty ? "" : String(yaml[lines[range.lowerBound].lowerBound..<lineEnd(lines[range.upperBound - 1], in: yaml)])
        }
        var segments: [Segment] = []
        var leadingStart = 0
        let byKey = Dictionary(schema.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, start) in starts.enumerated() {
            var end = index + 1 < starts.count ? starts[index + 1].line : lines.count
            let isBlockScalar = start.value.scalar.map { $0.style == .literal || $0.style == .folded } ?? false
            if !isBlockScalar {
                while end > start.line + 1, isTrivia(yaml[lines[end - 1]]) { end -= 1 }
            }
            let segmentText = text(start.line..<end)
            let field: Field
            if let descriptor = byKey[start.key] {
                field = typedField(descriptor, node: start.value, text: segmentText, isBlockScalar: isBlockScalar)
            } else {
                field = .raw(segmentText, reason: "'\(start.key)' is not a field of this kind of file\(didYouMean(start.key, in: schema.map(\.key)))")
            }
            segments.append(Segment(key: start.key, leading: text(leadingStart..<start.line), text: segmentText, field: field))
            leadingStart = end
        }
        return .success((segments, text(leadingStart..<lines.count)))
    }

    /// The typed value of a field, or its text when the form cannot show it as a value.
    private static func typedField(_ descriptor: FieldDescriptor, node: Node, text: String, isBlockScalar: Bool) -> Field {
        if !isBlockScalar, hasComment(text) {
            return .raw(text, reason: "it has a comment in it, which a typed field would lose")
        }
        let afterColon = text.drop { $0 != ":" }.dropFirst().drop { $0 == " " }
        if let first = afterColon.first, "&*!".contains(first) {
            return .raw(text, reason: "it uses a YAML anchor, alias or tag")
        }
        let shapeProblem = Field.raw(text, reason: "its value is not written as \(shape(of: descriptor.type))")
        switch descriptor.type {
        case .text, .longText, .date, .reference, .choice, .flag, .url, .number, .image, .focus:
            guard let scalar = node.scalar else { return shapeProblem }
            if descriptor.type == .flag { return .value(.text(flag(scalar.string) ? "true" : "false")) }
            return .value(.text(isNull(scalar) ? "" : scalar.string))
        case .references, .texts:
            if let scalar = node.scalar, isNull(scalar) { return .value(.list([])) }
            guard let items = node.sequence, items.allSatisfy({ $0.scalar != nil }) else { return shapeProblem }
            return .value(.list(items.compactMap { $0.scalar?.string }))
        case .corrections:
            if let scalar = node.scalar, isNull(scalar) { return .value(.corrections([])) }
            guard let items = node.sequence else { return shapeProblem }
            var corrections: [CorrectionDraft] = []
            for item in items {
                guard let mapping = item.mapping, mapping.allSatisfy({ ["date", "note"].contains($0.key.string ?? "") && $0.value.scalar != nil })
                else { return shapeProblem }
                corrections.append(CorrectionDraft(date: mapping["date"]?.scalar?.string ?? "", note: mapping["note"]?.scalar?.string ?? ""))
            }
            return .value(.corrections(corrections))
        }
    }

    private static func shape(of type: FieldDescriptor.ValueType) -> String {
        switch type {
        case .references, .texts: return "a list"
        case .corrections: return "a list of dates and notes"
        default: return "a single value"
        }
    }

    private static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Whether YAML `text` holds a comment: a `#` at the start of a line or after a space, outside quotes.
    static func hasComment(_ text: String) -> Bool {
        var quote: Character?
        var previous: Character = " "
        var atLineStart = true
        for character in text {
            if character == "\n" {
                previous = " "
                atLineStart = true
                continue
            }
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                // A quote opens a quoted value only where a value starts, not inside a word ("it's").
                if previous == " " || previous == "[" || previous == "," || previous == ":" || atLineStart { quote = character }
            } else if character == "#", previous == " " || previous == "\t" || atLineStart {
                return true
            }
            if character != " " { atLineStart = false }
            previous = character
        }
        return false
    }

    /// Blank lines and comment lines.
    private static func isTrivia(_ line: Substring) -> Bool {
        let rest = line.drop { $0 == " " || $0 == "\t" }
        return rest.isEmpty || rest.first == "#"
    }

    /// Each line of `text` without its line break.
    static func lineRanges(_ text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
            ranges.append(start..<end)
            start = end < text.endIndex ? text.index(after: end) : end
        }
        return ranges
    }

    /// The end of a line with its line break, if it has one.
    private static func lineEnd(_ line: Range<String.Index>, in text: String) -> String.Index {
        line.upperBound < text.endIndex ? text.index(after: line.upperBound) : line.upperBound
    }

    /// The first problem the build finds in front matter the editor cannot read.
    private static func yamlProblem(file: EditedFile, yaml: String, displayPath: String) -> Diagnostic {
        let problems: [Diagnostic]
        func decode<Fields: FrontMatterFields>(_ type: Fields.Type) -> [Diagnostic] {
            let firstLine = file.hasBody ? 2 : 1
            switch FrontMatterParser.decodeWithYams(type, yaml: yaml, path: displayPath, firstLine: firstLine) {
            case .success: return []
            case .failure(let failure): return failure.diagnostics
            }
        }
        switch file {
        case .siteConfig: problems = decode(SiteConfig.self)
        case .entry(.overview, _): problems = decode(OverviewFields.self)
        case .entry(.person, _): problems = decode(PersonFields.self)
        case .entry(.quote, _): problems = decode(QuoteFields.self)
        case .entry(.event, _): problems = decode(EventFields.self)
        case .entry(.source, _): problems = decode(SourceFields.self)
        case .entry(.page, _): problems = decode(PageFields.self)
        case .entry(.topic, _): problems = decode(TopicFields.self)
        case .image: problems = decode(ImageFields.self)
        }
        return problems.first ?? Diagnostic(SourceLocation(path: displayPath), "the front matter cannot be shown field by field: edit it as text")
    }
}
