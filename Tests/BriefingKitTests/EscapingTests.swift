@testable import BriefingKit
import Foundation
import Templates
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Hostile text in every front-matter field and in Markdown: the site built from it must have exactly the
/// elements and attributes of the same site built from plain words, valid JSON-LD, XML that parses,
/// no live `javascript:`/`data:` link and no control character.
@Suite struct EscapingTests {
    /// Markup, both quotes, the end of a script element and of a CDATA section, a comment opener,
    /// an entity, a script URL, and control characters (C0, DEL, C1), which YAML escapes can carry.
    static let payload = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)></script><!--]]>&amp;javascript:alert(1)\u{1}\u{7}\u{1B}\u{7F}\u{85}"
    /// What Markdown text can carry (control characters in a file are refused when it is read).
    static let markdownPayload = "<script>alert(1)</script>\"'&<img src=x onerror=alert(1)>"

    @Test func hostileFieldsAndLinksLeaveThePagesInert() throws {
        let plain = try FixtureSite(Self.site(field: { "Plain words \($0)" }, markdown: "plain words"))
        let hostile = try FixtureSite(Self.site(field: { "\(Self.payload) \($0)" }, markdown: Self.markdownPayload))
        defer { plain.delete(); hostile.delete() }
        try plain.build()
        try hostile.build()

        let pages = plain.snapshot().keys.filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages.count > 10)
        #expect(hostile.snapshot().keys.filter { $0.hasSuffix(".html") }.sorted() == pages)
        for page in pages {
            let html = try hostile.page(page)
            let tags = HTMLTags(html)
            #expect(tags.skeleton == HTMLTags(try plain.page(page)).skeleton, "elements or attributes injected into \(page)")
            for (name, value) in tags.urls {
                let normalised = String(value.unicodeScalars.filter { $0.value > 0x20 }).lowercased()
                #expect(!["javascript:", "data:", "vbscript:"].contains { normalised.hasPrefix($0) }, "\(page): \(name)=\"\(value)\"")
            }
            #expect(!html.unicodeScalars.contains { ($0.value < 0x20 && !"\t\n\r".unicodeScalars.contains($0)) || (0x7F...0x9F).contains($0.value) },
                    "control character in \(page)")
            for script in tags.jsonLD {
                #expect((try? JSONSerialization.jsonObject(with: Data(script.utf8))) != nil, "JSON-LD of \(page) does not parse")
            }
        }

        // The values come through whole: JSON-LD holds the payload exactly, the page shows it escaped.
        let person = try hostile.page("people/vladimir-putin/index.html")
        let jsonLD = try #require(HTMLTags(person).jsonLD.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(jsonLD.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "\(Self.payload) name")
        #expect(person.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&lt;!--]]&gt;&amp;amp;javascript:alert(1)\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD} name</h1>"))

        for file in ["feed.xml", "sitemap.xml"] {
            let parser = XMLParser(data: try Data(contentsOf: hostile.output.appendingPathComponent(file)))
            #expect(parser.parse(), "\(file): \(String(describing: parser.parserError))")
        }
        #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: hostile.output.appendingPathComponent("data.json")))) != nil)
    }

    // MARK: - The site

    /// Every kind of entry with `field(name)` in each free-text field and `markdown` in link texts, titles
    /// and image descriptions.
    static func site(field: (String) -> String, markdown text: String) -> [String: String] {
        func yaml(_ name: String) -> String {
            var quoted = "\""
            for scalar in field(name).unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}":
                    let hex = String(scalar.value, radix: 16)
                    quoted += "\\x" + (hex.count == 1 ? "0" : "") + hex
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }
        let title = text.replacingOccurrences(of: "\"", with: "\\\"")
        let body = """
            Text \(text), in a paragraph.

            A [link \(text)](https://news.example/?q=%22&a='b' "title \(title)") and a [local one](/people/vladimir-putin.md "\(title)").
            ![image \(text)](https://news.example/i.png "\(title)") <https://news.example/"quoted"> www.news.example/path and a note[^n].

            | \(text) | b |
            | --- | --- |
            | \(text) | ~~\(text)~~ |

            [^n]: Note \(text).

            """
        return [
            "site.yaml": "title: \(yaml("site title"))\ndescription: \(yaml("description"))\nbase_url: https://news.example/briefing/\nas_of: \"2025-05-11\"\n",
            "index.md": "---\ntitle: \(yaml("overview"))\nsummary: \(yaml("summary"))\n---\n" + body,
            "people/vladimir-putin.md": "---\nname: \(yaml("name"))\nrole: \(yaml("role"))\ncountry: \(yaml("country"))\naliases: [\(yaml("alias"))]\nsummary: \(yaml("summary"))\n---\n" + body,
            "people/kyiv.md": "---\nname: \(yaml("side"))\nrole: \(yaml("government"))\nkind: government\n---\n" + body,
            "quotes/ready.md": """
                ---
                speaker: vladimir-putin
                text: \(yaml("quote"))
                date: "2025-05-11"
                source: report
                event: statement
                medium: \(yaml("medium"))
                topics: [talks-first]
                updated: "2025-05-12"
                corrections:
                  - date: "2025-05-12"
                    note: \(yaml("correction"))
                ---

                """ + body,
            "quotes/kyiv-says.md": "---\nspeaker: kyiv\ntext: \(yaml("answer"))\ndate: \"2025-05\"\nsource: report\n---\n" + body,
            "timeline/statement.md": "---\ntitle: \(yaml("event"))\ndate: \"2025-05-11\"\ntime: \(yaml("time"))\npeople: [vladimir-putin]\nsources: [report]\ntopics: [talks-first]\n---\n" + body,
            "sources/report.md": "---\ntitle: \(yaml("source"))\npublisher: \(yaml("publisher"))\nurl: \"https://news.example/report?q=%3Cscript%3E&x='y'\"\ndate: \"2025-05-11\"\n---\n" + body,
            "topics/talks-first.md": "---\ntitle: \(yaml("topic"))\nsummary: \(yaml("topic summary"))\n---\n" + body,
            "pages/about.md": "---\ntitle: \(yaml("page"))\n---\n" + body,
        ]
    }
}

/// The tags of an HTML document as a parser tokenises them: comments, doctype and text skipped,
/// the contents of `script`, `style`, `title` and `textarea` taken as text.
struct HTMLTags {
    /// Each tag as `name[attribute,…]`, `/name` for end tags, in document order.
    var skeleton: [String] = []
    /// Every `href` and `src` value, character references decoded.
    var urls: [(String, String)] = []
    /// The text of every `<script type="application/ld+json">`.
    var jsonLD: [String] = []

    init(_ html: String) {
        let s = Array(html.unicodeScalars)
        var i = 0
        func at(_ index: Int) -> Unicode.Scalar? { index < s.count ? s[index] : nil }
        func matches(_ text: String, at index: Int) -> Bool {
            var offset = index
            for scalar in text.unicodeScalars {
                guard let candidate = at(offset), candidate == scalar
                        || (candidate.isASCII && scalar.isASCII && Character(candidate).lowercased() == String(scalar)) else { return false }
                offset += 1
            }
            return true
        }
        func find(_ text: String, from start: Int) -> Int? {
            (start..<s.count).first { s[$0] == "<" || s[$0] == "-" || s[$0] == ">" ? matches(text, at: $0) : false }
        }
        func isSpace(_ scalar: Unicode.Scalar?) -> Bool { scalar.map { " \t\n\r\u{C}".unicodeScalars.contains($0) } ?? false }

        while i < s.count {
            guard s[i] == "<" else { i += 1; continue }
            if matches("<!--", at: i) {
                i = (find("-->", from: i + 4) ?? s.count) + 3
                continue
            }
            if at(i + 1) == "!" || at(i + 1) == "?" {
                i = (find(">", from: i) ?? s.count) + 1
                continue
            }
            var j = i + 1
            let closing = at(j) == "/"
            if closing { j += 1 }
            guard let first = at(j), first.isASCII, first.properties.isAlphabetic else { i += 1; continue }
            var name = ""
            while let scalar = at(j), !isSpace(scalar), scalar != "/", scalar != ">" { name.unicodeScalars.append(scalar); j += 1 }
            name = name.lowercased()
            var attributes: [(String, String)] = []
            while let scalar = at(j), scalar != ">" {
                if isSpace(scalar) || scalar == "/" { j += 1; continue }
                var attribute = ""
                while let scalar = at(j), !isSpace(scalar), scalar != "/", scalar != ">", scalar != "=" || attribute.isEmpty {
                    attribute.unicodeScalars.append(scalar); j += 1
                }
                while isSpace(at(j)) { j += 1 }
                var value = ""
                if at(j) == "=" {
                    j += 1
                    while isSpace(at(j)) { j += 1 }
                    if let quote = at(j), quote == "\"" || quote == "'" {
                        j += 1
                        while let scalar = at(j), scalar != quote { value.unicodeScalars.append(scalar); j += 1 }
                        j += 1
                    } else {
                        while let scalar = at(j), !isSpace(scalar), scalar != ">" { value.unicodeScalars.append(scalar); j += 1 }
                    }
                }
                attributes.append((attribute.lowercased(), HTMLTags.decode(value)))
            }
            i = j + 1
            skeleton.append((closing ? "/" : "") + name + "[" + attributes.map(\.0).joined(separator: ",") + "]")
            urls += attributes.filter { $0.0 == "href" || $0.0 == "src" }
            if !closing, ["script", "style", "title", "textarea"].contains(name) {
                let end = find("</\(name)", from: i) ?? s.count
                if name == "script", attributes.contains(where: { $0 == ("type", "application/ld+json") }) {
                    jsonLD.append(String(String.UnicodeScalarView(s[i..<end])))
                }
                i = end
            }
        }
    }

    /// The character references the generator writes, and numeric ones.
    static func decode(_ value: String) -> String {
        var text = value
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        while let match = text.firstMatch(of: /&#(x?)([0-9a-fA-F]+);/) {
            let value = UInt32(match.output.2, radix: match.output.1.isEmpty ? 10 : 16).flatMap(Unicode.Scalar.init)
            text.replaceSubrange(match.range, with: value.map { String($0) } ?? "")
        }
        return text.replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// Titles cut for breadcrumbs and mention lists: at a word boundary, never inside a character.
@Suite struct ShortenedTitleTests {
    @Test(arguments: [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("one two three four", 10, "one two…"),
        ("one, two, three", 10, "one, two…"),
        ("nospacesatallhere", 10, "nospacesat…"),
        ("café au lait très chaud", 10, "café au…"),
        // A combining accent right after the cut belongs to the character before it.
        ("abcd\u{301}efgh", 4, "abcd\u{301}…"),
        ("abcde\u{301}fgh", 4, "abcd…"),
        ("cafe\u{301} au lait", 4, "cafe\u{301}…"),
        // Characters of several bytes count once: eleven bytes, but five characters.
        ("ééééé", 5, "ééééé"),
        ("line\r\nbreak and more", 6, "line\r\nb…"),
        // Quote titles: curly quotes, Cyrillic letters.
        ("Zelensky: “I will wait for Putin in Turkey”", 20, "Zelensky: “I will…"),
        ("Путин готов к переговорам", 10, "Путин…"),
        ("“Ready.” Then more", 8, "“Ready…"),
        ("a\u{200D}bcdefgh ij", 4, "a\u{200D}bcd…"),
    ])
    func cutsAtAWordBoundary(text: String, limit: Int, expected: String) {
        #expect(shortened(text, limit: limit) == expected)
    }
}
