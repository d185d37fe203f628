import BriefingKit
import Foundation
import Testing

/// Long lists (the quotes, the timeline, a topic's quotes) run over numbered pages once they pass `page_size`.
@Suite struct PaginationTests {
    @Test func theQuotesListRunsOverNumberedPagesWithEveryQuoteOnOne() throws {
        let site = try ShippedSite(pageSize: 3)
        defer { site.delete() }
        try site.session.build(changedSources: [])

        // The shipped briefing has 10 quotes: pages of 3, 3, 3 and 1.
        let pages = ["quotes/index.html"] + (2...4).map { "quotes/page/\($0)/index.html" }
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("quotes/page/5").path))
        let quoteFiles = try FileManager.default.contentsOfDirectory(atPath: site.content.appendingPathComponent("quotes").path)
        #expect(quoteFiles.count == 10)
        let html = try pages.map(site.page)
        for file in quoteFiles {
            let link = "quotes/\(file.dropLast(3))/index.html\""
            #expect(html.filter { $0.contains(link) }.count == 1, "\(file) must be on exactly one page of the list")
        }

        #expect(html[1].contains("<title>Quotes (page 2 of 4) · "))
        #expect(html[1].contains("<h2 id=\"all-quotes\">Quotes 4–6 of 10</h2>"))
        #expect(html[1].contains("rel=\"prev\" href=\"../../../quotes/index.html\""))
        #expect(html[1].contains("rel=\"next\" href=\"../../../quotes/page/3/index.html\""))
        #expect(html[1].contains("<a aria-current=\"page\" href=\"../../../quotes/page/2/index.html\">2</a>"))
        #expect(!html[0].contains("rel=\"prev\""))
        #expect(!html[3].contains("rel=\"next\""))
        // The counts by speaker and topic are on the first page only.
        #expect(html[0].contains("id=\"by-speaker\""))
        #expect(!html[1].contains("id=\"by-speaker\""))

        let sitemap = try site.page("sitemap.xml")
        #expect(sitemap.contains("<loc>https://briefing.example/istanbul-talks/quotes/page/4/</loc>"))
    }

    @Test func everyLinkOnANumberedPageReachesAFile() throws {
        let site = try ShippedSite(pageSize: 2)
        defer { site.delete() }
        try site.session.build(changedSources: [])
        let numbered = site.snapshot().keys.filter { $0.contains("/page/") }
        // 10 quotes in 5 pages, 14 events in 7, and topics with more than 2 quotes.
        #expect(numbered.filter { $0.hasPrefix("quotes/page/") }.count == 4)
        #expect(numbered.filter { $0.hasPrefix("timeline/page/") }.count == 6)
        #expect(numbered.contains { $0.hasPrefix("topics/") })
        for path in numbered {
            let folder = site.output.appendingPathComponent(path).deletingLastPathComponent()
            let html = try site.page(path)
            let links = html.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            for link in links where !link.hasPrefix("http") && !link.hasPrefix("#") {
                let target = folder.appendingPathComponent(String(link.prefix { $0 != "#" })).standardizedFileURL
                #expect(FileManager.default.fileExists(atPath: target.path), "\(path) links to \(link)")
            }
        }
        // A topic's later pages carry only its quotes.
        let topicPage = try #require(numbered.first { $0.hasPrefix("topics/") })
        #expect(!(try site.page(topicPage)).contains("id=\"speakers\""))
    }

    @Test func theShippedBriefingFitsOnSinglePages() throws {
        let site = try ShippedSite()
        defer { site.delete() }
        try site.session.build(changedSources: [])
        #expect(site.snapshot().keys.filter { $0.contains("/page/") } == [])
        #expect(!(try site.page("quotes/index.html")).contains("class=\"page-numbers\""))
    }
}
