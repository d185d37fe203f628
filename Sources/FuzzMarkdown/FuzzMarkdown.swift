// Fuzz target (b): a Markdown body rendered by cmark-gfm with link rewriting, as the build renders an entry's body.
// Checks: nothing crashes; the HTML stays inert (no raw HTML, no `javascript:` links) with raw HTML off, the default;
// heading ids are unique and on their headings; link positions are lines of the body; and every link the resolver
// rewrites to a content page, from any page, leads to that page.
// `make fuzz` builds and runs it; a normal build makes a replayer (see FuzzSupport).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkdown(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    #if DEBUG || FUZZING
    MarkdownTarget.run(UnsafeBufferPointer(start: data, count: size))
    #endif
    return 0
}

@main enum FuzzMarkdown {
    static func main() {
        runFuzzTarget(fuzzMarkdown)
    }
}

// The checks reach internal API, so they need a build with testing enabled: a debug build, or `make fuzz`.
#if DEBUG || FUZZING
@testable import BriefingKit
import Foundation

enum MarkdownTarget {
    /// Shaped like the shipped content: one file of every kind.
    static let contentFiles: Set<String> = [
        "index.md", "pages/about.md", "people/vladimir-putin.md", "people/kyiv.md", "quotes/putin-ready-for-serious-talks.md",
        "timeline/three-day-ceasefire.md", "sources/istanbul-talks-report.md", "topics/ceasefire-first.md",
    ]
    static let resolver = LinkResolver(contentFiles: contentFiles)
    /// The body is rendered as this file's; links found in it are then resolved from every file.
    static let source = "people/vladimir-putin.md"
    static let base = URL(string: "https://fuzz.test/site/")!

    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        // What the load stage hands on: UTF-8 with line endings normalised (it rejects other bytes).
        var markdown = String(decoding: input, as: UTF8.self)
        if markdown.contains("\r") {
            markdown = markdown.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        let lineCount = markdown.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let page = SitePaths.page(forContentPath: source)!

        var rewritten: [(String, String)] = []
        let rendered = MarkdownRenderer.render(markdown) { destination in
            let url = resolver.outputURL(for: destination, from: source, page: page)
            if let url { rewritten.append((destination, url)) }
            return url
        }

        let html = rendered.html.lowercased()
        fuzzCheck(!html.contains("<script"), "raw HTML got through: \(rendered.html)")
        for attribute in ["href=\"", "src=\""] {
            for scheme in ["javascript:", "vbscript:", "file:"] {
                fuzzCheck(!html.contains(attribute + scheme), "\(attribute)\(scheme) got through: \(rendered.html)")
            }
        }

        fuzzCheck(Set(rendered.headingIDs).count == rendered.headingIDs.count, "heading ids repeat: \(rendered.headingIDs)")
        for id in rendered.headingIDs {
            fuzzCheck(!id.isEmpty && !id.contains("\"") && !id.contains("<"), "unsafe heading id \(id)")
            fuzzCheck(rendered.html.contains(" id=\"\(id)\">"), "heading id \(id) is not in the page")
        }

        for link in rendered.links {
            fuzzCheck((1...lineCount).contains(link.line) && link.column >= 1, "link at \(link.line):\(link.column) of \(lineCount) lines")
        }
        for (destination, url) in rewritten {
            checkRewrite(destination, url, from: source, page: page)
        }
        // Each distinct destination (the first few dozen: a link-heavy input has hundreds) from every file.
        var seen: Set<String> = []
        for link in rendered.links where seen.count < 32 && seen.insert(link.destination).inserted {
            for from in contentFiles {
                let fromPage = SitePaths.page(forContentPath: from)!
                if let url = resolver.outputURL(for: link.destination, from: from, page: fromPage) {
                    checkRewrite(link.destination, url, from: from, page: fromPage)
                }
            }
        }
    }

    /// A rewritten link, followed from the page it is on, arrives at the page the resolver says it names.
    private static func checkRewrite(_ destination: String, _ url: String, from: String, page: String) {
        guard case .content(let relativePath, let target, _) = resolver.resolve(destination, from: from) else {
            fuzzCheck(false, "\(destination) rewritten to \(url) but it names no content page")
            return
        }
        fuzzCheck(contentFiles.contains(relativePath) || !relativePath.hasSuffix(".md"), "\(destination) resolved to \(relativePath), which does not exist")
        fuzzCheck(LinkResolver.scheme(of: url) == nil && !url.hasPrefix("//"), "\(destination) from \(from) became \(url), which leaves the site")
        guard let followed = URL(string: url, relativeTo: base.appendingPathComponent(page))?.absoluteURL else {
            fuzzCheck(false, "\(destination) from \(from) became \(url), which is not a URL")
            return
        }
        fuzzCheck(followed.path == base.path + target || (followed.path == base.path + "/" + target),
                  "\(destination) from \(from) became \(url), which leads to \(followed.path), not \(target)")
    }
}
#endif
