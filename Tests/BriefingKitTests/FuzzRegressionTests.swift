@testable import BriefingKit
import Foundation
import Testing

/// What the fuzz targets (Sources/Fuzz*, `make fuzz`) found, each kept as the behaviour an editor sees.
@Suite struct FuzzRegressionTests {
    /// FuzzFrontMatter: libyaml places the end of a text without a final newline on a line of its own, so an error
    /// found there named a line one past the end of the file ("content/site.yaml:3:1" for a two-line file).
    @Test func yamlErrorAtTheEndOfAFileWithoutFinalNewlineNamesItsLastLine() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        try site.build()
        let before = site.snapshot()
        try site.write("site.yaml", "title: T\nbroken")
        #expect(site.errors() == ["content/site.yaml:2:1: error: invalid YAML: while scanning a simple key could not find expected ':'"])
        #expect(site.snapshot() == before)
    }

    /// The same end of text inside front matter is the closing `---` line, which the file has.
    @Test func yamlErrorAtTheEndOfFrontMatterNamesTheClosingLine() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        try site.write("people/open.md", "---\nname: A\nrole: B\nbroken\n---\n")
        #expect(site.errors() == ["content/people/open.md:5:1: error: invalid YAML: while scanning a simple key could not find expected ':'"])
    }
}
