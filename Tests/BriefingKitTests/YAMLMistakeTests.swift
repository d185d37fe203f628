@testable import BriefingKit
import Foundation
import Testing

/// The YAML mistakes editors make most, each reported in plain words at the line where it was made, with the line
/// as it should be written: the same message from `build`, `check`, the preview's error panel and the editor.
@Suite struct YAMLMistakeTests {
    struct Mistake: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var text: String
        var error: String
        var testDescription: String { name }
    }

    static let catalogue: [Mistake] = [
        Mistake(name: "': ' in an unquoted value", path: "quotes/said.md",
                text: "---\nspeaker: vladimir-putin\ntext: We said: come to Istanbul\ndate: \"2025\"\nsource: report\n---\n",
                error: #"content/quotes/said.md:3:14: error: the value of 'text' has ': ' in it, which YAML reads as the start of another field: put the value in quotes: text: "We said: come to Istanbul""#),
        Mistake(name: "' #' in an unquoted value", path: "timeline/round.md",
                text: "---\ntitle: Round #2 of talks\ndate: \"2025\"\n---\n",
                error: #"content/timeline/round.md:2:14: error: the value of 'title' has ' #' in it, which YAML reads as the start of a comment, so 'title' would be only 'Round': put the value in quotes: title: "Round #2 of talks" (a comment goes on a line of its own)"#),
        Mistake(name: "a tab used for indentation", path: "people/tabs.md",
                text: "---\nname: A\nrole: B\naliases:\n\t- C\n---\n",
                error: "content/people/tabs.md:5:1: error: line 5 is indented with a tab: YAML indents with spaces only; replace the tab with spaces"),
        Mistake(name: "an unclosed double quote", path: "quotes/open.md",
                text: "---\nspeaker: vladimir-putin\ntext: \"We are ready\ndate: \"2025\"\nsource: report\n---\n",
                error: #"content/quotes/open.md:3:7: error: the quote opened on line 3 is not closed: end the value with " on that line (a " inside the value is written \")"#),
        Mistake(name: "an unclosed single quote", path: "people/open.md",
                text: "---\nname: 'Vladimir Putin\nrole: President\n---\n",
                error: "content/people/open.md:2:7: error: the quote opened on line 2 is not closed: end the value with ' on that line (a ' inside the value is written '')"),
        Mistake(name: "a list on one line without brackets", path: "quotes/topics.md",
                text: "---\nspeaker: vladimir-putin\ntext: \"x\"\ndate: \"2025\"\nsource: report\ntopics: talks-first, istanbul-talks\n---\n",
                error: "content/quotes/topics.md:6:9: error: field 'topics' is a list: write it in brackets, topics: [talks-first, istanbul-talks]"),
        Mistake(name: "a date written in words", path: "quotes/date.md",
                text: "---\nspeaker: vladimir-putin\ntext: \"x\"\ndate: May 11, 2025\nsource: report\n---\n",
                error: "content/quotes/date.md:4:7: error: field 'date': invalid date 'May 11, 2025': write YYYY, YYYY-MM or YYYY-MM-DD"),
        Mistake(name: "': ' in site.yaml", path: "site.yaml",
                text: "title: Istanbul: the offer\nbase_url: https://example.org/\n",
                error: #"content/site.yaml:1:16: error: the value of 'title' has ': ' in it, which YAML reads as the start of another field: put the value in quotes: title: "Istanbul: the offer""#),
    ]

    @Test(arguments: catalogue)
    func buildAndCheckSayWhatToWrite(_ mistake: Mistake) throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        try site.write(mistake.path, mistake.text)
        #expect(site.errors() == [mistake.error])
        #expect(SiteBuilder.check(site.options).map(\.description) == [mistake.error])
    }

    @Test(arguments: catalogue.filter { !$0.name.contains("list") && !$0.name.contains("date") && !$0.name.contains("#") })
    func theEditorShowsTheSameMessageForFrontMatterItCannotRead(_ mistake: Mistake) throws {
        let file = try #require(EditedFile(relativePath: mistake.path))
        let document = try EntryDocument(file: file, bytes: Array(mistake.text.utf8), displayPath: "content/" + mistake.path)
        #expect(document.unreadable?.description == mistake.error)
    }

    @Test func aCommentAfterAQuotedValueOrAnIdIsStillAComment() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        try site.write("people/noted.md", "---\nname: \"A\" # checked\nrole: B\nkind: government # a side, not a person\n---\n")
        #expect(site.errors() == [])
    }
}
