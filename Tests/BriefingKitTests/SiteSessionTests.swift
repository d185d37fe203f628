import BriefingKit
import Foundation
import Testing

/// The preview server's rebuilds: after any sequence of saves, the output must be byte for byte what a full
/// `briefing build` of the same content writes, while a save of a quote or an event renders only the pages showing it.
@Suite struct SiteSessionTests {
    /// One save: the file (inside `content/`) and how its text changes.
    struct Edit: CustomStringConvertible, Sendable {
        var description: String
        var path: String
        var change: @Sendable (String) -> String

        init(_ description: String, _ path: String, _ change: @escaping @Sendable (String) -> String) {
            self.description = description
            self.path = path
            self.change = change
        }
    }

    static let kelloggQuote = "quotes/kellogg-not-the-other-way-around.md"
    static let kelloggEvent = "timeline/kellogg-x-post.md"
    static let putinQuote = "quotes/putin-ready-for-serious-talks.md"

    /// Saves a quote or an event can make, each rendered from memory without the whole site.
    static let smallEdits: [Edit] = [
        Edit("quote body", kelloggQuote) { $0 + "\nOne more sentence for the test.\n" },
        Edit("quote text", kelloggQuote) { $0.replacingOccurrences(of: "\"Not the other way around,\"", with: "\"Not the other way round,\"") },
        Edit("quote date moves it in the order", kelloggQuote) { $0.replacingOccurrences(of: "date: \"2025\"", with: "date: \"2025-05-12\"") },
        Edit("quote speaker", kelloggQuote) { $0.replacingOccurrences(of: "speaker: keith-kellogg", with: "speaker: donald-trump") },
        Edit("quote topics", putinQuote) { $0.replacingOccurrences(of: "topics: [talks-first, istanbul-talks]", with: "topics: [sanctions]") },
        Edit("quote event removed", putinQuote) { $0.replacingOccurrences(of: "event: putin-late-night-statement\n", with: "") },
        Edit("quote links to other pages", putinQuote) { $0 + "\nSee also [Keir Starmer](../people/keir-starmer.md) and [the sources](../sources/istanbul-talks-report.md).\n" },
        Edit("quote links removed", kelloggQuote) { $0.replacingOccurrences(of: "[backed](../timeline/kellogg-x-post.md)", with: "backed") },
        Edit("event title", kelloggEvent) { $0.replacingOccurrences(of: "Kellogg backs a ceasefire before any talks", with: "Kellogg backs a truce first") },
        Edit("event date moves it on the timeline", kelloggEvent) { $0.replacingOccurrences(of: "date: \"2025\"", with: "date: \"2025-05-13\"") },
        Edit("event people", kelloggEvent) { $0.replacingOccurrences(of: "people: [keith-kellogg]", with: "people: [keith-kellogg, keir-starmer]") },
    ]

    /// Saves whose effect can reach any page: rendered whole, from the entries in memory.
    static let wideEdits: [Edit] = [
        Edit("person name", "people/keith-kellogg.md") { $0.replacingOccurrences(of: "name: \"Keith Kellogg\"", with: "name: \"Keith P. Kellogg\"") },
        Edit("event weight", kelloggEvent) { $0.replacingOccurrences(of: "topics: [ceasefire-first, us-policy]\n", with: "topics: [ceasefire-first, us-policy]\nweight: 3\n") },
        Edit("topic title", "topics/sanctions.md") { $0.replacingOccurrences(of: "title:", with: "title: New") },
        Edit("site title", "site.yaml") { $0.replacingOccurrences(of: "title: \"", with: "title: \"Test: ") },
        Edit("page title", "pages/about.md") { $0.replacingOccurrences(of: "title: \"", with: "title: \"Test: ") },
    ]

    /// The shipped page size, and one so small that every list runs over several pages and most saves move a quote
    /// across them.
    static let pageSizes: [Int?] = [nil, 2]

    @Test(arguments: smallEdits, pageSizes)
    func smallEditRendersOnlyAffectedPagesAndMatchesAFullBuild(_ edit: Edit, pageSize: Int?) throws {
        let site = try ShippedSite(pageSize: pageSize)
        defer { site.delete() }
        let full = try site.session.build(changedSources: [])
        let original = try site.read(edit.path)
        let edited = edit.change(original)
        #expect(edited != original, "the edit must change the file")
        try site.save(edit.path, edited)

        let report = try site.session.build(changedSources: [site.absolute(edit.path)])
        #expect(try site.differencesFromFullBuild() == [])
        let rendered = report.write.written + report.write.unchanged
        // With pages of two, a quote leaving a topic can change how many pages the topic has: every page is rendered.
        if pageSize == nil { #expect(rendered < full.write.written / 2, "rendered \(rendered) of \(full.write.written) files") }
        #expect(report.write.changedPaths.contains(SiteSessionTests.page(of: edit.path)))
    }

    @Test(arguments: wideEdits)
    func wideEditMatchesAFullBuild(_ edit: Edit) throws {
        let site = try ShippedSite()
        defer { site.delete() }
        try site.session.build(changedSources: [])
        let original = try site.read(edit.path)
        try site.save(edit.path, edit.change(original))
        #expect(try site.read(edit.path) != original)

        try site.session.build(changedSources: [site.absolute(edit.path)])
        #expect(try site.differencesFromFullBuild() == [])
    }

    @Test(arguments: pageSizes)
    func everySmallEditInTurnStillMatchesAFullBuild(pageSize: Int?) throws {
        let site = try ShippedSite(pageSize: pageSize)
        defer { site.delete() }
        try site.session.build(changedSources: [])
        for edit in Self.smallEdits {
            try site.save(edit.path, edit.change(try site.read(edit.path)))
            try site.session.build(changedSources: [site.absolute(edit.path)])
            #expect(try site.differencesFromFullBuild() == [], "after \(edit)")
        }
    }

    @Test func aBrokenSaveKeepsTheOutputAndTheFixRebuildsEveryFileSavedSince() throws {
        let site = try ShippedSite()
        defer { site.delete() }
        try site.session.build(changedSources: [])
        let before = site.snapshot()

        try site.save(Self.kelloggQuote, try site.read(Self.kelloggQuote).replacingOccurrences(of: "speaker: keith-kellogg", with: "speaker: kellog"))
        let expected = ["content/quotes/kellogg-not-the-other-way-around.md:2:1: error: unknown person 'kellog' in 'speaker': no file people/kellog.md"]
        #expect(site.buildErrors(changed: [Self.kelloggQuote]) == expected)
        #expect(SiteBuilder.check(site.session.options).map(\.description) == expected)
        #expect(site.snapshot() == before)

        // Another file is saved while the first is still broken; then the first is fixed.
        try site.save(Self.kelloggEvent, try site.read(Self.kelloggEvent).replacingOccurrences(of: "Kellogg backs", with: "Kellogg supports"))
        #expect(site.buildErrors(changed: [Self.kelloggEvent]).count == 1)
        try site.save(Self.kelloggQuote, try site.read(Self.kelloggQuote).replacingOccurrences(of: "speaker: kellog", with: "speaker: keith-kellogg"))
        try site.session.build(changedSources: [site.absolute(Self.kelloggQuote)])
        #expect(try site.differencesFromFullBuild() == [])
        #expect(try site.page("timeline/kellogg-x-post/index.html").contains("Kellogg supports"))
    }

    @Test func addingPublishingAndRemovingAFileMatchesAFullBuild() throws {
        let site = try ShippedSite()
        defer { site.delete() }
        try site.session.build(changedSources: [])
        let added = "quotes/test-added-quote.md"
        try site.save(added, try site.read(Self.putinQuote).replacingOccurrences(of: "We are ready", with: "We are still ready"))
        try site.session.build(changedSources: [site.absolute(added)])
        #expect(try site.differencesFromFullBuild() == [])
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("quotes/test-added-quote/index.html").path))

        // Made a draft, its page goes; published again, it comes back.
        let text = try site.read(added)
        try site.save(added, text.replacingOccurrences(of: "topics: [talks-first, istanbul-talks]\n", with: "topics: [talks-first, istanbul-talks]\ndraft: true\n"))
        try site.session.build(changedSources: [site.absolute(added)])
        #expect(try site.differencesFromFullBuild() == [])
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("quotes/test-added-quote").path))
        try site.save(added, text)
        try site.session.build(changedSources: [site.absolute(added)])
        #expect(try site.differencesFromFullBuild() == [])
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("quotes/test-added-quote/index.html").path))

        try FileManager.default.removeItem(at: site.content.appendingPathComponent(added))
        try site.session.build(changedSources: [site.absolute(added)])
        #expect(try site.differencesFromFullBuild() == [])
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("quotes/test-added-quote").path))
    }

    /// `quotes/x.md` → `quotes/x/index.html`.
    static func page(of path: String) -> String {
        String(path.dropLast(3)) + "/index.html"
    }
}

/// A copy of the shipped briefing in a temporary folder, with a session building it.
struct ShippedSite {
    let root: URL
    let session: SiteSession

    /// `pageSize`: written into site.yaml as `page_size`.
    init(pageSize: Int? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FixtureSite.repository.appendingPathComponent("content"), to: root.appendingPathComponent("content"))
        session = SiteSession(options: ShippedSite.options(root, output: "public"))
        if let pageSize { try save("site.yaml", try read("site.yaml") + "page_size: \(pageSize)\n") }
    }

    static func options(_ root: URL, output: String) -> BuildOptions {
        var options = BuildOptions(contentFolder: root.appendingPathComponent("content").path,
                                   assetsFolder: FixtureSite.repository.appendingPathComponent("templates/assets").path,
                                   outputFolder: root.appendingPathComponent(output).path, contentDisplayPath: "content")
        options.fingerprintAssets = false
        return options
    }

    var content: URL { root.appendingPathComponent("content") }
    var output: URL { root.appendingPathComponent("public") }

    func absolute(_ path: String) -> String { content.appendingPathComponent(path).path }
    func read(_ path: String) throws -> String { try String(contentsOf: content.appendingPathComponent(path), encoding: .utf8) }
    func save(_ path: String, _ text: String) throws { try Data(text.utf8).write(to: content.appendingPathComponent(path)) }
    /// The errors of a session build after saving `changed`, as printed; none if it succeeds.
    func buildErrors(changed: [String]) -> [String] {
        do {
            try session.build(changedSources: Set(changed.map(absolute)))
            return []
        } catch {
            switch error {
            case .content(let failure): return failure.diagnostics.map(\.description)
            case .output(let problem): return [problem.description]
            }
        }
    }

    func page(_ path: String) throws -> String { try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8) }

    /// The paths whose bytes differ between the session's output and a fresh full build of the same content.
    func differencesFromFullBuild() throws -> [String] {
        let fresh = root.appendingPathComponent("fresh-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: fresh) }
        _ = try SiteBuilder.build(ShippedSite.options(root, output: fresh.lastPathComponent))
        let expected = Self.snapshot(of: fresh), actual = snapshot()
        return Set(expected.keys).union(actual.keys).filter { expected[$0] != actual[$0] }.sorted()
    }

    func snapshot() -> [String: Data] { Self.snapshot(of: output) }

    /// Every file below `folder` but the build marker, with its bytes.
    static func snapshot(of folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return files }
        while let path = enumerator.nextObject() as? String {
            guard enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular, path != ".briefing-output" else { continue }
            files[path] = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path)
        }
        return files
    }

    func delete() {
        try? FileManager.default.removeItem(at: root)
    }
}
