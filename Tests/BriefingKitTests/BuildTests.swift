@testable import BriefingKit
import Foundation
import Testing

@Suite struct BuildTests {
    @Test func buildsEveryPageKind() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        let report = try site.build()
        let files = Set(site.snapshot().keys)
        for path in [
            "index.html", "404.html", ".briefing-output", "sitemap.xml", "robots.txt", "feed.xml", "data.json",
            "people/index.html", "people/vladimir-putin/index.html", "people/kyiv/index.html",
            "quotes/index.html", "quotes/putin-ready/index.html",
            "timeline/index.html", "timeline/offer/index.html",
            "sources/index.html", "sources/report/index.html",
            "topics/index.html", "topics/talks-first/index.html", "about/index.html", "search/index.html",
        ] {
            #expect(files.contains(path), "missing \(path)")
        }
        #expect(report.pages == files.filter { $0.hasSuffix(".html") }.count)
        #expect(report.pages == 23)
    }

    @Test func everyInternalLinkResolvesToAGeneratedFile() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let broken = brokenLinks(in: site.output, basePath: "/briefing/")
        #expect(broken.isEmpty, "\(broken)")
    }

    @Test func shippedContentBuildsWithEveryLinkResolving() throws {
        let repository = FixtureSite.repository
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-shipped-\(UUID().uuidString)")
        // The lock file beside the output goes too: the output is directly in the temporary folder.
        defer { for file in [output, OutputWriter.lockFile(for: output)] { try? FileManager.default.removeItem(at: file) } }
        let options = BuildOptions(contentFolder: repository.appendingPathComponent("content").path,
                                   assetsFolder: repository.appendingPathComponent("templates/assets").path,
                                   outputFolder: output.path, contentDisplayPath: "content")
        let report = try SiteBuilder.build(options)
        #expect(report.pages > 40)
        let broken = brokenLinks(in: output, basePath: "/istanbul-talks/")
        #expect(broken.isEmpty, "\(broken)")
    }

    @Test func rewritesMarkdownLinksToRelativePageURLs() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let overview = try site.page("index.html")
        #expect(overview.contains("<a href=\"people/volodymyr-zelenskyy/index.html\">Zelenskyy</a>"))
        #expect(overview.contains("<a href=\"people/vladimir-putin/index.html\">Putin</a>"))
        #expect(overview.contains("<a href=\"timeline/index.html\">timeline</a>"))
        #expect(overview.contains("<a href=\"timeline/offer/index.html#what-was-offered\">offer</a>"))
        let about = try site.page("about/index.html")
        #expect(about.contains("<a href=\"../index.html\">overview</a>"))
        let offer = try site.page("timeline/offer/index.html")
        #expect(offer.contains("<a href=\"#what-was-offered\">Istanbul</a>"))
        #expect(offer.contains("<h2 id=\"what-was-offered\">What was offered</h2>"))
    }

    @Test func showsInverseRelations() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()

        let putin = try site.page("people/vladimir-putin/index.html")
        let putinQuotes = try section("quotes", of: putin)
        #expect(putinQuotes.contains("We are ready for serious talks with Ukraine"))
        #expect(!putinQuotes.contains("waiting for Putin"))
        let putinEvents = try section("events", of: putin)
        #expect(putinEvents.contains("../../timeline/invasion/index.html"))
        #expect(putinEvents.contains("../../timeline/offer/index.html"))
        #expect(!putinEvents.contains("istanbul-2022"))
        let putinMentions = try section("mentioned-in", of: putin)
        #expect(putinMentions.contains("<a href=\"../../index.html\">The story at a glance</a>"))
        #expect(putinMentions.contains("Volodymyr Zelenskyy</a>") == false)

        let zelenskyy = try site.page("people/volodymyr-zelenskyy/index.html")
        #expect(try section("mentioned-in", of: zelenskyy).contains("<a href=\"../../people/vladimir-putin/index.html\">Vladimir Putin</a>"))

        let statement = try site.page("timeline/statement/index.html")
        #expect(try section("quotes", of: statement).contains("We are ready for serious talks"))
        #expect(statement.contains("<a href=\"../../people/vladimir-putin/index.html\">Vladimir Putin</a>"))
        #expect(try section("mentioned-in", of: statement).contains("../../quotes/putin-ready/index.html"))

        let source = try site.page("sources/report/index.html")
        let citing = try section("quotes", of: source)
        for text in ["We are ready", "waiting for Putin", "cynical PR move"] { #expect(citing.contains(text)) }
        #expect(try section("events", of: source).contains("../../timeline/offer/index.html"))

        let topic = try site.page("topics/talks-first/index.html")
        #expect(try section("quotes", of: topic).contains("We are ready"))
        #expect(try section("quotes", of: topic).contains("waiting for Putin"))
        #expect(try section("speakers", of: topic).contains("Vladimir Putin"))
        #expect(try section("events", of: topic).contains("../../timeline/statement/index.html"))
    }

    @Test func quotesListFiltersBySpeakerAndTopicWithoutJavaScript() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let quotes = try site.page("quotes/index.html")
        #expect(!quotes.contains("<script src"))
        let bySpeaker = try section("by-speaker", of: quotes)
        #expect(bySpeaker.contains("<a href=\"../people/vladimir-putin/index.html\">Vladimir Putin</a> <span class=\"count\">(1 quote)</span>"))
        let byTopic = try section("by-topic", of: quotes)
        #expect(byTopic.contains("<a href=\"../topics/talks-first/index.html\">Talks first</a> <span class=\"count\">(2 quotes)</span>"))
    }

    @Test func timelineIsInDateOrderGroupedByMonth() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let timeline = try site.page("timeline/index.html")
        let order = try ["invasion", "istanbul-2022", "may", "statement", "offer"].map { id in
            try #require(timeline.range(of: "href=\"../timeline/\(id)/index.html\"")).lowerBound
        }
        #expect(order == order.sorted())
        let headings = timeline.matches(of: /<h2 id="period-([0-9-]+)">/).map { String($0.output.1) }
        #expect(headings == ["2022-02", "2022-03", "2025-05"])
        #expect(timeline.contains("<time datetime=\"2025-05\" class=\"partial-date\" title=\"Exact day not known\">May 2025</time>"))
        #expect(timeline.contains("<time datetime=\"2025-05-11\">11 May 2025</time> <span class=\"event-time\">(late night)</span>"))
    }

    @Test func escapesEveryFrontMatterValue() throws {
        var files = FixtureSite.full
        files["people/vladimir-putin.md"] = "---\nname: \"<script>alert('x')</script>\"\nrole: \"A & B \\\"C\\\"\"\n---\n"
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        let page = try site.page("people/vladimir-putin/index.html")
        #expect(!page.contains("<script>alert"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(page.contains("A &amp; B &quot;C&quot;"))
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let first = try FixtureSite(FixtureSite.full)
        let second = try FixtureSite(FixtureSite.full)
        defer { first.delete(); second.delete() }
        try first.build()
        try second.build()
        // The marker records where each site's inputs are, so it alone may differ.
        #expect(first.snapshot().filter { $0.key != ".briefing-output" } == second.snapshot().filter { $0.key != ".briefing-output" })
    }

    /// cmark-gfm 0.29 toggles extension characters process-wide while parsing; parallel parses must not lose strikethrough.
    @Test func parallelRenderingIsDeterministic() throws {
        var files = FixtureSite.minimal
        for index in 0..<120 {
            files["pages/table-\(index).md"] = "---\ntitle: Table \(index)\n---\n| a | b |\n|---|---|\n| ~~x~~ | ~y~ |\n\n~~gone~~ and *kept* \(index)\n"
        }
        let first = try FixtureSite(files)
        let second = try FixtureSite(files)
        defer { first.delete(); second.delete() }
        try first.build()
        try second.build()
        let pages = first.snapshot().filter { $0.key != ".briefing-output" }
        #expect(pages == second.snapshot().filter { $0.key != ".briefing-output" })
        for index in 0..<120 {
            let page = String(decoding: pages["table-\(index)/index.html"] ?? Data(), as: UTF8.self)
            #expect(page.contains("<td><del>x</del></td>") && page.contains("<del>gone</del>"), "table-\(index)")
        }
    }

    @Test func rebuildRemovesStaleFilesAndKeepsUnchangedOnes() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let unchanged = site.output.appendingPathComponent("sources/report/index.html")
        let before = try FileManager.default.attributesOfItem(atPath: unchanged.path)

        try site.remove("timeline/may.md")
        let report = try site.build()
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("timeline/may/index.html").path))
        // The page, and the search index whose fingerprinted name changed with its contents.
        #expect(report.write.removed == 2)
        let after = try FileManager.default.attributesOfItem(atPath: unchanged.path)
        #expect(after[.systemFileNumber] as? Int == before[.systemFileNumber] as? Int)
        #expect(after[.modificationDate] as? Date == before[.modificationDate] as? Date)

        let noop = try site.build()
        #expect(noop.write.written == 0)
    }

    @Test func rebuildWithUnchangedInputsTouchesNothing() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let marker = site.output.appendingPathComponent(".briefing-output").path
        let before = try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date
        let report = try site.build()
        #expect(report.write.written == 0 && report.write.removed == 0 && report.pages == 23)
        #expect(try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date == before)

        // Saving a file, even unchanged, makes the next build read everything again.
        try site.write("pages/about.md", FixtureSite.full["pages/about.md"]! + "\nMore.\n")
        let changed = try site.build()
        #expect(changed.write.written >= 1)
        #expect(try site.page("about/index.html").contains("More."))
    }

    /// A build makes its staging folder, and the entries' folders in it, before it knows whether the content is
    /// sound: when it is not, both go, and the output stays as it was.
    @Test func aFailedBuildLeavesTheOutputAsItWasAndNothingBesideIt() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let before = site.snapshot()
        try site.write("quotes/who.md", "---\nspeaker: nobody\ntext: x\ndate: \"2025-05-11\"\nsource: report\n---\n")
        #expect(site.errors() == ["content/quotes/who.md:2:1: error: unknown person 'nobody' in 'speaker': no file people/nobody.md"])
        #expect(site.snapshot() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.root.path).sorted() == [".public.lock", "content", "public", "templates"])
    }

    /// Folders made ahead of the writers for pages that are not written after all (an entry's page when the entry
    /// turned out not to be published) do not reach the output, nor do their emptied parents.
    @Test func foldersMadeAheadForPagesNotWrittenAreRemoved() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("public")
        let staging = try StagingFolder.open(for: output)
        staging.makeFolders(["people/ghost", "quotes/a", "quotes/ghost"])
        let record = BuildRecord(stamp: "test", entries: 1, pages: 1, files: 1)
        _ = try OutputWriter.write(paths: ["quotes/a/index.html"], to: output, record: record, protecting: [], staging: staging) { _ in
            Data("a".utf8)
        }
        var folders: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: output.path)
        while let path = enumerator?.nextObject() as? String {
            if enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { folders.append(path) }
        }
        #expect(folders.sorted() == ["quotes", "quotes/a"])
        #expect(FileManager.default.contents(atPath: output.appendingPathComponent("quotes/a/index.html").path) == Data("a".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["public"])
    }

    @Test func refusesToReplaceAFolderItDidNotWrite() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try FileManager.default.createDirectory(at: site.output, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: site.output.appendingPathComponent("notes.txt"))
        #expect(throws: BuildError.self) { try site.build() }
        #expect(site.snapshot() == ["notes.txt": Data("mine".utf8)])
    }

    // MARK: - Helpers

    /// Every `href`/`src` in every page that points inside the site, checked against the files written. A link from
    /// the host's root (the 404 page's) must start with `basePath`, the path of base_url, where the site is served.
    private func brokenLinks(in output: URL, basePath: String) -> [String] {
        var broken: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: output.path)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".html"), let html = try? String(contentsOf: output.appendingPathComponent(path), encoding: .utf8) else { continue }
            let folder = output.appendingPathComponent(path).deletingLastPathComponent()
            for match in html.matches(of: /(?:href|src)="([^"]*)"/) {
                let link = String(match.output.1)
                if link.hasPrefix("http:") || link.hasPrefix("https:") || link.hasPrefix("mailto:") { continue }
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                var target = parts[0].isEmpty ? output.appendingPathComponent(path) : folder.appendingPathComponent(String(parts[0]))
                if link.hasPrefix("/") {
                    guard link.hasPrefix(basePath) else {
                        broken.append("\(path): \(link) (outside \(basePath))")
                        continue
                    }
                    target = output.appendingPathComponent(String(parts[0].dropFirst(basePath.count)))
                }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                    broken.append("\(path): \(link)")
                    continue
                }
                if parts.count == 2, !parts[1].isEmpty, target.pathExtension == "html",
                   let targetHTML = try? String(contentsOf: target, encoding: .utf8), !targetHTML.contains("id=\"\(parts[1])\"") {
                    broken.append("\(path): \(link) (no such anchor)")
                }
            }
        }
        return broken
    }

    /// The markup of the `<section>` whose heading has `id`.
    private func section(_ id: String, of html: String) throws -> String {
        let start = try #require(html.range(of: "<h2 id=\"\(id)\">"))
        let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        return String(html[start.lowerBound..<end])
    }
}
