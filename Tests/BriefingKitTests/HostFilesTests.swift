@testable import BriefingKit
import Foundation
import Testing

/// The files for web hosts that every build writes (`.htaccess`, `_headers`, `_redirects`, `.nojekyll`), and the 404
/// page's links, which start at the path of base_url. Test_hosts.py runs them on nginx and Apache.
@Suite struct HostFilesTests {
    @Test(arguments: [
        ("https://news.example/briefings/istanbul/", "/briefings/istanbul/"),
        ("https://news.example/briefings/istanbul", "/briefings/istanbul/"),
        ("https://news.example/", "/"),
        ("https://news.example", "/"),
        ("http://127.0.0.1:8080/a%20b/", "/a%20b/"),
        ("https://news.example/a//b/?q=1#x", "/a/b/"),
    ])
    func basePathIsThePathOfBaseURL(baseURL: String, path: String) {
        #expect(SitePaths.basePath(of: baseURL) == path)
    }

    @Test func notFoundPageLinksStartAtThePathOfBaseURL() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let page = try site.page("404.html")
        #expect(page.contains("<a class=\"site-title\" href=\"/briefing/index.html\">"))
        #expect(page.contains("<link rel=\"stylesheet\" href=\"/briefing/assets/style."))
        // Only canonical metadata names the host.
        let absolute = page.matches(of: /(?:href|src|content)="(https?:[^"]*)"/).map { String($0.output.1) }
        #expect(absolute == ["https://news.example/briefing/404.html", "https://news.example/briefing/404.html"], "\(absolute)")
        #expect(page.contains("<link rel=\"canonical\" href=\"https://news.example/briefing/404.html\">"))
    }

    @Test func everyBuildWritesTheFilesHostsRead() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let files = site.snapshot()
        #expect(files[".nojekyll"] == Data())
        let htaccess = try site.page(".htaccess")
        #expect(htaccess.contains("\nErrorDocument 404 /briefing/404.html\n"))
        #expect(htaccess.contains("\nRewriteBase /briefing/\n"))
        #expect(try site.page("_redirects").contains("\n/briefing/*  /:splat  200\n"))

        // Each fingerprinted asset has its own rule; no file is matched by two.
        let headers = try site.page("_headers")
        let stylesheet = try #require(files.keys.first { $0.hasPrefix("assets/style.") && $0.hasSuffix(".css") })
        #expect(headers.contains("/\(stylesheet)\n  Cache-Control: public, max-age=31536000, immutable\n"))
        #expect(headers.contains("/people/*\n  Cache-Control: no-cache\n"))
        #expect(headers.contains("\n/\n  Cache-Control: no-cache\n"))
        #expect(!headers.contains("/assets/*"))
    }

    @Test func headersStayWithinCloudflaresHundredRules() throws {
        var files = FixtureSite.full
        for number in 1...100 { files["pages/page-\(number).md"] = "---\ntitle: Page \(number)\n---\n" }
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.build()
        let headers = try site.page("_headers")
        let rules = headers.split(separator: "\n").filter { $0.hasPrefix("/") }
        // Only the fingerprinted assets keep a rule; everything else gets the hosts' own revalidation.
        #expect(rules.count == 3, "\(rules)")
        #expect(rules.allSatisfy { HostFiles.isFingerprinted(String($0.dropFirst())) })
    }

    @Test func aSiteAtTheRootHasNoRedirects() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        var options = site.options
        options.baseURL = "https://briefing.example/"
        try SiteBuilder.build(options)
        #expect(site.snapshot()["_redirects"] == nil)
        #expect(try site.page(".htaccess").contains("\nErrorDocument 404 /404.html\n"))
        #expect(try site.page("404.html").contains("<a class=\"site-title\" href=\"/index.html\">"))
    }

    @Test(arguments: [
        ("assets/style.1a2b3c4d5e.css", true), ("assets/search-index.0123456789.js", true),
        ("assets/style.css", false), ("assets/icon.svg", false), ("assets/style.1A2B3C4D5E.css", false),
        ("assets/style.1a2b3c4d5.css", false), ("index.html", false), ("assets/a.1a2b3c4d5e.svg", false),
    ])
    func fingerprintedAssets(path: String, fingerprinted: Bool) {
        #expect(HostFiles.isFingerprinted(path) == fingerprinted)
    }
}
