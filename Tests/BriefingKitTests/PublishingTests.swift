@testable import BriefingKit
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct PublishingTests {
    @Test func sitemapListsEveryPageWithAbsoluteURLs() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let xml = try XMLDocument(data: Data(site.page("sitemap.xml").utf8))
        let locations = try xml.nodes(forXPath: "//*[local-name()='loc']").compactMap(\.stringValue)
        let pages = site.snapshot().keys.filter { $0.hasSuffix(".html") && $0 != "404.html" }
        #expect(locations.count == pages.count)
        #expect(locations.allSatisfy { $0.hasPrefix("https://news.example/briefing/") })
        #expect(locations.contains("https://news.example/briefing/"))
        #expect(locations.contains("https://news.example/briefing/people/vladimir-putin/"))
        #expect(try site.page("robots.txt").contains("Sitemap: https://news.example/briefing/sitemap.xml"))
    }

    @Test func feedCarriesTheFiftyNewestEntries() throws {
        var files = FixtureSite.minimal
        for day in 1...28 {
            for month in [3, 4] {
                let date = String(format: "2025-%02d-%02d", month, day)
                files["quotes/q-\(date).md"] = "---\nspeaker: vladimir-putin\ntext: Said on \(date).\ndate: \"\(date)\"\nsource: report\n---\n"
            }
        }
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        let xml = try XMLDocument(data: Data(site.page("feed.xml").utf8))
        let ids = try #require(xml.rootElement()).elements(forName: "entry").compactMap { $0.elements(forName: "id").first?.stringValue }
        #expect(ids.count == 50)
        #expect(ids.first == "https://news.example/briefing/quotes/q-2025-04-28/")
        #expect(ids.last == "https://news.example/briefing/quotes/q-2025-03-07/")
    }

    @Test func feedIsAtomWithEventsAndQuotesNewestFirst() throws {
        var files = FixtureSite.full
        files["timeline/offer.md"]! = files["timeline/offer.md"]!.replacingOccurrences(of: "weight: 2\n", with: "weight: 2\nupdated: \"2025-05-12\"\ncorrections:\n  - date: \"2025-05-12\"\n    note: The venue was misstated.\n")
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        let xml = try XMLDocument(data: Data(site.page("feed.xml").utf8))
        let root = try #require(xml.rootElement())
        #expect(root.name == "feed" && root.uri == "http://www.w3.org/2005/Atom")
        for element in ["id", "title", "updated", "author"] {
            #expect(root.elements(forName: element).count == 1, "feed needs one <\(element)>")
        }
        let entries = root.elements(forName: "entry")
        #expect(entries.count == 8)  // 5 events + 3 quotes
        for entry in entries {
            for element in ["id", "title", "updated", "link"] {
                #expect(!entry.elements(forName: element).isEmpty, "entry needs <\(element)>")
            }
            let id = entry.elements(forName: "id").first?.stringValue ?? ""
            #expect(id.hasPrefix("https://news.example/briefing/"))
        }
        let updated = entries.compactMap { $0.elements(forName: "updated").first?.stringValue }
        #expect(updated == updated.sorted(by: >))
        #expect(entries.first?.elements(forName: "title").first?.stringValue == "Zelenskyy's offer")
        #expect(entries.first?.elements(forName: "content").first?.stringValue?.contains("Correction, 12 May 2025:</strong> The venue was misstated.") == true)
        #expect(root.elements(forName: "updated").first?.stringValue == "2025-05-12T00:00:00Z")
    }

    @Test func missingBaseURLIsAnErrorUnlessGivenOnTheCommandLine() throws {
        var files = FixtureSite.full
        files["site.yaml"] = "title: Test briefing\n"
        let site = try FixtureSite(files)
        defer { site.delete() }
        #expect(site.errors() == ["content/site.yaml:1:1: error: missing base_url: sitemap.xml, feed.xml and canonical links need the site's address; add 'base_url: https://…' to site.yaml or pass --base-url"])
        var options = site.options
        options.baseURL = "https://elsewhere.example/"
        try SiteBuilder.build(options)
        #expect(try site.page("index.html").contains("<link rel=\"canonical\" href=\"https://elsewhere.example/\">"))
    }

    @Test(arguments: [
        ("index.html", ["WebSite", "NewsArticle"]),
        ("people/vladimir-putin/index.html", ["Person"]),
        ("people/kyiv/index.html", ["GovernmentOrganization"]),
        ("quotes/putin-ready/index.html", ["Quotation"]),
        ("timeline/offer/index.html", ["Event"]),
        ("sources/report/index.html", ["CreativeWork"]),
        ("topics/talks-first/index.html", ["CollectionPage"]),
        ("quotes/index.html", ["CollectionPage"]),
        ("about/index.html", ["WebPage"]),
        ("search/index.html", ["SearchResultsPage"]),
    ])
    func everyPageCarriesJSONLDOfItsKind(page: String, types: [String]) throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let json = try jsonLD(in: site.page(page))
        let graph = (json["@graph"] as? [[String: Any]]) ?? [json]
        #expect(graph.compactMap { $0["@type"] as? String } == types)
        if page.hasPrefix("quotes/putin") {
            #expect(json["text"] as? String == "We are ready for serious talks with Ukraine")
            #expect((json["creator"] as? [String: Any])?["name"] as? String == "Vladimir Putin")
            #expect((json["spokenByCharacter"] as? [String: Any])?["name"] as? String == "Vladimir Putin")
            #expect(json["dateCreated"] as? String == "2025-05-11")
            #expect((json["isBasedOn"] as? [String: Any])?["name"] as? String == "The report")
        }
        let html = try site.page(page)
        #expect(html.contains("<meta property=\"og:title\""))
        #expect(html.contains("<meta name=\"twitter:card\" content=\"summary\">"))
    }

    @Test func scriptTagsInFieldsStayInertInJSONLD() throws {
        var files = FixtureSite.full
        files["people/vladimir-putin.md"] = "---\nname: \"</script><script>alert(1)</script>\"\nrole: \"A & B\"\n---\n"
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        let html = try site.page("people/vladimir-putin/index.html")
        #expect(!html.contains("<script>alert"))
        #expect(try jsonLD(in: html)["name"] as? String == "</script><script>alert(1)</script>")
    }

    @Test func dataJSONHoldsTheWholeGraph() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let data = try #require(JSONSerialization.jsonObject(with: Data(site.page("data.json").utf8)) as? [String: Any])
        let people = try #require(data["people"] as? [[String: Any]])
        let putin = try #require(people.first { $0["id"] as? String == "vladimir-putin" })
        #expect(putin["quotes"] as? [String] == ["putin-ready"])
        #expect(putin["events"] as? [String] == ["invasion", "statement", "offer"])
        let quotes = try #require(data["quotes"] as? [[String: Any]])
        #expect(quotes.count == 3)
        #expect(quotes.contains { $0["speaker"] as? String == "kyiv" && $0["date"] as? String == "2025-05" })
        #expect((data["events"] as? [[String: Any]])?.count == 5)
        #expect((data["sources"] as? [[String: Any]])?.first?["quotes"] as? [String] == ["kyiv-pr", "putin-ready", "zelenskyy-waiting"])
        #expect((data["topics"] as? [[String: Any]])?.map { $0["id"] as? String } == ["ceasefire-first", "talks-first"])
    }

    @Test func searchIndexCoversPeopleQuotesAndEvents() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let search = try site.page("search/index.html")
        let indexPath = try #require(search.firstMatch(of: /src="\.\.\/(assets\/search-index\.[0-9a-f]{10}\.js)"/)?.output.1)
        let script = try site.page(String(indexPath))
        let json = String(script.dropFirst("window.briefingSearchIndex = ".count).dropLast(2))
        let items = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]])
        #expect(items.contains { $0["kind"] == "Person" && $0["title"] == "Volodymyr Zelenskyy" && $0["terms"]?.contains("Zelensky") == true })
        #expect(items.contains { $0["kind"] == "Quote" && $0["title"] == "“We are ready for serious talks with Ukraine”" && $0["detail"] == "Vladimir Putin, 11 May 2025" })
        #expect(items.contains { $0["kind"] == "Event" && $0["url"] == "timeline/offer/index.html" })
        #expect(search.contains("<noscript>"))
        #expect(!search.contains("http://") && !search.contains("https://news") == false)
    }

    @Test func assetsAreFingerprintedAndReferencedByThatName() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let files = site.snapshot().keys
        let stylesheet = try #require(files.first { $0.hasPrefix("assets/style.") && $0.hasSuffix(".css") })
        #expect(stylesheet.firstMatch(of: /^assets\/style\.[0-9a-f]{10}\.css$/) != nil)
        #expect(!files.contains("assets/style.css"))
        #expect(try site.page("people/vladimir-putin/index.html").contains("<link rel=\"stylesheet\" href=\"../../\(stylesheet)\">"))
    }

    @Test func draftsAreLeftOutUnlessAskedFor() throws {
        var files = FixtureSite.full
        files["people/draft-person.md"] = "---\nname: Someone New\nrole: Envoy\ndraft: true\n---\n"
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        #expect(site.snapshot()["people/draft-person/index.html"] == nil)
        // Not even an empty folder gives its name away.
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("people/draft-person").path))
        #expect(try !site.page("people/index.html").contains("Someone New"))

        var options = site.options
        options.includeDrafts = true
        try SiteBuilder.build(options)
        #expect(site.snapshot()["people/draft-person/index.html"] != nil)

        try site.write("pages/about.md", "---\ntitle: About\n---\nSee [them](../people/draft-person.md).\n")
        #expect(site.errors() == ["content/pages/about.md:4:5: error: people/draft-person.md is a draft, so its page is not built: publish it (remove 'draft: true') or build with --drafts"])
    }

    @Test func updatedAndCorrectionsShowOnThePage() throws {
        var files = FixtureSite.full
        files["quotes/kyiv-pr.md"] = "---\nspeaker: kyiv\ntext: cynical PR move\ndate: \"2025-05\"\nsource: report\nupdated: \"2025-05-13\"\ncorrections:\n  - date: \"2025-05-13\"\n    note: \"Attributed to Kyiv, not to a named official.\"\n---\n"
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        let page = try site.page("quotes/kyiv-pr/index.html")
        #expect(page.contains("<p class=\"updated\">Updated <time datetime=\"2025-05-13\">13 May 2025</time></p>"))
        #expect(page.contains("<li><p><strong><time datetime=\"2025-05-13\">13 May 2025</time>:</strong> Attributed to Kyiv, not to a named official.</p></li>"))
    }

    @Test func checkFindsExactlyWhatBuildFinds() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        #expect(SiteBuilder.check(site.options).isEmpty)
        try site.write("quotes/who.md", "---\nspeaker: nobody\ntext: x\ndate: \"2025-05-32\"\nsource: report\n---\n[x](../people/nobody.md)\n")
        try site.write("people/no-role.md", "---\nname: A\n---\n")
        let checked = SiteBuilder.check(site.options).map(\.description)
        #expect(checked == site.errors())
        #expect(checked.count == 2)
        #expect(site.snapshot().isEmpty)
        let json = try #require(JSONSerialization.jsonObject(with: Data(Diagnostic.jsonReport(SiteBuilder.check(site.options)).utf8)) as? [String: Any])
        #expect(json["errors"] as? Int == 2)
        #expect(json["warnings"] as? Int == 0)
        let first = try #require((json["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["file"] as? String == "content/people/no-role.md")
        #expect(first["line"] as? Int == 1)
    }

    @Test(arguments: NewEntry.Kind.allCases)
    func newEntriesPassCheck(kind: NewEntry.Kind) throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        let content = site.root.appendingPathComponent("content").path
        let title = kind == .quote ? "We will respond" : "Recep Tayyip Erdoğan"
        let path = try NewEntry.create(kind, title: title, speaker: "vladimir-putin", contentFolder: content)
        #expect(path.hasSuffix(kind == .quote ? "/quotes/we-will-respond.md" : "/recep-tayyip-erdogan.md"))
        #expect(SiteBuilder.check(site.options).isEmpty)
        var options = site.options
        options.includeDrafts = true
        #expect(SiteBuilder.check(options).isEmpty)
        #expect(throws: NewEntry.Failure.self) { try NewEntry.create(kind, title: title, speaker: "vladimir-putin", contentFolder: content) }
    }

    @Test func newQuoteChecksItsSpeaker() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        let content = site.root.appendingPathComponent("content").path
        #expect(throws: NewEntry.Failure.self) { try NewEntry.create(.quote, title: "x", speaker: "vladimir-puttin", contentFolder: content) }
        do {
            _ = try NewEntry.create(.quote, title: "x", speaker: "vladimir-puttin", contentFolder: content)
        } catch {
            #expect(error.description == "--speaker 'vladimir-puttin': no file people/vladimir-puttin.md (did you mean 'vladimir-putin'?)")
        }
    }

    // MARK: - Helpers

    private func jsonLD(in html: String) throws -> [String: Any] {
        let script = try #require(html.firstMatch(of: /<script type="application\/ld\+json">(.*?)<\/script>/)?.output.1)
        return try #require(JSONSerialization.jsonObject(with: Data(script.utf8)) as? [String: Any])
    }
}
