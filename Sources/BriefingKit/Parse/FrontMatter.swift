import Foundation
import Yams

/// A Markdown file split into its YAML front matter and its body.
struct FrontMatterSplit {
    var yaml: String
    /// Line in the file where the YAML text starts (the line after the opening `---`).
    var yamlFirstLine: Int
    var body: String
    /// Line in the file where the body starts.
    var bodyFirstLine: Int
}

/// Typed front matter read from YAML, with the line of every field for later error messages.
struct FrontMatter<Fields: Decodable> {
    var fields: Fields
    var editorial: EditorialFields
    var lines: FieldLines
}

/// Where each top-level field, and each item of a list field, was written.
struct FieldLines: Sendable, Hashable {
    var path: String
    var start: Int
    var keys: [String: SourceLocation] = [:]
    var items: [String: [SourceLocation]] = [:]

    /// The location of `key` (or of its `index`th list item), else the start of the front matter.
    func location(_ key: String, item index: Int? = nil) -> SourceLocation {
        if let index, let items = items[key], items.indices.contains(index) { return items[index] }
        return keys[key] ?? SourceLocation(path: path, line: start)
    }
}

/// A front matter type: the fields its descriptors list are the only ones an editor may write.
protocol FrontMatterFields: Decodable {
    associatedtype CodingKeys: FieldKey
    /// What the error messages call this kind of entry, e.g. "a quote".
    static var kindName: String { get }
    /// Whether `draft`, `updated` and `corrections` may be written too.
    static var hasEditorialFields: Bool { get }
    /// Every field, in the order files are written; `describedFields()`, kept once per type.
    static var fields: [FieldDescriptor] { get }
}

extension FrontMatterFields {
    static var hasEditorialFields: Bool { true }

    /// The descriptors of the type's own keys, then of the editorial ones where it takes them.
    static func describedFields() -> [FieldDescriptor] {
        CodingKeys.allCases.map(\.descriptor) + (hasEditorialFields ? EditorialFields.CodingKeys.allCases.map(\.descriptor) : [])
    }

    /// The keys that may be written.
    static var allowedKeys: [String] { fields.map(\.key) }
}

enum FrontMatterParser {
    /// Front matter is small; this many YAML nodes (after alias expansion) is far beyond any real file.
    static let nodeLimit = 10_000
    /// Front matter is at most three levels deep (fields, a list, a correction's fields). Yams composes
    /// nodes recursively, so very deep nesting (`[[[[…` a million times) would overflow the stack: it is
    /// refused before Yams sees it.
    static let nestingLimit = 64

    static func split(_ text: String, path: String) -> Result<FrontMatterSplit, Diagnostic> {
        let start = SourceLocation(path: path)
        if text.isEmpty {
            return .failure(Diagnostic(start, "empty file: expected front matter starting with a line '---'"))
        }
        // Scan lines as UTF-8 bytes: only the front matter's lines are looked at, never the body's.
        let bytes = text.utf8
        var lineStart = bytes.startIndex
        var lineNumber = 1
        var yamlStart: String.Index?
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            let line = text[lineStart..<lineEnd]
            let fence = isFence(line)
            let next = lineEnd == bytes.endIndex ? lineEnd : bytes.index(after: lineEnd)
            if lineNumber == 1 {
                guard fence else {
                    return .failure(Diagnostic(start, "missing front matter: the file must start with a line '---', then the fields, then a line '---'"))
                }
                yamlStart = next
            } else if fence, let yamlStart {
                let yaml = String(text[yamlStart..<lineStart].dropLast(lineStart > yamlStart ? 1 : 0))
                return .success(FrontMatterSplit(yaml: yaml, yamlFirstLine: 2, body: String(text[next...]), bodyFirstLine: lineNumber + 1))
            }
            lineStart = next
            lineNumber += 1
        }
        return .failure(Diagnostic(start, "front matter is not closed: add a line '---' after the last field"))
    }

    /// Whether `line` is `---`, with spaces around it or not. An ASCII line is checked on its bytes: Foundation's
    /// trimming cost 1 % of a build, on every short line of every front matter.
    private static func isFence(_ line: Substring) -> Bool {
        let bytes = line.utf8
        // The byte count first: counting Characters walks the whole line, and most lines are long fields.
        guard bytes.count < 64 else { return false }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return line.count < 16 && line.trimmingCharacters(in: .whitespaces) == "---" }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard bytes.count < 16, let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return false }
        return bytes[first...last].elementsEqual("---".utf8)
    }

    /// Decodes `yaml` (which starts at `firstLine` of the file at `path`) into `Fields`.
    /// `decoder` is passed in because creating a `YAMLDecoder` reads the whole process environment.
    static func decode<Fields: FrontMatterFields>(
        _ type: Fields.Type, yaml: String, path: String, firstLine: Int, decoder: YAMLDecoder = YAMLDecoder()
    ) -> Result<FrontMatter<Fields>, BuildFailure> {
        if let frontMatter = decodeSimple(type, yaml: yaml, path: path, firstLine: firstLine) { return .success(frontMatter) }
        return decodeWithYams(type, yaml: yaml, path: path, firstLine: firstLine, decoder: decoder)
    }

    /// The front matter decoded the fast way (see `SimpleYAML`), exactly as `decodeWithYams` would decode it;
    /// nil if it is not in the simple shape, or has any problem for `decodeWithYams` to report.
    /// Its values are scalars and lists of scalars, never more than `nestingLimit` deep.
    static func decodeSimple<Fields: FrontMatterFields>(_ type: Fields.Type, yaml: String, path: String, firstLine: Int) -> FrontMatter<Fields>? {
        guard let parsed = SimpleYAML.parse(yaml) else { return nil }
        let allowed = Fields.allowedKeys
        var lines = FieldLines(path: path, start: max(1, firstLine - 1))
        var fields: [String: SimpleYAML.Value] = [:]
        // As `withinBudget` counts them: the mapping, each key and value, each list item.
        var nodes = 1
        for field in parsed {
            guard allowed.contains(field.key), fields[field.key] == nil else { return nil }
            fields[field.key] = field.value
            lines.keys[field.key] = SourceLocation(path: path, line: field.line + firstLine - 1, column: 1)
            nodes += 2
            if case .list(let items) = field.value {
                lines.items[field.key] = items.map { SourceLocation(path: path, line: $0.line + firstLine - 1, column: $0.column) }
                nodes += items.count
            }
        }
        guard nodes <= nodeLimit else { return nil }

        let root = SimpleYAMLDecoder(value: .fields(fields))
        guard let decoded = try? Fields(from: root),
              let editorial = Fields.hasEditorialFields ? try? EditorialFields(from: root) : EditorialFields(),
              emptyRequiredText(Fields.self, lines: lines, value: { fields[$0].flatMap(\.scalarText) }).isEmpty,
              uncorrected(editorial, lines: lines).isEmpty
        else { return nil }
        return FrontMatter(fields: decoded, editorial: editorial, lines: lines)
    }

    /// Decodes any YAML with Yams, and reports every problem found in it.
    static func decodeWithYams<Fields: FrontMatterFields>(
        _ type: Fields.Type, yaml: String, path: String, firstLine: Int, decoder: YAMLDecoder = YAMLDecoder()
    ) -> Result<FrontMatter<Fields>, BuildFailure> {
        let startOfFrontMatter = SourceLocation(path: path, line: max(1, firstLine - 1))
        // libyaml puts the end of the text on a line of its own when the last line has no newline, so an error
        // found there would name a line the file does not have. The closing `---` follows front matter (firstLine > 1).
        let lastLine = firstLine + yaml.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } + (firstLine > 1 ? 1 : 0)
        func place(_ line: Int, _ column: Int) -> SourceLocation {
            let line = line + firstLine - 1
            guard line <= lastLine else { return SourceLocation(path: path, line: lastLine, column: 1) }
            return SourceLocation(path: path, line: line, column: max(1, column))
        }
        func at(_ mark: Mark?) -> SourceLocation {
            guard let mark else { return startOfFrontMatter }
            return place(mark.line, mark.column)
        }

        if let line = lineNestedTooDeeply(yaml) {
            return .failure([Diagnostic(SourceLocation(path: path, line: line + firstLine - 1),
                                        "front matter nested too deeply: more than \(nestingLimit) levels of lists and fields")])
        }

        let root: Node
        do {
            root = try Yams.compose(yaml: yaml, .default, .default, .utf8) ?? Node.mapping(Node.Mapping([]))
        } catch let error as YamlError {
            return .failure([yamlDiagnostic(error, yaml: yaml, firstLine: firstLine, at: at, place: place)
                ?? Diagnostic(startOfFrontMatter, "invalid YAML: \(error)")])
        } catch {
            return .failure([Diagnostic(startOfFrontMatter, "invalid YAML: \(error)")])
        }

        var budget = nodeLimit
        guard withinBudget(root, &budget) else {
            return .failure([Diagnostic(startOfFrontMatter, "front matter too large: more than \(nodeLimit) YAML values (are aliases expanding?)")])
        }
        guard let mapping = root.mapping else {
            return .failure([Diagnostic(at(root.mark), "front matter must be fields written as 'key: value'")])
        }

        var lines = FieldLines(path: path, start: startOfFrontMatter.line)
        var problems: [Diagnostic] = []
        let allowed = Fields.allowedKeys
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            lines.keys[key] = at(keyNode.mark)
            if let items = valueNode.sequence {
                lines.items[key] = items.map { at($0.mark) }
            }
            if !allowed.contains(key) {
                problems.append(Diagnostic(at(keyNode.mark), "unknown field '\(key)' in \(Fields.kindName)\(didYouMean(key, in: allowed)); allowed fields: \(allowed.joined(separator: ", "))"))
            } else if let mark = keyNode.mark, valueNode.scalar?.style == .plain, Fields.fields.contains(where: { $0.key == key && $0.takesFreeText }),
                      let cut = YAMLMistakes.cutByComment(yaml, line: mark.line) {
                problems.append(Diagnostic(place(cut.line, cut.column), cut.message))
            }
        }

        do {
            let fields = try decoder.decode(Fields.self, from: root)
            let editorial = Fields.hasEditorialFields ? try decoder.decode(EditorialFields.self, from: root) : EditorialFields()
            problems += emptyRequiredText(Fields.self, lines: lines, value: { mapping[$0]?.scalar?.string })
            problems += uncorrected(editorial, lines: lines)
            return problems.isEmpty ? .success(FrontMatter(fields: fields, editorial: editorial, lines: lines)) : .failure(BuildFailure(problems))
        } catch let error as DecodingError {
            problems.append(decodingDiagnostic(error, root: root, kindName: Fields.kindName, at: at))
            return .failure(BuildFailure(problems))
        } catch {
            problems.append(Diagnostic(startOfFrontMatter, "could not read front matter: \(error)"))
            return .failure(BuildFailure(problems))
        }
    }

    /// Decodes a whole YAML file such as `site.yaml`.
    static func decodeFile<Fields: FrontMatterFields>(_ type: Fields.Type, yaml: String, path: String) -> Result<FrontMatter<Fields>, BuildFailure> {
        decode(type, yaml: yaml, path: path, firstLine: 1)
    }

    // MARK: - Errors

    private static func yamlDiagnostic(_ error: YamlError, yaml: String, firstLine: Int, at: (Mark?) -> SourceLocation,
                                       place: (Int, Int) -> SourceLocation) -> Diagnostic? {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            if let mistake = YAMLMistakes.behindSyntaxError(in: yaml, errorLine: mark.line, errorColumn: mark.column, problem: problem,
                                                            firstLine: firstLine) {
                return Diagnostic(place(mistake.line, mistake.column), mistake.message)
            }
            let detail = context.map { "\($0.text) " } ?? ""
            return Diagnostic(at(mark), "invalid YAML: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(at(context.mark), "duplicate field '\(duplicates.joined(separator: "', '"))': each field may appear once")
        case .reader(let problem, _, _, _):
            return Diagnostic(at(nil), "invalid YAML: \(problem)")
        default:
            return nil
        }
    }

    private static func decodingDiagnostic(_ error: DecodingError, root: Node, kindName: String, at: (Mark?) -> SourceLocation) -> Diagnostic {
        func node(for path: [CodingKey]) -> Node? {
            var current: Node? = root
            for key in path {
                if let index = key.intValue, let sequence = current?.sequence {
                    current = sequence.indices.contains(index) ? sequence[index] : nil
                } else {
                    current = current?.mapping?[key.stringValue]
                }
            }
            return current
        }
        func name(_ path: [CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }

        switch error {
        case .keyNotFound(let key, let context):
            let field = name(context.codingPath + [key])
            return Diagnostic(at(nil), "missing required field '\(field)' in \(kindName)")
        case .typeMismatch(let expected, let context):
            let found = node(for: context.codingPath)
            if expected is Node.Sequence.Type, let scalar = found?.scalar, scalar.style == .plain, context.codingPath.count == 1 {
                return Diagnostic(at(found?.mark), YAMLMistakes.listWithoutBrackets(key: name(context.codingPath), value: scalar.string))
            }
            return Diagnostic(at(found?.mark), "field '\(name(context.codingPath))' must be \(describe(expected)), found \(describe(found))")
        case .valueNotFound(let expected, let context):
            let found = node(for: context.codingPath)
            return Diagnostic(at(found?.mark), "field '\(name(context.codingPath))' must be \(describe(expected)), found nothing")
        case .dataCorrupted(let context):
            let found = node(for: context.codingPath)
            return Diagnostic(at(found?.mark), "field '\(name(context.codingPath))': \(context.debugDescription)")
        @unknown default:
            return Diagnostic(at(nil), "could not read front matter: \(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Int.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        case is Node.Scalar.Type: return "a single value"
        case is Node.Sequence.Type: return "a list, e.g. [a, b]"
        case is Node.Mapping.Type: return "a set of fields"
        default: return "a \(type)"
        }
    }

    private static func describe(_ node: Node?) -> String {
        switch node {
        case .none: return "nothing"
        case .some(.mapping): return "a set of fields"
        case .some(.sequence): return "a list"
        case .some(.scalar(let scalar)): return scalar.string.isEmpty ? "an empty value" : "'\(scalar.string)'"
        default: return "an alias"
        }
    }

    /// The first line (1-based, in `yaml`) where lists and fields may be nested more than `nestingLimit` deep, counted
    /// from above: each more-indented line, each `- ` or `? ` that opens a block at the start of a line, and each
    /// unclosed `[` or `{` (quoted or not) counts as a level. Real front matter stays far below the limit.
    static func lineNestedTooDeeply(_ yaml: String) -> Int? {
        var indents: [Int] = []
        var flowDepth = 0
        var lineNumber = 0
        for line in yaml.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
            let rest = line.dropFirst(indent)
            guard let first = rest.first, first != UInt8(ascii: "#") else { continue }
            while let last = indents.last, last >= indent { indents.removeLast() }
            indents.append(indent)
            // `- - - x` opens three lists on one line.
            var compact = 0
            var index = rest.startIndex
            while index < rest.endIndex, rest[index] == UInt8(ascii: "-") || rest[index] == UInt8(ascii: "?") {
                let next = rest.index(after: index)
                guard next < rest.endIndex, rest[next] == UInt8(ascii: " ") else { break }
                compact += 1
                index = next
                while index < rest.endIndex, rest[index] == UInt8(ascii: " ") { index = rest.index(after: index) }
            }
            if indents.count + compact + flowDepth > nestingLimit { return lineNumber }
            for byte in rest[index...] {
                if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    flowDepth += 1
                    if indents.count + compact + flowDepth > nestingLimit { return lineNumber }
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    flowDepth = max(0, flowDepth - 1)
                }
            }
        }
        return nil
    }

    private static func withinBudget(_ node: Node, _ budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        if let sequence = node.sequence {
            for child in sequence where !withinBudget(child, &budget) { return false }
        } else if let mapping = node.mapping {
            for (key, value) in mapping where !withinBudget(key, &budget) || !withinBudget(value, &budget) { return false }
        }
        return true
    }

    private static func uncorrected(_ editorial: EditorialFields, lines: FieldLines) -> [Diagnostic] {
        (editorial.corrections ?? []).enumerated().compactMap { index, correction in
            guard isBlank(correction.note) else { return nil }
            return Diagnostic(lines.location("corrections", item: index), "correction \(index + 1) needs a 'note' saying what was corrected")
        }
    }

    /// `name:` with nothing after it decodes as an empty string; an empty name is as missing as no name.
    /// `value`: the text written for a key, if it was written as a single value.
    private static func emptyRequiredText<Fields: FrontMatterFields>(_ type: Fields.Type, lines: FieldLines,
                                                                    value: (String) -> String?) -> [Diagnostic] {
        Fields.fields.filter { $0.isRequired && $0.isText }.sorted { $0.key < $1.key }.compactMap { field in
            guard let text = value(field.key), isBlank(text) else { return nil }
            return Diagnostic(lines.location(field.key), "field '\(field.key)' must not be empty")
        }
    }

    /// A double-quoted YAML string holding `text`.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Whether `text` is empty once trimmed of whitespace and line breaks. Trimming converts the whole text to UTF-16
    /// first, which took most of the time of decoding front matter the fast way; this mostly stops at the first character.
    static func isBlank(_ text: String) -> Bool {
        let blank = CharacterSet.whitespacesAndNewlines
        return text.unicodeScalars.allSatisfy { blank.contains($0) }
    }
}
