@testable import BriefingKit
import Foundation
import Testing

/// Input that is unusual but valid: it must build, and build the way an editor expects.
@Suite struct OddInputTests {
    @Test func pagesThatLinkInACycleBuild() throws {
        var files = FixtureSite.minimal
        files["pages/a.md"] = "---\ntitle: A\n---\nSee [B](b.md).\n"
        files["pages/b.md"] = "---\ntitle: B\n---\nSee [C](c.md).\n\n## Top\n"
        files["pages/c.md"] = "---\ntitle: C\n---\nBack to [A](/pages/a.md) and [B](b.md#top).\n"
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        #expect(try site.page("a/index.html").contains("<a href=\"../b/index.html\">B</a>"))
        #expect(try site.page("c/index.html").contains("<a href=\"../a/index.html\">A</a>"))
        #expect(try mentions(site.page("a/index.html")) == ["C"])
        #expect(try mentions(site.page("b/index.html")) == ["A", "C"])
        #expect(try mentions(site.page("c/index.html")) == ["B"])
    }

    @Test func aPageLinkingToItselfStaysOnThePage() throws {
        var files = FixtureSite.minimal
        files["pages/about.md"] = "---\ntitle: About\n---\nThis [page](about.md), its [method](/pages/about.md#method).\n\n## Method\n"
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        let page = try site.page("about/index.html")
        #expect(page.contains("This <a href=\"#\">page</a>, its <a href=\"#method\">method</a>."))
        #expect(try mentions(page) == [])
    }

    @Test func aThousandLinksOnOneLine() throws {
        var files = FixtureSite.minimal
        files["pages/about.md"] = "---\ntitle: About\n---\n" + (0..<1000).map { "[\($0)](../people/vladimir-putin.md)" }.joined(separator: " ") + "\n"
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        let page = try site.page("about/index.html")
        #expect(page.matches(of: /<a href="\.\.\/people\/vladimir-putin\/index\.html">/).count == 1000)
        #expect(try mentions(site.page("people/vladimir-putin/index.html")) == ["Overview", "About"])
    }

    /// `content/x -> .` and `content/y -> .`: followed blindly, the walk would list 2^n paths.
    @Test(.timeLimit(.minutes(1))) func symbolicLinkLoopsAreWalkedOnce() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        for name in ["x", "y"] {
            try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("content/\(name)").path, withDestinationPath: ".")
        }
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("content/people/up").path, withDestinationPath: "..")
        try site.build()
        #expect(try site.page("people/vladimir-putin/index.html").contains("<h1>Vladimir Putin</h1>"))
    }

    @Test func tooManyFilesIsOneErrorBeforeAnyIsRead() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        let (content, problems) = ContentLoader.load(contentFolder: site.root.appendingPathComponent("content"), displayRoot: "content", maximumFileCount: 3)
        #expect(content.files.isEmpty)
        #expect(problems.map(\.description) == ["content:1:1: error: too many files: more than 3 in the content folder; the limit is 3 files"])
        #expect(ContentLoader.load(contentFolder: site.root.appendingPathComponent("content"), displayRoot: "content", maximumFileCount: 4).1.isEmpty)
    }

    /// The titles in a page's "Mentioned in" list.
    private func mentions(_ html: String) throws -> [String] {
        guard let start = html.range(of: "<h2 id=\"mentioned-in\">") else { return [] }
        let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        return html[start.upperBound..<end].matches(of: /<a href="[^"]*">([^<]*)<\/a>/).map { String($0.output.1) }
    }
}
