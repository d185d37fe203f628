import Foundation

/// The YAML mistakes editors make most, explained in plain words at the line where they were made.
///
/// libyaml reports where it could no longer parse, in its own terms ("mapping values are not allowed in this context"),
/// and often a line or more after the mistake; or, for a ` #` inside an unquoted value, nothing at all, and the value
/// is silently cut. These checks look at the lines themselves and say what to write instead, with the fixed line.
enum YAMLMistakes {
    /// A place in the YAML text (1-based; the column in Unicode scalars, as libyaml counts) and what to do there.
    struct Finding: Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// The likely mistake behind a YAML syntax error found at `errorLine`, or nil to report libyaml's words.
    /// `firstLine`: the file's line where the YAML starts, for the line numbers the messages name.
    static func behindSyntaxError(in yaml: String, errorLine: Int, errorColumn: Int, problem: String, firstLine: Int) -> Finding? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let above = lines.prefix(max(0, min(errorLine, lines.count)))
        for (index, line) in above.enumerated() where line.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
            return Finding(line: index + 1, column: 1, message: "line \(index + firstLine) is indented with a tab: YAML indents with spaces only; "
                + "replace the tab with spaces")
        }
        for (index, line) in above.enumerated() {
            guard let (column, quote) = unclosedQuote(line) else { continue }
            let inside = quote == "\"" ? "a \" inside the value is written \\\"" : "a ' inside the value is written ''"
            return Finding(line: index + 1, column: column, message: "the quote opened on line \(index + firstLine) is not closed: end the value "
                + "with \(quote) on that line (\(inside))")
        }
        if problem.contains("mapping values are not allowed"), lines.indices.contains(errorLine - 1),
           let (key, value) = field(lines[errorLine - 1]) {
            return Finding(line: errorLine, column: errorColumn, message: "the value of '\(key)' has ': ' in it, which YAML reads as the start "
                + "of another field: put the value in quotes: \(key): \(FrontMatterParser.quoted(value))")
        }
        return nil
    }

    /// A ` #` in the unquoted value of a text field at `line`: YAML takes the rest of the line for a comment and the value
    /// ends before it. Nil when the line has none.
    static func cutByComment(_ yaml: String, line: Int) -> Finding? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.indices.contains(line - 1), let (key, value) = field(lines[line - 1]), let first = value.first,
              !"\"'[{|>&*!#".contains(first) else { return nil }
        let characters = Array(value)
        for index in characters.indices.dropFirst() where characters[index] == "#" && (characters[index - 1] == " " || characters[index - 1] == "\t") {
            let kept = String(characters[..<index]).trimmingSuffix(while: { $0 == " " || $0 == "\t" })
            let valueStart = lines[line - 1].unicodeScalars.count - value.unicodeScalars.count
            let column = valueStart + String(characters[..<index]).unicodeScalars.count + 1
            return Finding(line: line, column: column, message: "the value of '\(key)' has ' #' in it, which YAML reads as the start of a comment, "
                + "so '\(key)' would be only '\(kept)': put the value in quotes: \(key): \(FrontMatterParser.quoted(value)) "
                + "(a comment goes on a line of its own)")
        }
        return nil
    }

    /// The message for a list field written as one value, e.g. `topics: a, b`.
    static func listWithoutBrackets(key: String, value: String) -> String {
        let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return "field '\(key)' is a list: write it in brackets, \(key): [\(items.joined(separator: ", "))]"
    }

    /// `key` and its value, trimmed, for a top-level `key: value` line.
    private static func field(_ line: Substring) -> (String, String)? {
        guard let first = line.first, first != " ", first != "\t", first != "-", first != "#",
              let colon = line.range(of: ": ") else { return nil }
        let key = String(line[..<colon.lowerBound])
        guard !key.isEmpty, !key.contains(" "), !key.contains("\"") else { return nil }
        let value = line[colon.upperBound...].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : (key, value)
    }

    /// Where a value that starts with a quote on this line opens it (column), and the quote, if the line does not close it.
    private static func unclosedQuote(_ line: Substring) -> (Int, Character)? {
        var rest = line.drop { $0 == " " }
        if rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop { $0 == " " } } else {
            guard let colon = rest.range(of: ": ") else { return nil }
            rest = rest[colon.upperBound...].drop { $0 == " " }
        }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let column = line.unicodeScalars.count - rest.unicodeScalars.count + 1
        var characters = rest.dropFirst().makeIterator()
        var escaped = false
        while let character = characters.next() {
            if quote == "\"" {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { return nil }
            } else if character == "'" {
                // '' is a quote inside the value; a lone ' closes it.
                guard let next = characters.next() else { return nil }
                if next != "'" { return nil }
            }
        }
        return (column, quote)
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return text
    }
}
