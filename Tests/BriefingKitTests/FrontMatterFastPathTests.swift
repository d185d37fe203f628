@testable import BriefingKit
import Foundation
import Testing

/// The fast front matter path (`FrontMatterParser.decodeSimple`) must read what it reads exactly as the Yams path
/// does — fields, editorial fields, and the line and column of every key and list item — and must read the
/// front matter editors actually write, or it is no faster.
@Suite struct FrontMatterFastPathTests {
    @Test func readsEveryShippedFileAsYamsDoes() throws {
        let files = try contentFiles(FixtureSite.repository.appendingPathComponent("content"))
        #expect(files.count > 40)
        for (relativePath, text) in files {
            #expect(readsAlike(relativePath, text) == true, "\(relativePath) is not read by the fast path")
        }
    }

    @Test func readsEveryGeneratedFileAsYamsDoes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-fast-path-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generate.arguments = ["python3", FixtureSite.repository.appendingPathComponent("scripts/bench/generate.py").path, "300", root.path]
        generate.standardOutput = FileHandle.nullDevice
        try generate.run()
        generate.waitUntilExit()
        try #require(generate.terminationStatus == 0)
        let files = try contentFiles(root.appendingPathComponent("content"))
        #expect(files.count > 300)
        for (relativePath, text) in files {
            #expect(readsAlike(relativePath, text) == true, "\(relativePath) is not read by the fast path")
        }
    }

    /// Shapes the fast path is there for: each must be read, and read as Yams reads it.
    @Test(arguments: [
        "title: A\ndate: 2025-05-11\nweight: 3\ndraft: yes\ntopics:\n  - a\n  - 'b'\npeople: [x, \"y\"]\n",
        "title: yes\ndate: '2025'\nweight: -2\ndraft: False\nupdated: 2025-06\ntime: 14:30\n",
        "title: \"a: b # c\"\ndate: \"2025-05\"\nweight: 0\nsources: [ a , 'b c' , \"d, e\" ]\ntopics: []\n",
        "# a comment\n\ntitle: 'it''s: # here'   \n  # an indented comment\ndate: 2025\ntopics:\n- a\n\n# between\n- \"b\"\npeople:\n",
        "title: \"say \\\"hi\\\" \\\\ bye\"\ndate: 2025-02-28\ntopics: [café, 東京, 🙂, «x»]\nweight: 1000000\n",
        "title: a  b   \ndate: 2025\ntime: ~\nweight: null\ndraft:\npeople:\n  -   x\n  - \"y\"\ntopics: [yes, 1, 2025-05-11, ~, null]\n",
        "title: -a\ndate: 2025\nsources: [-a, b-c]\ntopics:\n   - http://x.y/z?q=1&r\n",
    ])
    func readsSimpleEventsAsYamsDoes(_ yaml: String) {
        #expect(readsAlike(EventFields.self, yaml) == true)
    }

    @Test func readsSimpleFilesOfEveryKindAsYamsDoes() {
        #expect(readsAlike(SiteConfig.self, "title: t\nraw_html: on\nas_of: 2025-05-11\nbase_url: https://x.example/a/\nlanguage: en\n", firstLine: 1) == true)
        #expect(readsAlike(OverviewFields.self, "title: Overview\nsummary: ''\n") == true)
        #expect(readsAlike(PersonFields.self, "name: Café 東京\nrole: ~\nkind: government\naliases: []\nsummary:\ncountry: 'no'\n") == true)
        #expect(readsAlike(QuoteFields.self, "speaker: a\ntext: \"He said \\\"no\\\" — twice\"\ndate: 2025\nsource: s\ntopics:\n- a\n- b\n") == true)
        #expect(readsAlike(SourceFields.self, "title: t\npublisher: p\nurl: https://x.example/a#b\n") == false)
        #expect(readsAlike(SourceFields.self, "title: t\npublisher: p\nurl: \"https://x.example/a#b\"\n") == true)
        #expect(readsAlike(PageFields.self, "title: About\ndraft: TRUE\nupdated: '2025-05-11'\n") == true)
        #expect(readsAlike(TopicFields.self, "title: Sanctions\nsummary: null\n") == true)
    }

    /// Everything here is either left to Yams or read as Yams reads it, as every kind of file.
    @Test(arguments: trickyInputs)
    func readsTrickyInputsAsYamsDoesOrNotAtAll(_ yaml: String) {
        for kind in FileKind.allCases { _ = readsAlike(kind, yaml) }
    }

    /// What Yams reads differently from the plain text, or refuses, the fast path must leave to it.
    @Test func leavesWhatYamsReadsDifferentlyToYams() {
        let event = "title: t\ndate: 2025\n"
        for weight in ["03", "0x1F", "1_000", "+3", "1:30", "-0", "3.0", "'3'", "99999999999999999999"] {
            #expect(readsAlike(EventFields.self, event + "weight: \(weight)\n") == false, "weight: \(weight)")
        }
        for draft in ["tRUE", "y", "n", "1", "\"true\"", "'yes'"] {
            #expect(readsAlike(EventFields.self, event + "draft: \(draft)\n") == false, "draft: \(draft)")
        }
        for problem in ["title: a\ntitle: b\ndate: 2025\n", "title: a\ndate: 2025\nfoo: b\n", "title:\ndate: 2025\n",
                        "title: ' '\ndate: 2025\n", "title: t\ndate: 2025-02-30\n", "title: t\ndate:\n", "date: 2025\n",
                        "title: t\ndate: 2025\ntopics: a\n", "title: [t]\ndate: 2025\n"] {
            #expect(readsAlike(EventFields.self, problem) == false, "\(problem)")
            #expect(FrontMatterParser.decode(EventFields.self, yaml: problem, path: "content/timeline/x.md", firstLine: 2).isFailure)
        }
        let tooMany = "title: t\ndate: 2025\ntopics: [" + Array(repeating: "a", count: FrontMatterParser.nodeLimit).joined(separator: ", ") + "]\n"
        #expect(readsAlike(EventFields.self, tooMany) == false)
    }

    /// Front matter edited at random, a character at a time, from shapes the fast path reads.
    @Test func readsEditedFrontMatterAsYamsDoesOrNotAtAll() throws {
        var bases = try contentFiles(FixtureSite.repository.appendingPathComponent("content")).filter { $0.0.hasSuffix(".md") }
        bases.append(("timeline/x.md", "---\ntitle: A\ndate: 2025-05-11\nweight: 3\ndraft: yes\ntopics:\n  - a\n  - 'b'\npeople: [x, \"y\"]\n---\n"))
        let pieces = ["\"", "'", "''", ":", ": ", "#", " #", "-", "- ", "[", "]", ",", "{", "}", "\n", "\n  ", "\n- ", " ", "\\",
                      "~", "!", "&", "*", "|", ">", "%", "@", "`", "?", "a", "0", "é", "🙂", "\t", "\u{85}", "\u{A0}", "yes", "null"]
        var random = SplitMix(seed: 20250511)
        var read = 0
        for _ in 0..<4000 {
            let (relativePath, text) = bases[Int(random.next() % UInt64(bases.count))]
            guard case .success(let split) = FrontMatterParser.split(text, path: relativePath) else { continue }
            var yaml = Array(split.yaml.unicodeScalars)
            for _ in 0...(random.next() % 2) {
                let at = Int(random.next() % UInt64(yaml.count + 1))
                let piece = Array(pieces[Int(random.next() % UInt64(pieces.count))].unicodeScalars)
                switch random.next() % 3 {
                case 0: yaml.insert(contentsOf: piece, at: at)
                case 1 where at < yaml.count: yaml.replaceSubrange(at..<min(yaml.count, at + piece.count), with: piece)
                default: if at < yaml.count { yaml.remove(at: at) }
                }
            }
            var edited = String.UnicodeScalarView()
            edited.append(contentsOf: yaml)
            if readsAlike(relativePath, "---\n" + String(edited) + "\n---\n") == true { read += 1 }
        }
        // Most edits still leave simple front matter; if none did, this test would show nothing.
        #expect(read > 1000)
    }

    /// `isBlank` says what trimming says, for every character alone and in company.
    @Test func blankIsWhatTrimmingLeavesEmpty() {
        let scalars = (0...0x10FFFF).compactMap(Unicode.Scalar.init).filter { $0.value < 0x3100 || $0.value % 97 == 0 }
        let samples = scalars.map { String($0) } + ["", " \n\t\r\u{A0}\u{2028}\u{3000}", " \u{301}", "\r\n", " a ", "\u{200B}", "\u{FEFF} ", "\u{85}\u{2029}"]
        for text in samples {
            #expect(FrontMatterParser.isBlank(text) == text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(text.unicodeScalars.map(\.value))")
        }
    }
}

/// Every case the fast path has a rule for, and its neighbours.
private let trickyInputs: [String] = [
    "", "\n", "# only a comment\n", "   \n",
    // Scalars YAML 1.1 resolves to other types, as text, as numbers and as true/false.
    "title: yes", "title: no", "title: null", "title: Null", "title: ~", "title: 1.0", "title: 0x1F", "title: 2025-05-11",
    "title: .inf", "title: 1:30", "title: <<", "title: =", "title: 2025-05-11 10:00:00",
    "summary: null", "summary: ~", "summary:", "summary: ''", "summary: \"\"", "summary: 'null'", "summary: NULL", "summary: nULL",
    "weight: 3", "weight: 03", "weight: 1_000", "weight: -3", "weight: +3", "weight: 0", "weight: -0", "weight: ~", "weight:",
    "weight: \"3\"", "weight: 3.0", "weight: 0b11", "weight: 0o7", "weight: 9223372036854775807", "weight: 9223372036854775808",
    "draft: yes", "draft: True", "draft: tRUE", "draft: \"true\"", "draft: y", "draft: on", "draft: OFF", "draft: 1", "draft:", "draft: ~",
    "raw_html: no", "raw_html: Off",
    // Quoting.
    "title: \"a: b # c\"", "title: 'it''s: # here'", "title: \"say \\\"hi\\\"\"", "title: \"back\\\\slash\"", "title: \"tab\\tx\"",
    "title: \"\\u00e9\"", "title: \"a\\\nb\"", "title: \"a\" ", "title: \"a\" # c", "title: \"a\"b", "title: 'a'b", "title: \"unterminated",
    "title: 'unterminated", "title: ''''", "title: '\"'", "title: \"'\"", "title: \"\\/\"", "title: \"  padded  \"", "title: ' '",
    // Plain text and what may end or break it.
    "title: a # comment", "title: a#b", "title: a: b", "title: a:", "title: a:b", "title: http://x.y/z", "title: a   ", "title:    a",
    "title: a  b", "title:a", "title : a", "title: a, b", "title: a [b] {c}", "title: a]", "title: Q&A *now* !", "title: 50% | more > less",
    "title: -a", "title: -", "title: - a", "title: --- a", "title: ?a", "title: ? a", "title: :a", "title: %a", "title: @a", "title: `a`",
    "title: ,a", "title: ]a", "title: }a", "title: {a: b}", "title: &x a", "title: *x", "title: !!str a", "title: !a a",
    "title: |\n  a\n", "title: >\n  a\n", "title: a\n  b\n", "title: a\n\n  b\n", "title: \"a\n  b\"\n", "title: 'a\n  b'\n", "title: a\n  - b\n",
    "title: a\n  # c\n", "title: a\n#c\nsummary: b\n",
    // Keys.
    " title: a", "  title: a\n  date: 2025\n", "\"title\": a", "'title': a", "? title\n: a", "Title: a", "title: a\ntitle: b",
    "title: a\nunknown: b", "title: a\nfoo_bar: b", "_: a", "title:: a", "title:\n",
    // Characters.
    "title: Café «déjà vu» — 東京 🙂", "title: a\u{85}b", "title: a\u{2028}b", "title: a\u{2029}b", "title: \u{FEFF}a", "title: a\u{A0}",
    "title: \u{A0}a", "title: a\u{80}", "title: a\u{FFFE}", "title: a\u{7F}", "title: a\u{1B}[0m", "title: a\t", "title:\ta", "\ttitle: a",
    "title: a\r\ndate: 2025\r\n", "title: a\rdate: 2025",
    // Lists.
    "topics: []", "topics: [ ]", "topics: [a, b, \"c\", 'd']", "topics: [a,b]", "topics: [ a , b ]", "topics: [a, , b]", "topics: [a, b,]",
    "topics: [,a]", "topics: [a b, c]", "topics: [a: b]", "topics: [a:b]", "topics: [[a]]", "topics: [a, [b]]", "topics: [a\n, b]",
    "topics: [a] x", "topics: [a]  ", "topics: [\"a, b\", 'c]']", "topics: [a#b]", "topics: [a #b]", "topics: [a, {b: c}]", "topics: [-a]",
    "topics: [- a]", "topics: [~, null]", "topics: [yes, 1, 2025-05-11]", "topics: [café, 東京, 🙂]", "topics: [a'b, c\"d]", "topics: [a",
    "topics: [\"a\"b]", "topics: [a]]", "topics: [a] # c",
    "topics:\n- a\n- b\n", "topics:\n  - a\n  - b\n", "topics:\n  - a\n - b\n", "topics:\n  - a\n    - b\n", "topics:\n  -  a\n",
    "topics:\n  - \"a\"\n  - 'b'\n", "topics:\n  -\n  - b\n", "topics:\n  - \n", "topics:\n  - a\n  b\n", "topics:\n  - a\n    b\n",
    "topics:\n  - a: b\n", "topics:\n  - - a\n", "topics:\n  - [a]\n", "topics:\n\n  # c\n  - a\n\n  - b\n# d\ntitle: t\n",
    "topics:\n  - a # c\n", "topics:\n- a\ntitle: b\n", "topics:\n  - a\n- b\n", "topics: # c\n  - a\n", "topics:\ntitle: x",
    "topics:\n  a\n", "topics: a", "topics:\n", "topics:\n  - ~\n  - 'é'\n  - 🙂 x\n", "topics:\n  - a\n  -b\n", "topics:\n-a\n",
    "aliases: [a]", "aliases:\n  - a\n", "people: [x]\nsources: [y]\n",
    // Fields of other kinds.
    "kind: person", "kind: Person", "kind: 'government'", "kind:", "kind: [person]",
    "date: 2025-13-01", "date: 2025-02-30", "date: '2025-05-11'", "date: 2025-5-1", "date:", "date: 2025-05-11T10:00:00Z",
    "updated: 2025", "updated: ''", "updated:",
    "corrections:\n  - date: 2025-05-11\n    note: x\n", "corrections: []", "corrections:\n  - date: 2025\n    note: ''\n", "corrections:",
    "as_of: 2025-05-11", "base_url: https://x.y/", "language: en", "raw_html: true",
    // Documents.
    "---\ntitle: a\n", "title: a\n---\n", "title: a\n...\n", "%YAML 1.1\n---\ntitle: a", "title: a\n--- b\n",
].flatMap { fields in
    // Each as the only field, and among the required fields of the kinds it may belong to.
    [fields, "title: t\nname: n\nrole: r\nspeaker: s\ntext: x\nsource: s\npublisher: p\ndate: 2025\n" + fields,
     fields + "\ntitle: t\ndate: 2025\n"]
}

/// The kinds of front matter, each with its type.
private enum FileKind: CaseIterable {
    case site, overview, person, quote, event, source, page, topic

    init?(relativePath: String) {
        switch relativePath.split(separator: "/").first {
        case "site.yaml": self = .site
        case "index.md": self = .overview
        case "people": self = .person
        case "quotes": self = .quote
        case "timeline": self = .event
        case "sources": self = .source
        case "pages": self = .page
        case "topics": self = .topic
        default: return nil
        }
    }
}

/// Whether the fast path read `yaml` as `kind`, recording an issue wherever it read it differently from Yams.
private func readsAlike(_ kind: FileKind, _ yaml: String, firstLine: Int? = nil) -> Bool {
    switch kind {
    case .site: return readsAlike(SiteConfig.self, yaml, firstLine: firstLine ?? 1)
    case .overview: return readsAlike(OverviewFields.self, yaml, firstLine: firstLine ?? 2)
    case .person: return readsAlike(PersonFields.self, yaml, firstLine: firstLine ?? 2)
    case .quote: return readsAlike(QuoteFields.self, yaml, firstLine: firstLine ?? 2)
    case .event: return readsAlike(EventFields.self, yaml, firstLine: firstLine ?? 2)
    case .source: return readsAlike(SourceFields.self, yaml, firstLine: firstLine ?? 2)
    case .page: return readsAlike(PageFields.self, yaml, firstLine: firstLine ?? 2)
    case .topic: return readsAlike(TopicFields.self, yaml, firstLine: firstLine ?? 2)
    }
}

/// A content file as the build reads it: `site.yaml` whole, the others' front matter.
private func readsAlike(_ relativePath: String, _ text: String) -> Bool? {
    guard let kind = FileKind(relativePath: relativePath) else { return nil }
    if kind == .site { return readsAlike(kind, text, firstLine: 1) }
    guard case .success(let split) = FrontMatterParser.split(text, path: "content/" + relativePath) else { return nil }
    return readsAlike(kind, split.yaml, firstLine: split.yamlFirstLine)
}

private func readsAlike<Fields: FrontMatterFields & Equatable>(_ type: Fields.Type, _ yaml: String, firstLine: Int = 2) -> Bool {
    let path = "content/x.md"
    guard let fast = FrontMatterParser.decodeSimple(type, yaml: yaml, path: path, firstLine: firstLine) else { return false }
    switch FrontMatterParser.decodeWithYams(type, yaml: yaml, path: path, firstLine: firstLine) {
    case .success(let reference):
        #expect(fast.fields == reference.fields, "\(Fields.kindName): \(yaml.debugDescription)")
        #expect(fast.editorial == reference.editorial, "\(Fields.kindName): \(yaml.debugDescription)")
        #expect(fast.lines == reference.lines, "\(Fields.kindName): \(yaml.debugDescription)")
    case .failure(let failure):
        Issue.record("the fast path read what Yams refuses (\(failure.diagnostics.map(\.message))) as \(Fields.kindName): \(yaml.debugDescription)")
    }
    return true
}

/// Every file under `folder`, by path relative to it.
private func contentFiles(_ folder: URL) throws -> [(String, String)] {
    let paths = try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
    return try paths.compactMap { relativePath in
        guard relativePath.hasSuffix(".md") || relativePath.hasSuffix(".yaml") else { return nil }
        return (relativePath, try String(contentsOf: folder.appendingPathComponent(relativePath), encoding: .utf8))
    }
}

/// A small seeded random number generator, so every run edits the same way.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}

/// The front matter fences: `---`, with spaces or tabs around it on a short line; other whitespace (a no-break space)
/// as Foundation trims it. ASCII lines are checked on their bytes, the rest through Foundation.
@Suite struct FrontMatterFenceTests {
    @Test(arguments: [
        ("---", true), ("  ---\t", true), ("\u{00A0}---", true), ("-- -", false), ("----", false), ("---x", false),
        ("---" + String(repeating: " ", count: 12), true), ("---" + String(repeating: " ", count: 13), false), ("", false), ("   ", false),
    ])
    func closingFence(line: String, isFence: Bool) {
        let text = "---\ntitle: A\n\(line)\nBody\n"
        let closed: Bool
        if case .success(let split) = FrontMatterParser.split(text, path: "content/pages/a.md") {
            closed = split.yaml == "title: A" && split.body == "Body\n"
        } else {
            closed = false
        }
        #expect(closed == isFence, "\(line.debugDescription)")
    }
}
