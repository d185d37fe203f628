@testable import BriefingKit
import Foundation
import Testing

/// Rebuilds with the output in place: the site before the live one is kept beside it (`.public.spare`) and brought up to
/// each new build. Whatever a series of edits did, the output is the site a fresh build makes, unchanged files keep their
/// inode and time, and a failed build changes neither folder.
@Suite struct RebuildTests {
    /// A series of edits, each built over the last; the edits the content goes through, in order.
    static var edits: [(name: String, apply: (FixtureSite) throws -> Void)] { [
        ("a quote's body", { try $0.write("quotes/kyiv-pr.md", "---\nspeaker: kyiv\ntext: cynical PR move\ndate: \"2025-05\"\nsource: report\n---\nSaid on television.\n") }),
        ("a page's body", { try $0.write("pages/about.md", "---\ntitle: About\n---\nMethod, edited. Back to the [overview](../index.md).\n") }),
        ("the quote back", { try $0.write("quotes/kyiv-pr.md", FixtureSite.full["quotes/kyiv-pr.md"]!) }),
        ("an event removed", { try $0.remove("timeline/may.md") }),
        ("a source's title", { try $0.write("sources/report.md", "---\ntitle: The report, renamed\npublisher: Not stated\n---\n") }),
        ("a page added", { try $0.write("pages/method.md", "---\ntitle: Method\n---\nHow this was made.\n") }),
        ("the event back", { try $0.write("timeline/may.md", FixtureSite.full["timeline/may.md"]!) }),
    ] }

    private func options(_ site: FixtureSite, precompress: Bool) -> BuildOptions {
        var options = site.options
        options.precompress = precompress
        return options
    }

    /// The same content built fresh into a new folder.
    private func fresh(like site: FixtureSite, precompress: Bool) throws -> [String: Data] {
        let other = try FixtureSite([:])
        defer { other.delete() }
        try? FileManager.default.removeItem(at: other.root.appendingPathComponent("content"))
        try FileManager.default.copyItem(at: site.root.appendingPathComponent("content"), to: other.root.appendingPathComponent("content"))
        try SiteBuilder.build(options(other, precompress: precompress))
        return other.snapshot().filter { $0.key != OutputWriter.markerName }
    }

    private var spare: (FixtureSite) -> URL { { $0.root.appendingPathComponent(".public.spare") } }

    @Test(arguments: [false, true])
    func everyRebuildIsTheFreshBuild(precompress: Bool) throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try SiteBuilder.build(options(site, precompress: precompress))
        #expect(!FileManager.default.fileExists(atPath: spare(site).path))
        for (index, edit) in Self.edits.enumerated() {
            try edit.apply(site)
            try SiteBuilder.build(options(site, precompress: precompress))
            #expect(site.snapshot().filter { $0.key != OutputWriter.markerName } == (try fresh(like: site, precompress: precompress)), "after \(edit.name)")
            // From the first rebuild on, the site before is kept beside the output, whole, with its marker.
            #expect(FileManager.default.fileExists(atPath: spare(site).appendingPathComponent(OutputWriter.markerName).path), "after \(edit.name)")
            if index == 3 {
                #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("timeline/may/index.html").path))
            }
        }
        // Nothing else beside the output: no staging folder, no old site being removed.
        let beside = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.hasPrefix(".public") }.sorted()
        #expect(beside == [".public.lock", ".public.spare"])
    }

    @Test func unchangedFilesKeepTheirInodeAndTime() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let untouched = ["people/volodymyr-zelenskyy/index.html", "timeline/invasion/index.html", "about/index.html"]
        let before = try untouched.map { try identity(site.output.appendingPathComponent($0)) }
        var quoteAfterEdit: (UInt64, Date)?
        for (index, edit) in Self.edits.prefix(2).enumerated() {
            try edit.apply(site)
            let report = try site.build()
            #expect(!report.write.changedPaths.contains("people/volodymyr-zelenskyy/index.html"))
            if index == 0 {
                #expect(report.write.changedPaths.contains("quotes/kyiv-pr/index.html"))
                quoteAfterEdit = try identity(site.output.appendingPathComponent("quotes/kyiv-pr/index.html"))
            } else {
                // Changed by the build before, not by this one: linked from the live site, the same file.
                #expect(!report.write.changedPaths.contains("quotes/kyiv-pr/index.html"))
                #expect(try identity(site.output.appendingPathComponent("quotes/kyiv-pr/index.html")) == quoteAfterEdit!)
            }
        }
        // about/ changed in the second edit; the others never did.
        let after = try untouched.map { try identity(site.output.appendingPathComponent($0)) }
        #expect(after[0] == before[0] && after[1] == before[1])
        #expect(after[2] != before[2])
    }

    @Test func aFailedBuildChangesNeitherTheOutputNorTheSpare() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        try Self.edits[0].apply(site)
        try site.build()
        let output = try files(site.output), kept = try files(spare(site))
        try site.write("quotes/kyiv-pr.md", "---\nspeaker: nobody\ntext: x\ndate: \"2025-05\"\nsource: report\n---\n")
        #expect(site.errors().first?.hasPrefix("content/quotes/kyiv-pr.md:2:") == true)
        #expect(try files(site.output) == output)
        #expect(try files(spare(site)) == kept)
    }

    /// A spare without its marker is one a killed build was changing: not trusted, replaced; a file in it never reaches
    /// the output.
    @Test func aSpareLeftHalfUpdatedIsNotUsed() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        try Self.edits[0].apply(site)
        try site.build()
        try FileManager.default.removeItem(at: spare(site).appendingPathComponent(OutputWriter.markerName))
        try Data("half".utf8).write(to: spare(site).appendingPathComponent("about/index.html.partial"))
        try Self.edits[1].apply(site)
        try site.build()
        #expect(site.snapshot().filter { $0.key != OutputWriter.markerName } == (try fresh(like: site, precompress: false)))
        try Self.edits[2].apply(site)
        try site.build()
        #expect(site.snapshot().filter { $0.key != OutputWriter.markerName } == (try fresh(like: site, precompress: false)))
    }

    /// The preview replaces files in place; the next full build does not trust the marker's digests of that folder.
    @Test func aBuildAfterThePreviewsUpdatesIsTheFreshBuild() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        try Self.edits[0].apply(site)
        try site.build()
        _ = try OutputWriter.update([OutputFile(path: "about/index.html", contents: Data("<p>new</p>".utf8))], in: site.output)
        #expect(try site.page(OutputWriter.markerName).hasSuffix("\nedited\n"))
        // As a preview killed between its temporary file and the rename would leave it.
        try Data("<p>half</p>".utf8).write(to: site.output.appendingPathComponent("about/.briefing-999-index.html"))
        for edit in Self.edits[1...2] {
            try edit.apply(site)
            try site.build()
            #expect(site.snapshot().filter { $0.key != OutputWriter.markerName } == (try fresh(like: site, precompress: false)), "after \(edit.name)")
        }
    }

    @Test func imageVariantsStayThroughRebuilds() throws {
        let site = try ImageBuildTests.site()
        defer { site.delete() }
        try site.build()
        let variants = site.snapshot().keys.filter { $0.hasPrefix("media/") }.sorted()
        #expect(!variants.isEmpty)
        for edit in Self.edits.prefix(3) {
            try edit.apply(site)
            try site.build()
        }
        let built = site.snapshot()
        #expect(built.keys.filter { $0.hasPrefix("media/") }.sorted() == variants)
        // Against a fresh build with the same cache.
        try FileManager.default.moveItem(at: site.output, to: site.root.appendingPathComponent("rebuilt"))
        try site.build()
        #expect(site.snapshot().filter { $0.key != OutputWriter.markerName } == built.filter { $0.key != OutputWriter.markerName })
    }

    // MARK: - Helpers

    private func identity(_ url: URL) throws -> (UInt64, Date) {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return ((attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0, attributes[.modificationDate] as? Date ?? .distantPast)
    }

    /// Every file of `folder` with its inode, time and bytes.
    private func files(_ folder: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return result }
        while let path = enumerator.nextObject() as? String {
            let (inode, time) = try identity(folder.appendingPathComponent(path))
            let bytes = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) ?? Data()
            result[path] = "\(inode) \(time.timeIntervalSince1970) \(bytes.hashValue) \(bytes.count)"
        }
        return result
    }
}
