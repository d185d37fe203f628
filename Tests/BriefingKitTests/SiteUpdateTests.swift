@testable import BriefingKit
import Foundation
import Testing

/// The preview's fast path: one saved quote or event re-filed in the resolved site. `SiteSessionTests` compare its
/// output with full builds; these check that everyday saves take it, and that saves it cannot vouch for do not.
@Suite struct SiteUpdateTests {
    /// Resolves the shipped briefing, saves `edit` into `path`, and tries the fast path.
    private func update(_ path: String, _ edit: (String) -> String) throws -> Site? {
        let site = try ShippedSite()
        defer { site.delete() }
        let options = site.session.options
        let parsed = SiteBuilder.parse(options)
        let before = try SiteBuilder.resolve(parsed, options)
        try site.save(path, edit(try site.read(path)))
        guard case .entry(let file) = ContentLoader.loadFile(path, contentFolder: options.contentFolder.path, displayRoot: "content") else {
            Issue.record("cannot load \(path)")
            return nil
        }
        let (entries, problems) = EntryParser.parse([file], resolver: parsed.resolver, options: parsed.markdownOptions)
        #expect(problems.isEmpty)
        let old = try #require(parsed.entries.first { $0.relativePath == path })
        return SiteUpdate.replacing(old, with: try #require(entries.first), in: before, drafts: [])
    }

    @Test(arguments: SiteSessionTests.smallEdits.filter { !$0.description.contains("event date") })
    func everydaySavesAreReFiledInPlace(_ edit: SiteSessionTests.Edit) throws {
        #expect(try update(edit.path, edit.change) != nil)
    }

    @Test func aReFiledQuoteMovesToItsNewPlaceInEveryList() throws {
        let site = try #require(try update(SiteSessionTests.kelloggQuote) {
            $0.replacingOccurrences(of: "date: \"2025\"", with: "date: \"2025-05-12\"")
                .replacingOccurrences(of: "speaker: keith-kellogg", with: "speaker: donald-trump")
        })
        let id = "kellogg-not-the-other-way-around"
        #expect(site.quotes.last { $0.fields.date == PartialDate(year: 2025, month: 5, day: 12) }?.id == id)
        #expect(site.quotesBySpeaker["donald-trump"]?.contains { $0.id == id } == true)
        #expect(site.quotesBySpeaker["keith-kellogg"]?.contains { $0.id == id } != true)
        #expect(site.quotes.map(\.fields.date) == site.quotes.map(\.fields.date).sorted())
    }

    @Test(arguments: [
        ("a speaker who does not exist", "speaker: keith-kellogg", "speaker: kellog"),
        ("a link to a missing file", "[backed](../timeline/kellogg-x-post.md)", "[backed](../timeline/missing.md)"),
        ("a topic used for the first time", "topics: [", "topics: [brand-new-topic, "),
    ])
    func savesThatNeedTheWholeSiteCheckedAreNotReFiled(_ why: String, _ from: String, _ to: String) throws {
        let site = try update(SiteSessionTests.kelloggQuote) { $0.replacingOccurrences(of: from, with: to) }
        #expect(site == nil, "\(why)")
    }
}
