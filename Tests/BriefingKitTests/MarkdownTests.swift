@testable import BriefingKit
import Testing

@Suite struct MarkdownTests {
    @Test func rendersGitHubFlavouredMarkdown() {
        let html = MarkdownRenderer.render("""
            | a | b |
            |---|---|
            | ~~x~~ | 2 |

            - [x] done
            - [ ] open

            Visit www.example.org now.

            Text with a note.[^1]

            [^1]: The note.
            """).html
        #expect(html.contains("<table>"))
        #expect(html.contains("<td><del>x</del></td>"))
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" /> done"))
        #expect(html.contains("<a href=\"http://www.example.org\">www.example.org</a>"))
        #expect(html.contains("<section class=\"footnotes\""))
        #expect(html.contains("The note."))
    }

    @Test func omitsRawHTMLAndUnsafeLinksByDefault() {
        let html = MarkdownRenderer.render("<script>alert(1)</script>\n\nHi <b>there</b> [x](javascript:alert(1))\n").html
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("javascript:"))
        #expect(html.contains("<!-- raw HTML omitted -->"))
    }

    @Test func rawHTMLOptInStillFiltersDangerousTags() {
        let html = MarkdownRenderer.render("Hi <b>there</b>\n\n<script>alert(1)</script>\n", options: MarkdownOptions(allowRawHTML: true)).html
        #expect(html.contains("<b>there</b>"))
        #expect(html.contains("&lt;script>"))
    }

    @Test func keepsQuotesVerbatimWithoutSmartPunctuation() {
        let html = MarkdownRenderer.render("He said \"no\" -- twice... 'really'\n").html
        #expect(html == "<p>He said &quot;no&quot; -- twice... 'really'</p>\n")
    }

    @Test func givesHeadingsUniqueGitHubStyleIDs() {
        let rendered = MarkdownRenderer.render("# The *offer*\n\n## Who's who\n\n## Who's who\n\n### 30-day ceasefire?\n")
        #expect(rendered.headingIDs == ["the-offer", "whos-who", "whos-who-1", "30-day-ceasefire"])
        #expect(rendered.html.contains("<h1 id=\"the-offer\">The <em>offer</em></h1>"))
        #expect(rendered.html.contains("<h2 id=\"whos-who-1\">Who's who</h2>"))
    }

    @Test func reportsLinksWithPositionsAndRewritesThem() {
        let rendered = MarkdownRenderer.render("Intro.\n\nSee [Putin](people/putin.md) and\n![map](img.png) and [web](https://example.org).\n") { destination in
            destination.hasSuffix(".md") ? "people/putin/index.html" : nil
        }
        #expect(rendered.links.map(\.destination) == ["people/putin.md", "img.png", "https://example.org"])
        #expect(rendered.links.map(\.line) == [3, 4, 4])
        #expect(rendered.links[0].column == 5)
        #expect(rendered.links[1].isImage)
        #expect(rendered.html.contains("<a href=\"people/putin/index.html\">Putin</a>"))
        #expect(rendered.html.contains("<a href=\"https://example.org\">web</a>"))
    }
}
