@testable import BriefingKit
import Foundation
import Testing

/// The editor's reading and writing of content files: a save changes the lines of the fields that changed and nothing
/// else, and keeps what the form cannot show.
@Suite struct EntryDocumentTests {
    static let content = ShippedContentTests.repository.appendingPathComponent("content")
    static let shippedFiles = ContentLoader.listFiles(in: content)

    static func open(_ relativePath: String, _ text: String) throws -> EntryDocument {
        let file = try #require(EditedFile(relativePath: relativePath))
        return try EntryDocument(file: file, bytes: Array(text.utf8), displayPath: "content/" + relativePath)
    }

    /// The draft a form sends back for a document as opened: every typed value, every field shown as text, the body.
    static func unchangedDraft(_ document: EntryDocument) -> EntryDocument.Draft {
        var draft = EntryDocument.Draft(body: document.body)
        if document.unreadable != nil { draft.frontMatter = document.frontMatter }
        for field in document.file.fields {
            if case .value(let value)? = document.fields[field.key] { draft.values[field.key] = value } else if document.fields[field.key] == nil {
                draft.values[field.key] = EntryDocument.empty(field.type)
            }
        }
        for (key, field) in document.fields {
            if case .raw(let text, _) = field { draft.raw[key] = text }
        }
        return draft
    }

    @Test(arguments: shippedFiles)
    func everyShippedFileOpensAsFieldsAndSavesUnchangedByteForByte(_ relativePath: String) throws {
        let bytes = Array(try Data(contentsOf: Self.content.appendingPathComponent(relativePath)))
        let file = try #require(EditedFile(relativePath: relativePath), "\(relativePath) is not a file the editor opens")
        let document = try EntryDocument(file: file, bytes: bytes, displayPath: "content/" + relativePath)
        #expect(document.unreadable == nil)
        #expect(document.unknownKeys.isEmpty)
        for (key, field) in document.fields {
            if case .raw(_, let reason) = field { Issue.record("\(relativePath): '\(key)' shown as text because \(reason)") }
        }
        #expect(document.bytes(of: document.render(Self.unchangedDraft(document)).text) == bytes)
        #expect(document.digest == SHA256.hex(bytes))
    }

    @Test(arguments: shippedFiles)
    func everyShippedFileWrittenAfreshFromItsValuesReadsBackTheSame(_ relativePath: String) throws {
        // With every field rewritten from the form's values (not kept as written), the parser reads the same fields.
        let text = try String(contentsOf: Self.content.appendingPathComponent(relativePath), encoding: .utf8)
        let document = try Self.open(relativePath, text)
        let fresh = EntryDocument(new: document.file)
        var draft = Self.unchangedDraft(document)
        draft.raw = [:]
        let rewritten = fresh.render(draft).text
        let reread = try Self.open(relativePath, rewritten)
        for field in document.file.fields {
            #expect(reread.value(of: field) == document.value(of: field), "\(relativePath): \(field.key)")
        }
        #expect(reread.body == document.body)
    }

    @Test func aChangedFieldRewritesOnlyItsLines() throws {
        let text = """
            ---
            speaker: vladimir-putin
            text: 'We are ready'   
            date: "2025-05-11"
            source: istanbul-talks-report
            topics:
              - talks-first
            ---
            Body *kept*   
            with trailing spaces.

            """
        let document = try Self.open("quotes/q.md", text)
        var draft = Self.unchangedDraft(document)
        draft.values["date"] = .text("2025-05")
        draft.values["medium"] = .text("statement: on TV")
        let rendered = document.render(draft)
        #expect(rendered.text == """
            ---
            speaker: vladimir-putin
            text: 'We are ready'   
            date: "2025-05"
            source: istanbul-talks-report
            medium: "statement: on TV"
            topics:
              - talks-first
            ---
            Body *kept*   
            with trailing spaces.

            """)
        #expect(rendered.fieldLines["date"] == 4...4)
        #expect(rendered.fieldLines["topics"] == 7...8)
        #expect(rendered.bodyFirstLine == 10)
    }

    @Test func unknownKeysAndCommentsAreKeptAndShownAsText() throws {
        let text = """
            ---
            # Checked against the article on 12 May.
            name: Vladimir Putin
            role: President of Russia # at the time
            nickname: VVP
            ---
            Profile.

            """
        let document = try Self.open("people/vladimir-putin.md", text)
        #expect(document.unknownKeys == ["nickname"])
        guard case .raw(let roleText, let reason)? = document.fields["role"] else {
            Issue.record("a field with a comment is shown as text")
            return
        }
        #expect(roleText == "role: President of Russia # at the time\n")
        #expect(reason.contains("comment"))
        var draft = Self.unchangedDraft(document)
        draft.values["name"] = .text("Vladimir V. Putin")
        draft.values["country"] = .text("Russia")
        #expect(document.render(draft).text == """
            ---
            # Checked against the article on 12 May.
            name: "Vladimir V. Putin"
            role: President of Russia # at the time
            nickname: VVP
            country: "Russia"
            ---
            Profile.

            """)
        // Emptying a field shown as text removes it.
        draft.raw["nickname"] = ""
        #expect(!document.render(draft).text.contains("nickname"))
    }

    @Test func listsAndCorrectionsAreWrittenSoTheParserReadsThem() throws {
        let document = try Self.open("quotes/q.md", "---\nspeaker: a\ntext: \"x\"\ndate: \"2025\"\nsource: s\n---\n")
        var draft = Self.unchangedDraft(document)
        draft.values["topics"] = .list(["talks-first", "", "2025", "istanbul-talks"])
        draft.values["corrections"] = .corrections([.init(date: "2025-05-12", note: "The \"speaker\" was wrong.\nFixed."), .init(date: "", note: "")])
        draft.values["draft"] = .text("true")
        let text = document.render(draft).text
        #expect(text == """
            ---
            speaker: a
            text: "x"
            date: "2025"
            source: s
            topics: [talks-first, "2025", istanbul-talks]
            draft: true
            corrections:
              - date: "2025-05-12"
                note: "The \\"speaker\\" was wrong.\\nFixed."
            ---

            """)
        let split = try FrontMatterParser.split(text, path: "q.md").get()
        let decoded = try FrontMatterParser.decode(QuoteFields.self, yaml: split.yaml, path: "q.md", firstLine: 2).get()
        #expect(decoded.fields.topics == ["talks-first", "2025", "istanbul-talks"])
        #expect(decoded.editorial.corrections?.first?.note == "The \"speaker\" was wrong.\nFixed.")
        #expect(decoded.editorial.draft == true)
    }

    @Test func byteOrderMarkAndWindowsLineEndsAreKept() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("---\r\ntitle: About\r\n---\r\nText.\r\n".utf8)
        let file = try #require(EditedFile(relativePath: "pages/about.md"))
        let document = try EntryDocument(file: file, bytes: bytes, displayPath: "content/pages/about.md")
        #expect(document.bytes(of: document.render(Self.unchangedDraft(document)).text) == bytes)
        var draft = Self.unchangedDraft(document)
        draft.values["title"] = .text("About us")
        #expect(document.bytes(of: document.render(draft).text) == [0xEF, 0xBB, 0xBF] + Array("---\r\ntitle: \"About us\"\r\n---\r\nText.\r\n".utf8))
    }

    @Test func frontMatterThatIsNotFieldsIsShownWholeWithTheBuildsMessage() throws {
        let document = try Self.open("quotes/q.md", "---\nspeaker: a\ntext: We said: come\n---\nBody\n")
        let problem = try #require(document.unreadable)
        #expect(problem.location.line == 3)
        #expect(document.frontMatter == "speaker: a\ntext: We said: come\n")
        var draft = Self.unchangedDraft(document)
        draft.frontMatter = "speaker: a\ntext: \"We said: come\"\n"
        #expect(document.render(draft).text == "---\nspeaker: a\ntext: \"We said: come\"\n---\nBody\n")
    }

    @Test func aNewFileIsWrittenInTheModelsOrder() throws {
        let document = EntryDocument(new: .entry(.event, id: "new"))
        var draft = EntryDocument.Draft(body: "What happened.\n")
        draft.values = ["topics": .list(["talks-first"]), "date": .text("2025-05-11"), "title": .text("Talks: day one"), "weight": .text("-2"),
                        "time": .text("")]
        #expect(document.render(draft).text
            == "---\ntitle: \"Talks: day one\"\ndate: \"2025-05-11\"\nweight: -2\ntopics: [talks-first]\n---\nWhat happened.\n")
    }

    @Test func theFieldsComeFromTheModelsKeysInOrder() {
        #expect(FieldSchema.fields(of: .quote).map(\.key) == ["speaker", "text", "date", "source", "event", "medium", "topics", "draft", "updated", "corrections"])
        #expect(FieldSchema.fields(of: .quote).filter(\.isRequired).map(\.key) == ["speaker", "text", "date", "source"])
        #expect(FieldSchema.siteFields.map(\.key) == ["title", "description", "language", "base_url", "as_of", "raw_html", "page_size", "precompress", "image"])
        #expect(FieldSchema.fields(of: .quote).first { $0.key == "speaker" }?.type == .reference(.person))
        #expect(FieldSchema.fields(of: .event).first { $0.key == "people" }?.type == .references(.person))
    }

    /// Sidecars as they are written: the example of docs/content.md, the one `briefing new image` writes, the browser
    /// tests' photographs', one with comments and single quotes, one with CRLF line ends.
    static let sidecars: [String] = [
        """
        alt: "An empty negotiating table with Turkish, Ukrainian and Russian flags"
        credit: "Jane Doe/Example Agency"
        license: "CC BY 4.0"
        caption: "The table set in Istanbul's Dolmabahçe Palace."
        creator: "Jane Doe"
        copyright: "© 2025 Example Agency"
        license_url: "https://creativecommons.org/licenses/by/4.0/"
        acquire_license_url: "https://agency.example/licensing/12345"
        date: "2025-05-15"
        focus: "0.5, 0.35"

        """,
        NewImage.Planned(id: "talks", format: .jpeg).sidecar,
        "alt: \"Ada Example at a lectern\"\ncredit: \"Test Photographer/Test Wire\"\nlicense: \"CC BY 4.0\"\nfocus: \"0.5, 0.3\"\n",
        "# Licensed for this briefing only.\nalt: Putin at a lectern   # as seen on the agency's page\ncredit: 'Test Photographer/Test Wire'\nlicense: CC0\n\n",
        "alt: \"A crowd\"\r\ncredit: \"A. N. Other\"\r\nlicense: \"CC0\"\r\n",
    ]

    @Test(arguments: sidecars.indices)
    func everySidecarSavesUnchangedByteForByte(_ index: Int) throws {
        let bytes = Array(Self.sidecars[index].utf8)
        let file = try #require(EditedFile(relativePath: "media/talks.yaml"))
        #expect(file == .image(id: "talks"))
        #expect(file.fields.map(\.key) == ["alt", "credit", "license", "caption", "creator", "copyright", "license_url", "acquire_license_url",
                                           "date", "focus"])
        let document = try EntryDocument(file: file, bytes: bytes, displayPath: "content/media/talks.yaml")
        #expect(document.unreadable == nil)
        #expect(document.bytes(of: document.render(Self.unchangedDraft(document)).text) == bytes)
    }

    @Test func aSidecarsPlaceholdersFilledInChangeOnlyTheirLines() throws {
        let document = try Self.open("media/talks.yaml", NewImage.Planned(id: "talks", format: .jpeg).sidecar)
        var draft = Self.unchangedDraft(document)
        draft.values["alt"] = .text("Two delegations at a long table")
        draft.values["credit"] = .text("Jane Doe/Example Agency")
        draft.values["license"] = .text("CC BY 4.0")
        draft.values["focus"] = .text("0.4, 0.3")
        let text = document.render(draft).text
        #expect(text == NewImage.Planned(id: "talks", format: .jpeg).sidecar
            .replacingOccurrences(of: "alt: \"(to be written)\"", with: "alt: \"Two delegations at a long table\"")
            .replacingOccurrences(of: "credit: \"(to be written)\"", with: "credit: \"Jane Doe/Example Agency\"")
            .replacingOccurrences(of: "license: \"(to be written)\"\n", with: "license: \"CC BY 4.0\"\nfocus: \"0.4, 0.3\"\n"))
        let decoded = try FrontMatterParser.decodeFile(ImageFields.self, yaml: text, path: "content/media/talks.yaml").get()
        #expect(decoded.fields.alt == "Two delegations at a long table")
        #expect(decoded.fields.focus == "0.4, 0.3")
        #expect(EditedFile(relativePath: "media/Talks.yaml") == nil)
        #expect(EditedFile(kind: "image", id: "../site") == nil)
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256MatchesTheStandardsExamples(_ input: String, _ digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }
}
