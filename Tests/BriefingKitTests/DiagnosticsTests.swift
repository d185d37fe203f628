@testable import BriefingKit
import Foundation
import Testing

/// Bad input an editor can save, and exactly what the build tells them. Every case must also
/// leave the previously built `public/` byte for byte as it was.
struct BadInput: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: String] = [:]
    var bytes: [String: [UInt8]] = [:]
    var removed: [String] = []
    /// Files written in this order, for names that Swift's `String` compares as equal (NFC and NFD spellings).
    var alike: [(path: String, text: String)] = []
    /// Symbolic links: path → destination.
    var links: [String: String] = [:]
    /// Named pipes.
    var fifos: [String] = []
    /// Files of this many bytes: valid front matter, then Markdown text.
    var sized: [String: Int] = [:]
    var errors: [String]

    var testDescription: String { name }
}

@Suite struct DiagnosticsTests {
    static let quote = "---\nspeaker: vladimir-putin\ntext: We are ready\ndate: \"2025-05-11\"\nsource: report\n---\nContext.\n"

    static let cases: [BadInput] = [
        BadInput(name: "empty file", files: ["people/empty.md": ""],
                 errors: ["content/people/empty.md:1:1: error: empty file: expected front matter starting with a line '---'"]),
        BadInput(name: "no front matter", files: ["people/plain.md": "Just text.\n"],
                 errors: ["content/people/plain.md:1:1: error: missing front matter: the file must start with a line '---', then the fields, then a line '---'"]),
        BadInput(name: "front matter not closed", files: ["people/open.md": "---\nname: A\nrole: B\n\nBody.\n"],
                 errors: ["content/people/open.md:1:1: error: front matter is not closed: add a line '---' after the last field"]),
        BadInput(name: "YAML syntax error", files: ["people/bad-yaml.md": "---\nname: A\nrole: [B\n---\n"],
                 errors: ["content/people/bad-yaml.md:4:1: error: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"]),
        BadInput(name: "tab indentation", files: ["people/tabs.md": "---\nname: A\nrole: B\naliases:\n\t- C\n---\n"],
                 errors: ["content/people/tabs.md:5:1: error: line 5 is indented with a tab: YAML indents with spaces only; replace the tab with spaces"]),
        BadInput(name: "duplicate field", files: ["people/twice.md": "---\nname: A\nrole: B\nname: C\n---\n"],
                 errors: ["content/people/twice.md:2:1: error: duplicate field 'name': each field may appear once"]),
        BadInput(name: "missing required field", files: ["people/no-role.md": "---\nname: A\n---\n"],
                 errors: ["content/people/no-role.md:1:1: error: missing required field 'role' in a person"]),
        BadInput(name: "empty required field", files: ["people/empty-role.md": "---\nname: A\nrole: \"\"\n---\n"],
                 errors: ["content/people/empty-role.md:3:1: error: field 'role' must not be empty"]),
        BadInput(name: "list where text belongs", files: ["people/list-name.md": "---\nname: [A, B]\nrole: B\n---\n"],
                 errors: ["content/people/list-name.md:2:7: error: field 'name' must be a single value, found a list"]),
        BadInput(name: "text where a list belongs", files: ["people/alias.md": "---\nname: A\nrole: B\naliases: C\n---\n"],
                 errors: ["content/people/alias.md:4:10: error: field 'aliases' is a list: write it in brackets, aliases: [C]"]),
        BadInput(name: "impossible date", files: ["quotes/bad-date.md": quote.replacingOccurrences(of: "2025-05-11", with: "2025-02-30")],
                 errors: ["content/quotes/bad-date.md:4:7: error: field 'date': invalid date '2025-02-30': February 2025 has 28 days"]),
        BadInput(name: "number where a date belongs", files: ["quotes/number-date.md": quote.replacingOccurrences(of: "\"2025-05-11\"", with: "20250511")],
                 errors: ["content/quotes/number-date.md:4:7: error: field 'date': invalid date '20250511': write YYYY, YYYY-MM or YYYY-MM-DD"]),
        BadInput(name: "unknown field", files: ["quotes/typo.md": quote.replacingOccurrences(of: "source: report", with: "source: report\nmedum: post")],
                 errors: ["content/quotes/typo.md:6:1: error: unknown field 'medum' in a quote (did you mean 'medium'?); allowed fields: speaker, text, date, source, event, medium, topics, draft, updated, corrections"]),
        BadInput(name: "unknown speaker", files: ["quotes/who.md": quote.replacingOccurrences(of: "vladimir-putin", with: "vladimir-puttin")],
                 errors: ["content/quotes/who.md:2:1: error: unknown person 'vladimir-puttin' in 'speaker' (did you mean 'vladimir-putin'?): no file people/vladimir-puttin.md"]),
        BadInput(name: "unknown source", files: ["quotes/where.md": quote.replacingOccurrences(of: "source: report", with: "source: reuters")],
                 errors: ["content/quotes/where.md:5:1: error: unknown source 'reuters' in 'source': no file sources/reuters.md"]),
        BadInput(name: "unknown person in a list", files: ["timeline/meeting.md": "---\ntitle: Meeting\ndate: \"2025-05-15\"\npeople:\n  - vladimir-putin\n  - volodymyr-zelensky\n---\n"],
                 errors: ["content/timeline/meeting.md:6:5: error: unknown person 'volodymyr-zelensky' in 'people': no file people/volodymyr-zelensky.md"]),
        BadInput(name: "broken Markdown link", files: ["pages/about.md": "---\ntitle: About\n---\nIntro.\n\nSee [Putin](../people/vladimir-puttin.md).\n"],
                 errors: ["content/pages/about.md:6:5: error: broken link '../people/vladimir-puttin.md': no file people/vladimir-puttin.md in the content folder (did you mean 'people/vladimir-putin.md'?)"]),
        BadInput(name: "missing anchor", files: ["pages/about.md": "---\ntitle: About\n---\n## Method\n\nSee [below](#methods).\n"],
                 errors: ["content/pages/about.md:6:5: error: link to missing anchor '#methods' on this page (did you mean 'method'?)"]),
        BadInput(name: "missing anchor in another file", files: ["pages/about.md": "---\ntitle: About\n---\nSee [Putin](/people/vladimir-putin.md#career).\n"],
                 errors: ["content/pages/about.md:4:5: error: link to missing anchor '#career' in people/vladimir-putin.md"]),
        BadInput(name: "unsafe link scheme", files: ["pages/about.md": "---\ntitle: About\n---\nClick [here](javascript:alert(1)).\n"],
                 errors: ["content/pages/about.md:4:7: error: unsafe link scheme 'javascript:' in 'javascript:alert(1)': only http, https and mailto links are allowed"]),
        BadInput(name: "link to an output URL instead of a file", files: ["pages/about.md": "---\ntitle: About\n---\nSee [Putin](../people/vladimir-putin/).\n"],
                 errors: ["content/pages/about.md:4:5: error: link '../people/vladimir-putin/' is not to a content file: link to the Markdown file, e.g. '../people/vladimir-putin.md', or to a full http(s) URL"]),
        BadInput(name: "unsafe source URL", files: ["sources/bad-url.md": "---\ntitle: T\npublisher: P\nurl: \"javascript:alert(1)\"\n---\n"],
                 errors: ["content/sources/bad-url.md:4:1: error: field 'url': unsafe URL scheme 'javascript:': only http and https are allowed"]),
        BadInput(name: "not UTF-8", bytes: ["people/latin1.md": Array("---\nname: Caf".utf8) + [0xE9] + Array("\nrole: B\n---\n".utf8)],
                 errors: ["content/people/latin1.md:2:10: error: not UTF-8 text: save the file as UTF-8"]),
        BadInput(name: "UTF-16", bytes: ["people/utf16.md": [0xFF, 0xFE] + Array("---".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }],
                 errors: ["content/people/utf16.md:1:1: error: file is UTF-16: save it as UTF-8"]),
        BadInput(name: "binary", bytes: ["people/binary.md": [0x2D, 0x2D, 0x2D, 0x0A, 0x00, 0x01]],
                 errors: ["content/people/binary.md:2:1: error: binary file: contains a NUL byte; content files must be UTF-8 text"]),
        BadInput(name: "invalid file name", files: ["people/Vladimir Putin.md": "---\nname: A\nrole: B\n---\n"],
                 errors: ["content/people/Vladimir Putin.md:1:1: error: invalid file name 'Vladimir Putin.md': ids use lower-case letters a-z, digits and single hyphens, and 'vladimir-putin.md' already exists beside it: merge the two files or choose another name"]),
        BadInput(name: "id differing only in case", files: ["people/Vladimir-Putin.md": "---\nname: A\nrole: B\n---\n"],
                 errors: ["content/people/Vladimir-Putin.md:1:1: error: invalid file name 'Vladimir-Putin.md': ids use lower-case letters a-z, digits and single hyphens, and 'vladimir-putin.md' already exists beside it: merge the two files or choose another name"]),
        BadInput(name: "ids differing only in Unicode normalisation",
                 alike: [("people/zelenskyy-caf\u{E9}.md", "---\nname: A\nrole: B\n---\n"), ("people/zelenskyy-cafe\u{301}.md", "---\nname: A\nrole: B\n---\n")],
                 errors: ["content/people/zelenskyy-cafe\u{301}.md:1:1: error: invalid file name 'zelenskyy-cafe\u{301}.md': use lower-case letters a-z, digits and single hyphens, e.g. 'zelenskyy-cafe.md' ('e\u{301}' is U+0065 U+0301)",
                          "content/people/zelenskyy-caf\u{E9}.md:1:1: error: invalid file name 'zelenskyy-caf\u{E9}.md': use lower-case letters a-z, digits and single hyphens, e.g. 'zelenskyy-cafe.md' ('\u{E9}' is U+00E9)"]),
        BadInput(name: "non-ASCII file name", files: ["people/erdo\u{11F}an.md": "---\nname: A\nrole: B\n---\n"],
                 errors: ["content/people/erdo\u{11F}an.md:1:1: error: invalid file name 'erdo\u{11F}an.md': use lower-case letters a-z, digits and single hyphens, e.g. 'erdogan.md' ('\u{11F}' is U+011F)"]),
        BadInput(name: "dots in a file name", files: ["people/v.putin.md": "---\nname: A\nrole: B\n---\n"],
                 errors: ["content/people/v.putin.md:1:1: error: invalid file name 'v.putin.md': use lower-case letters a-z, digits and single hyphens, e.g. 'v-putin.md'"]),
        BadInput(name: "space before the extension", files: ["people/putin .md": "---\nname: A\nrole: B\n---\n"],
                 errors: ["content/people/putin .md:1:1: error: invalid file name 'putin .md': use lower-case letters a-z, digits and single hyphens, e.g. 'putin.md'"]),
        BadInput(name: "upper-case extension", files: ["people/putin.MD": "---\nname: A\nrole: B\n---\n"],
                 errors: ["content/people/putin.MD:1:1: error: unexpected file 'putin.MD': entries are Markdown files ending in .md"]),
        BadInput(name: "link to a device", links: ["people/zero.md": "/dev/zero"],
                 errors: ["content/people/zero.md:1:1: error: not a regular file (a device, pipe or socket): content files must be ordinary text files"]),
        BadInput(name: "named pipe", fifos: ["people/pipe.md"],
                 errors: ["content/people/pipe.md:1:1: error: not a regular file (a device, pipe or socket): content files must be ordinary text files"]),
        BadInput(name: "50 MB file", sized: ["people/huge.md": 50 * 1024 * 1024],
                 errors: ["content/people/huge.md:1:1: error: file too large: 52428800 bytes; the limit is 8388608 bytes (8 MiB)"]),
        BadInput(name: "a byte over the size limit", sized: ["people/big.md": 8 * 1024 * 1024 + 1],
                 errors: ["content/people/big.md:1:1: error: file too large: 8388609 bytes; the limit is 8388608 bytes (8 MiB)"]),
        BadInput(name: "control character in the body", files: ["people/bell.md": "---\nname: A\nrole: B\n---\nRing \u{7} the bell.\n"],
                 errors: ["content/people/bell.md:5:6: error: control character U+0007: delete it (tabs and line breaks are the only control characters allowed)"]),
        BadInput(name: "C1 control character in a field", files: ["people/nel.md": "---\nname: A\u{85}B\nrole: B\n---\n"],
                 errors: ["content/people/nel.md:2:8: error: control character U+0085: delete it (tabs and line breaks are the only control characters allowed)"]),
        BadInput(name: "UTF-16 big-endian", bytes: ["people/utf16be.md": [0xFE, 0xFF] + Array("---".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }],
                 errors: ["content/people/utf16be.md:1:1: error: file is UTF-16: save it as UTF-8"]),
        BadInput(name: "billion laughs", files: ["people/bomb.md": aliasBomb],
                 errors: ["content/people/bomb.md:1:1: error: front matter too large: more than 10000 YAML values (are aliases expanding?)"]),
        BadInput(name: "YAML nested a hundred thousand deep", files: ["people/deep.md": "---\nname: A\nrole: B\nsummary: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n---\n"],
                 errors: ["content/people/deep.md:4:1: error: front matter nested too deeply: more than 64 levels of lists and fields"]),
        BadInput(name: "YAML lists nested on one line", files: ["people/deep.md": "---\nname: A\nrole: B\naliases:\n  " + String(repeating: "- ", count: 100) + "x\n---\n"],
                 errors: ["content/people/deep.md:5:1: error: front matter nested too deeply: more than 64 levels of lists and fields"]),
        BadInput(name: "1,000 broken links on one line",
                 files: ["pages/about.md": "---\ntitle: About\n---\n" + Array(repeating: "[x](gone.md)", count: 1000).joined(separator: " ") + "\n"],
                 errors: (0..<1000).map { "content/pages/about.md:4:\(1 + 13 * $0): error: broken link 'gone.md': no file pages/gone.md in the content folder (did you mean 'pages/about.md'?)" }),
        BadInput(name: "unsafe autolink", files: ["pages/about.md": "---\ntitle: About\n---\nClick <javascript:alert(1)>.\n"],
                 errors: ["content/pages/about.md:4:7: error: unsafe link scheme 'javascript:' in 'javascript:alert(1)': only http, https and mailto links are allowed"]),
        BadInput(name: "unsafe scheme in capitals", files: ["pages/about.md": "---\ntitle: About\n---\nClick [here](JAVASCRIPT:alert(1)).\n"],
                 errors: ["content/pages/about.md:4:7: error: unsafe link scheme 'JAVASCRIPT:' in 'JAVASCRIPT:alert(1)': only http, https and mailto links are allowed"]),
        BadInput(name: "unsafe scheme written with an entity", files: ["pages/about.md": "---\ntitle: About\n---\nClick [here](&#106;avascript:alert(1)).\n"],
                 errors: ["content/pages/about.md:4:7: error: unsafe link scheme 'javascript:' in 'javascript:alert(1)': only http, https and mailto links are allowed"]),
        // The colon and the mark are one Character; the scheme is still found, in the bytes.
        BadInput(name: "unsafe scheme with a combining mark after its colon", files: ["pages/about.md": "---\ntitle: About\n---\nClick [here](javascript:\u{301}alert(1)).\n"],
                 errors: ["content/pages/about.md:4:7: error: unsafe link scheme 'javascript:' in 'javascript:\u{301}alert(1)': only http, https and mailto links are allowed"]),
        BadInput(name: "unsafe reference link", files: ["pages/about.md": "---\ntitle: About\n---\nClick [here][x].\n\n[x]: vbscript:msgbox(1)\n"],
                 errors: ["content/pages/about.md:4:7: error: unsafe link scheme 'vbscript:' in 'vbscript:msgbox(1)': only http, https and mailto links are allowed"]),
        BadInput(name: "data: image", files: ["pages/about.md": "---\ntitle: About\n---\nSee ![dot](data:image/png;base64,iVBORw0KGgo=).\n"],
                 errors: ["content/pages/about.md:4:5: error: unsafe link scheme 'data:' in 'data:image/png;base64,iVBORw0KGgo=': only http, https and mailto links are allowed"]),
        BadInput(name: "source URL hidden behind a control character", files: ["sources/hidden.md": "---\ntitle: T\npublisher: P\nurl: \"\\x01javascript:alert(1)\"\n---\n"],
                 errors: ["content/sources/hidden.md:4:1: error: field 'url': '<U+0001>javascript:alert(1)' is not a full URL: write it with https://"]),
        BadInput(name: "source URL with a tab in the scheme", files: ["sources/tabbed.md": "---\ntitle: T\npublisher: P\nurl: \"java\\tscript:alert(1)\"\n---\n"],
                 errors: ["content/sources/tabbed.md:4:1: error: field 'url': 'java<U+0009>script:alert(1)' is not a full URL: write it with https://"]),
        BadInput(name: "invalid topic name", files: ["timeline/meeting.md": "---\ntitle: Meeting\ndate: \"2025-05-15\"\ntopics: [talks-first, Ceasefire First]\n---\n"],
                 errors: ["content/timeline/meeting.md:4:23: error: invalid topic 'Ceasefire First': use lower-case letters a-z, digits and single hyphens, e.g. 'ceasefire-first'"]),
        BadInput(name: "double hyphen in a file name", files: ["people/vladimir--putin.md": "---\nname: A\nrole: B\n---\n"],
                 errors: ["content/people/vladimir--putin.md:1:1: error: invalid file name 'vladimir--putin.md': ids use lower-case letters a-z, digits and single hyphens, and 'vladimir-putin.md' already exists beside it: merge the two files or choose another name"]),
        BadInput(name: "unknown folder", files: ["persons/a.md": "---\nname: A\nrole: B\n---\n"],
                 errors: ["content/persons/a.md:1:1: error: unexpected folder 'persons': content folders are people, quotes, timeline, sources, pages, topics, media"]),
        BadInput(name: "page id taken by a section", files: ["pages/people.md": "---\ntitle: People\n---\n"],
                 errors: ["content/pages/people.md:1:1: error: page id 'people' is taken by the site's own /people/ section: rename the file"]),
        BadInput(name: "page id taken by the images' folder", files: ["pages/media.md": "---\ntitle: Media\n---\n"],
                 errors: ["content/pages/media.md:1:1: error: page id 'media' is taken by the site's /media/ folder of images: rename the file"]),
        BadInput(name: "missing site.yaml", removed: ["site.yaml"],
                 errors: ["content/site.yaml:1:1: error: missing site.yaml: every briefing needs one, with at least 'title: …'"]),
        BadInput(name: "site.yaml with a wrong type", files: ["site.yaml": "title: T\nraw_html: maybe\n"],
                 errors: ["content/site.yaml:2:11: error: field 'raw_html' must be true or false, found 'maybe'"]),
        BadInput(name: "page size of nought", files: ["site.yaml": "title: T\nbase_url: https://news.example/\npage_size: 0\n"],
                 errors: ["content/site.yaml:3:1: error: field 'page_size' must be 1 or more (how many quotes or events a list page shows), found 0"]),
        BadInput(name: "several problems in one run", files: [
            "people/no-role.md": "---\nname: A\n---\n",
            "quotes/who.md": quote.replacingOccurrences(of: "vladimir-putin", with: "nobody"),
        ], errors: [
            "content/people/no-role.md:1:1: error: missing required field 'role' in a person",
            "content/quotes/who.md:2:1: error: unknown person 'nobody' in 'speaker': no file people/nobody.md",
        ]),
    ]

    @Test(arguments: cases)
    func reportsFileLineAndMessageAndLeavesOutputUnchanged(_ input: BadInput) throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        try site.build()
        let before = site.snapshot()

        for (path, text) in input.files { try site.write(path, text) }
        for (path, bytes) in input.bytes { try site.write(path, Data(bytes)) }
        for path in input.removed { try site.remove(path) }
        for (path, text) in input.alike { try site.write(path, text) }
        for (path, destination) in input.links {
            try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("content/" + path).path, withDestinationPath: destination)
        }
        for path in input.fifos { #expect(mkfifo(site.root.appendingPathComponent("content/" + path).path, 0o644) == 0) }
        for (path, size) in input.sized {
            let head = Data("---\nname: A\nrole: B\n---\n".utf8)
            try site.write(path, head + Data(repeating: UInt8(ascii: "a"), count: size - head.count))
        }

        #expect(site.errors() == input.errors)
        #expect(site.snapshot() == before)
    }

    /// Ten to the ninth values once expanded, from a dozen lines.
    static var aliasBomb: String {
        var yaml = "---\nname: A\nrole: B\nsummary: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 { yaml += "a\(level): &a\(level) [*a\(level - 1), *a\(level - 1), *a\(level - 1), *a\(level - 1), *a\(level - 1), *a\(level - 1), *a\(level - 1), *a\(level - 1), *a\(level - 1), *a\(level - 1)]\n" }
        return yaml + "---\n"
    }

    /// A file that cannot be read has one error, its own: the entries that link to it or name it are not reported too.
    @Test func anUnreadableFileIsOneErrorNotOnePerReferenceToIt() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        try site.write("people/binary.md", Data(Array("---\nname: B\u{0}\nrole: R\n---\n".utf8)))
        try site.write("pages/about.md", "---\ntitle: About\n---\nSee [B](../people/binary.md).\n")
        try site.write("quotes/by-binary.md", "---\nspeaker: binary\ntext: Words.\ndate: \"2025-05-11\"\nsource: report\n---\n")
        #expect(site.errors() == ["content/people/binary.md:2:8: error: binary file: contains a NUL byte; content files must be UTF-8 text"])
    }

    @Test func acceptsByteOrderMarkAndWindowsLineEndings() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        try site.write("people/crlf.md", Data([0xEF, 0xBB, 0xBF] + Array("---\r\nname: Windows\r\nrole: Editor\r\n---\r\nBody [link](vladimir-putin.md).\r\n".utf8)))
        try site.write("people/cr.md", "---\rname: Old Mac\rrole: Editor\r---\rBody.\r")
        try site.build()
        #expect(try site.page("people/crlf/index.html").contains("<h1>Windows</h1>"))
        #expect(try site.page("people/cr/index.html").contains("<h1>Old Mac</h1>"))
    }

    @Test func commandLineExitsNonZeroAndPrintsEveryError() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        try site.write("people/no-role.md", "---\nname: A\n---\n")
        let binary = productsDirectory.appendingPathComponent("briefing")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["build", "--content", "content", "--assets", "templates/assets", "--output", "public"]
        process.currentDirectoryURL = site.root
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(message == "content/people/no-role.md:1:1: error: missing required field 'role' in a person\nbuild failed: 1 error; public output left unchanged\n")
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
    }

    private var productsDirectory: URL {
        Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }
}
