@testable import BriefingKit
import Foundation
import Testing

/// Guards the briefing the project ships with against the article it is written from.
@Suite struct ShippedContentTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func site() throws -> Site {
        try SiteBuilder.resolveSite(BuildOptions(contentFolder: repository.appendingPathComponent("content").path,
                                                 assetsFolder: repository.appendingPathComponent("templates/assets").path,
                                                 contentDisplayPath: "content"))
    }

    static func article() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "istanbul-talks-article", withExtension: "txt", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func everyQuoteAppearsVerbatimInTheArticle() throws {
        let article = try Self.article()
        let site = try Self.site()
        #expect(site.quotes.count >= 10)
        for quote in site.quotes {
            #expect(article.contains(quote.fields.text), "\(quote.id): “\(quote.fields.text)” is not in the article")
        }
    }

    @Test func everyQuotationInTheArticleHasAQuoteOrIsNotedAsATerm() throws {
        let article = try Self.article()
        let quoted = article.matches(of: /“([^”]+)”/).map { String($0.output.1) }
        let texts = try Self.site().quotes.map(\.fields.text)
        // Scare-quoted terms that nobody is reported as saying.
        let terms: Set<String> = ["reassurance force"]
        for quotation in quoted where !terms.contains(quotation) {
            #expect(texts.contains(quotation), "no quote file for “\(quotation)”")
        }
    }

    @Test(arguments: ["Zelenskyy", "Putin", "Trump", "Starmer", "Kellogg", "Yermak", "Macron"])
    func everyPersonTheArticleNamesHasAPage(surname: String) throws {
        let article = try Self.article()
        #expect(article.contains(surname))
        let people = try Self.site().people.filter { $0.fields.kind == nil || $0.fields.kind == .person }
        #expect(people.contains { $0.fields.name.hasSuffix(surname) }, "no person page for \(surname)")
    }

    @Test func everyPageIsReachableFromTheOverviewInTwoClicks() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-reach-\(UUID().uuidString)")
        // The lock file beside the output goes too: the output is directly in the temporary folder.
        defer { for file in [output, OutputWriter.lockFile(for: output)] { try? FileManager.default.removeItem(at: file) } }
        try SiteBuilder.build(BuildOptions(contentFolder: Self.repository.appendingPathComponent("content").path,
                                           assetsFolder: Self.repository.appendingPathComponent("templates/assets").path,
                                           outputFolder: output.path, contentDisplayPath: "content"))
        func links(of page: String) -> Set<String> {
            guard let html = try? String(contentsOf: output.appendingPathComponent(page), encoding: .utf8) else { return [] }
            let folder = (page as NSString).deletingLastPathComponent
            return Set(html.matches(of: /href="([^"#:]+\.html)(#[^"]*)?"/).map { match in
                URL(fileURLWithPath: "/" + folder).appendingPathComponent(String(match.output.1)).standardizedFileURL.path.dropFirst().description
            })
        }
        let oneClick = links(of: "index.html")
        let twoClicks = oneClick.reduce(into: oneClick) { reached, page in reached.formUnion(links(of: page)) }
        let pages = ContentLoader.listFiles(in: output).filter { $0.hasSuffix(".html") && $0 != "index.html" && $0 != "404.html" }
        #expect(pages.count > 40)
        for page in pages {
            #expect(twoClicks.contains(page), "\(page) is more than two clicks from the overview")
        }
    }

    @Test func quotesAreAttributedToPeopleOrSidesThatExist() throws {
        let site = try Self.site()
        let kyiv = try #require(site.quotes.first { $0.fields.text == "cynical PR move" })
        #expect(site.person(kyiv.fields.speaker)?.fields.kind == .government)
    }
}
