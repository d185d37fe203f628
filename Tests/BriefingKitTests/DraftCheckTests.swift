@testable import BriefingKit
import Foundation
import Testing

/// The editor's live check of a draft against the site in memory says exactly what `briefing check` says once the draft
/// is saved: the same problems, files, lines and messages, whether the draft is checked alone or the site resolved whole.
@Suite struct DraftCheckTests {
    struct Draft: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var text: String
        var testDescription: String { name }
    }

    static let putinReady = FixtureSite.full["quotes/putin-ready.md"]!
    static let offer = FixtureSite.full["timeline/offer.md"]!

    static let drafts: [Draft] = [
        Draft(name: "a valid edit", path: "quotes/putin-ready.md", text: putinReady.replacingOccurrences(of: "late-night statement", with: "statement")),
        Draft(name: "a misspelt speaker", path: "quotes/putin-ready.md", text: putinReady.replacingOccurrences(of: "speaker: vladimir-putin", with: "speaker: vladimir-puttin")),
        Draft(name: "an unknown topic and event", path: "quotes/putin-ready.md",
              text: putinReady.replacingOccurrences(of: "[talks-first]", with: "[talks-frist]").replacingOccurrences(of: "event: statement", with: "event: statment")),
        Draft(name: "a broken link and a missing anchor", path: "quotes/putin-ready.md",
              text: putinReady + "See [him](../people/vladimir-putn.md) and [the offer](../timeline/offer.md#what-was-said).\n"),
        Draft(name: "an invalid date", path: "quotes/putin-ready.md", text: putinReady.replacingOccurrences(of: "2025-05-11", with: "2025-13-11")),
        Draft(name: "a heading others link to, renamed", path: "timeline/offer.md",
              text: offer.replacingOccurrences(of: "## What was offered", with: "## The offer")),
        Draft(name: "an event's people misspelt", path: "timeline/offer.md", text: offer.replacingOccurrences(of: "vladimir-putin]", with: "putin]")),
        Draft(name: "a source with a bad URL", path: "sources/report.md", text: "---\ntitle: The report\npublisher: Not stated\nurl: javascript:alert(1)\n---\n"),
        Draft(name: "a page taking a section's name", path: "pages/quotes.md", text: "---\ntitle: Quotes\n---\n"),
        Draft(name: "a new quote", path: "quotes/new.md", text: "---\nspeaker: kyiv\ntext: \"x\"\ndate: \"2025\"\nsource: reprot\n---\n"),
        Draft(name: "a person made a draft", path: "people/kyiv.md", text: "---\nname: Kyiv\nrole: Ukrainian government\ndraft: true\n---\n"),
        Draft(name: "a topic renamed, with a broken link", path: "topics/talks-first.md", text: "---\ntitle: Talks, first\n---\nSee [it](../quotes/nope.md).\n"),
        Draft(name: "site.yaml without base_url", path: "site.yaml", text: "title: Test briefing\n"),
    ]

    @Test(arguments: drafts)
    func theDraftCheckSaysWhatCheckSaysOnceSaved(_ draft: Draft) throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        let session = SiteSession(options: site.options)
        try session.build(changedSources: [])
        let checked = session.check(draft.text, at: draft.path).map(\.description)
        try site.write(draft.path, draft.text)
        let expected = SiteBuilder.check(site.options).map(\.description)
        #expect(checked == expected)
        if draft.name != "a valid edit" { #expect(!expected.isEmpty) }
    }
}
