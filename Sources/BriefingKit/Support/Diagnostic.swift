import Foundation

/// A place in a content file, 1-based, as editors see it in their editor.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Path relative to the folder the build was started from, e.g. `content/quotes/x.md`.
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int = 1, column: Int = 1) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String { "\(path):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}

/// One problem found in the content, printed as `path:line:col: error: message` (or `warning:`).
public struct Diagnostic: Sendable, Hashable, Comparable, CustomStringConvertible, Error {
    /// An error stops the build; a warning (`briefing check` only) does not.
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var location: SourceLocation
    public var message: String
    public var severity: Severity

    public init(_ location: SourceLocation, _ message: String, severity: Severity = .error) {
        self.location = location
        self.message = Diagnostic.visible(message)
        self.severity = severity
    }

    /// Messages quote what editors wrote; a control character or line break in it would be invisible, break the
    /// one-problem-per-line output, or (an escape sequence) drive the terminal. Each becomes `<U+001B>`.
    static func visible(_ message: String) -> String {
        guard message.unicodeScalars.contains(where: isControl) else { return message }
        var shown = ""
        for scalar in message.unicodeScalars {
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                shown += "<U+" + String(repeating: "0", count: 4 - hex.count) + hex + ">"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.location, a.message) < (b.location, b.message)
    }
}

/// A build that found problems: every one of them, sorted by file and line.
public struct BuildFailure: Error, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = Array(Set(diagnostics)).sorted()
    }

    public init(arrayLiteral diagnostics: Diagnostic...) {
        self.init(diagnostics)
    }

    public var description: String {
        let lines = diagnostics.map(\.description)
        let count = diagnostics.count == 1 ? "1 error" : "\(diagnostics.count) errors"
        return (lines + ["build failed: \(count); public output left unchanged"]).joined(separator: "\n")
    }
}

// MARK: - Suggestions

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
func closestMatch(to name: String, in candidates: some Sequence<String>) -> String? {
    let limit = max(2, name.count / 3)
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(name.lowercased(), candidate.lowercased())
        if distance <= limit, distance < (best?.distance ?? .max) || (distance == best?.distance && candidate < best!.name) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// " (did you mean 'x'?)" or "".
func didYouMean(_ name: String, in candidates: some Sequence<String>) -> String {
    guard let match = closestMatch(to: name, in: candidates) else { return "" }
    return " (did you mean '\(match)'?)"
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

extension Diagnostic {
    /// Diagnostics as JSON for editors' tools and CI annotations: every problem in `diagnostics`, each with its
    /// severity, and how many of them are errors (which fail a build) and how many warnings.
    public static func jsonReport(_ diagnostics: [Diagnostic]) -> String {
        let items = diagnostics.map { diagnostic in
            JSON.object([
                "file": .string(diagnostic.location.path), "line": .int(diagnostic.location.line),
                "column": .int(diagnostic.location.column), "severity": .string(diagnostic.severity.rawValue), "message": .string(diagnostic.message),
            ])
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        return JSON.object([
            "diagnostics": .array(items), "errors": .int(errors), "warnings": .int(diagnostics.count - errors),
        ]).serialized()
    }
}
