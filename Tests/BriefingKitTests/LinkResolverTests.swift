@testable import BriefingKit
import Testing

@Suite struct LinkResolverTests {
    let resolver = LinkResolver(contentFiles: ["index.md", "people/vladimir-putin.md", "quotes/q.md", "pages/about.md"])

    @Test(arguments: [
        ("../people/vladimir-putin.md", "quotes/q.md", LinkTarget.content(relativePath: "people/vladimir-putin.md", page: "people/vladimir-putin/index.html", anchor: nil)),
        ("/people/vladimir-putin.md#early-life", "quotes/q.md", .content(relativePath: "people/vladimir-putin.md", page: "people/vladimir-putin/index.html", anchor: "early-life")),
        ("people/vladimir-putin.md", "index.md", .content(relativePath: "people/vladimir-putin.md", page: "people/vladimir-putin/index.html", anchor: nil)),
        ("../index.md", "pages/about.md", .content(relativePath: "index.md", page: "index.html", anchor: nil)),
        ("../timeline/", "pages/about.md", .content(relativePath: "timeline", page: "timeline/index.html", anchor: nil)),
        ("#section", "index.md", .sameDocument(anchor: "section")),
        ("https://example.org/x", "index.md", .external),
        ("mailto:desk@example.org", "index.md", .external),
        ("../people/nobody.md", "quotes/q.md", .missing(relativePath: "people/nobody.md")),
        ("../../../etc/passwd.md", "quotes/q.md", .missing(relativePath: "../../../etc/passwd.md")),
        ("javascript:alert(1)", "index.md", .unsafe(scheme: "javascript")),
        ("data:text/html,x", "index.md", .unsafe(scheme: "data")),
        ("../people/vladimir-putin/", "quotes/q.md", .notContent("../people/vladimir-putin/")),
        // Shapes next to the usual `/folder/file.md` and `../folder/file.md`, which are worked out segment by segment.
        ("/people/vladimir-putin.md/", "quotes/q.md", .content(relativePath: "people/vladimir-putin.md", page: "people/vladimir-putin/index.html", anchor: nil)),
        ("/people//vladimir-putin.md", "quotes/q.md", .content(relativePath: "people/vladimir-putin.md", page: "people/vladimir-putin/index.html", anchor: nil)),
        ("/people/../people/vladimir-putin.md", "quotes/q.md", .content(relativePath: "people/vladimir-putin.md", page: "people/vladimir-putin/index.html", anchor: nil)),
        ("/./people/vladimir-putin.md", "quotes/q.md", .content(relativePath: "people/vladimir-putin.md", page: "people/vladimir-putin/index.html", anchor: nil)),
        ("/people/./vladimir-putin.md", "quotes/q.md", .content(relativePath: "people/vladimir-putin.md", page: "people/vladimir-putin/index.html", anchor: nil)),
        ("../people/vladimir-putin.md", "index.md", .missing(relativePath: "../people/vladimir-putin.md")),
        ("../../people/vladimir-putin.md", "quotes/q.md", .missing(relativePath: "../../people/vladimir-putin.md")),
        ("/people/.md", "quotes/q.md", .missing(relativePath: "people/.md")),
        ("/quotes", "pages/about.md", .content(relativePath: "quotes", page: "quotes/index.html", anchor: nil)),
        ("/people/a/b.md", "quotes/q.md", .missing(relativePath: "people/a/b.md")),
    ])
    func resolves(destination: String, source: String, expected: LinkTarget) {
        #expect(resolver.resolve(destination, from: source) == expected)
    }

    @Test func writesRelativeURLsThatWorkFromDisk() {
        #expect(resolver.outputURL(for: "../people/vladimir-putin.md", from: "quotes/q.md", page: "quotes/q/index.html") == "../../people/vladimir-putin/index.html")
        #expect(resolver.outputURL(for: "people/vladimir-putin.md#x", from: "index.md", page: "index.html") == "people/vladimir-putin/index.html#x")
        #expect(resolver.outputURL(for: "../index.md", from: "pages/about.md", page: "about/index.html") == "../index.html")
        #expect(resolver.outputURL(for: "https://example.org", from: "index.md", page: "index.html") == nil)
    }

    @Test func relativePaths() {
        #expect(SitePaths.relative(from: "people/a/index.html", to: "people/b/index.html") == "../../people/b/index.html")
        #expect(SitePaths.relative(from: "index.html", to: "assets/style.css") == "assets/style.css")
        #expect(SitePaths.relative(from: "people/index.html", to: "people/a/index.html") == "../people/a/index.html")
        #expect(SitePaths.root(from: "quotes/q/index.html") == "../../")
    }
}

@Suite struct EntryIDTests {
    @Test(arguments: [
        ("vladimir-putin", true), ("a", true), ("g7", true), ("2025-05-11", true),
        ("", false), ("-a", false), ("a-", false), ("-", false), ("a--b", false), ("A", false), ("a b", false),
        ("a.b", false), ("a_b", false), ("caf\u{E9}", false), ("cafe\u{301}", false), ("a/b", false),
    ])
    func idsAreLowerCaseLettersDigitsAndSingleHyphens(id: String, valid: Bool) {
        #expect(ContentLoader.isValidID(id) == valid)
    }
}
