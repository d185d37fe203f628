@testable import BriefingKit
import Foundation
import Testing

/// `briefing build --precompress`: which files get `.br` and `.gz` copies, that the copies are the same on every build,
/// and that a rebuild compresses only what changed. Test_hosts.py checks that nginx and Apache send them and that they
/// decompress to the plain files.
@Suite struct PrecompressionTests {
    private func precompressing(_ site: FixtureSite) -> BuildOptions {
        var options = site.options
        options.precompress = true
        return options
    }

    private func inode(_ url: URL) throws -> UInt64 {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64)
    }

    @Test func textFilesAboveOneKilobyteGetBothCopies() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        let report = try SiteBuilder.build(precompressing(site))
        let files = site.snapshot()
        let compressible = files.filter { path, data in
            Precompression.extensions.contains((path as NSString).pathExtension) && data.count > Precompression.minimumSize
        }
        #expect(compressible.count > 20)
        for (path, _) in compressible {
            #expect(files[path + ".br"] != nil, "no \(path).br")
            #expect(files[path + ".gz"] != nil, "no \(path).gz")
        }
        // Nothing else: not the small files, not the copies themselves.
        let copies = files.keys.filter { $0.hasSuffix(".br") || $0.hasSuffix(".gz") }
        #expect(copies.count == 2 * compressible.count)
        #expect(report.write.compressed == copies.count)
        #expect(try site.page(".briefing-output").contains("precompressed \(Precompression.settings)"))
    }

    @Test func theGzipCopyIsTheFileAndNamesNoFileAndNoTime() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try SiteBuilder.build(precompressing(site))
        let compressed = try Data(contentsOf: site.output.appendingPathComponent("index.html.gz"))
        // RFC 1952: magic, deflate, no flags (so no file name or comment), a modification time of 0.
        #expect(Array(compressed.prefix(8)) == [0x1F, 0x8B, 8, 0, 0, 0, 0, 0])
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", site.output.appendingPathComponent("index.html.gz").path]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let plain = pipe.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        #expect(gunzip.terminationStatus == 0)
        #expect(plain == (try Data(contentsOf: site.output.appendingPathComponent("index.html"))))
    }

    @Test func theStylesheetIsCompressedHarderThanThePages() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try SiteBuilder.build(precompressing(site))
        let files = site.snapshot()
        let stylesheet = try #require(files.keys.first { $0.hasPrefix("assets/style.") && $0.hasSuffix(".css") })
        let css = try #require(files[stylesheet]), page = try #require(files["index.html"])
        #expect(files[stylesheet + ".br"] == Brotli.compress(css, quality: 11))
        #expect(files[stylesheet + ".gz"] == Gzip.compress(css, level: 9))
        #expect(try #require(files[stylesheet + ".br"]).count < Brotli.compress(css, quality: 5)!.count)
        #expect(files["index.html.br"] == Brotli.compress(page, quality: 5))
        #expect(files["index.html.gz"] == Gzip.compress(page, level: 6))
    }

    @Test func twoBuildsWriteTheSameCopies() throws {
        let first = try FixtureSite(FixtureSite.full)
        let second = try FixtureSite(FixtureSite.full)
        defer { first.delete(); second.delete() }
        try SiteBuilder.build(precompressing(first))
        try SiteBuilder.build(precompressing(second))
        let copies = { (site: FixtureSite) in site.snapshot().filter { $0.key.hasSuffix(".br") || $0.key.hasSuffix(".gz") } }
        #expect(copies(first).count > 40)
        #expect(copies(first) == copies(second))
    }

    @Test(arguments: [
        ("assets/small.css", String(repeating: "a { color: red }\n", count: 60), 1),  // 1,020 bytes: not above 1 KB
        ("assets/large.css", String(repeating: "a { color: red }\n", count: 61), 3),  // 1,037 bytes: .br and .gz too
        ("assets/photo.jpg", String(repeating: "not text, whatever it holds\n", count: 200), 1),  // not a text format
    ])
    func whichFilesGetCopies(path: String, text: String, files: Int) throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try Data(text.utf8).write(to: site.root.appendingPathComponent("templates").appendingPathComponent(path))
        try SiteBuilder.build(precompressing(site))
        // CSS is renamed after its contents: assets/small.1a2b3c4d5e.css.
        let stem = (path as NSString).deletingPathExtension + "."
        let written = site.snapshot().keys.filter { $0.hasPrefix(stem) }
        #expect(written.count == files, "\(written.sorted())")
    }

    @Test func aFileThatCompressesByLessThanATenthGetsNoCopy() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        // Random bytes: no encoder saves a tenth of them.
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try noise.write(to: site.root.appendingPathComponent("templates/assets/noise.txt"))
        try SiteBuilder.build(precompressing(site))
        let files = site.snapshot()
        #expect(files["assets/noise.txt"] == noise)
        #expect(files["assets/noise.txt.br"] == nil)
        #expect(files["assets/noise.txt.gz"] == nil)
    }

    @Test func withoutTheOptionNoCopiesAndSiteYAMLCanTurnItOn() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        #expect(!site.snapshot().keys.contains { $0.hasSuffix(".br") || $0.hasSuffix(".gz") })
        try site.write("site.yaml", "title: Test briefing\nbase_url: https://news.example/briefing/\nprecompress: true\n")
        try site.build()
        #expect(site.snapshot()["index.html.br"] != nil)
        // The command line's --no-precompress wins over site.yaml; the old copies go with the old site.
        var options = site.options
        options.precompress = false
        try SiteBuilder.build(options)
        #expect(!site.snapshot().keys.contains { $0.hasSuffix(".br") || $0.hasSuffix(".gz") })
    }

    @Test func aRebuildAfterOneEditCompressesOnlyWhatChanged() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        let first = try SiteBuilder.build(precompressing(site))
        let aboutCopy = site.output.appendingPathComponent("about/index.html.br")
        let inodeBefore = try inode(aboutCopy)

        try site.write("sources/report.md", "---\ntitle: The report, renamed\npublisher: Not stated\n---\n")
        let second = try SiteBuilder.build(precompressing(site))
        // The source's title is shown on its page, the pages that cite it, the lists, the feed, the data and the index.
        let changed = Set(second.write.changedPaths.filter { !$0.hasSuffix(".br") && !$0.hasSuffix(".gz") })
        let changedCompressible = changed.filter { path in
            let size = (try? Data(contentsOf: site.output.appendingPathComponent(path)).count) ?? 0
            return Precompression.applies(to: path, size: size)
        }
        #expect(!changedCompressible.isEmpty)
        #expect(second.write.compressed == 2 * changedCompressible.count, "\(second.write.changedPaths)")
        #expect(second.write.compressedReused == first.write.compressed - second.write.compressed)
        // An unchanged page's copy is the old file, linked, not written again.
        #expect(!changed.contains("about/index.html"))
        #expect(try inode(aboutCopy) == inodeBefore)

        // Every copy matches its file: a fresh build with the same content writes the same ones.
        let fresh = try FixtureSite(FixtureSite.full)
        defer { fresh.delete() }
        try fresh.write("sources/report.md", "---\ntitle: The report, renamed\npublisher: Not stated\n---\n")
        try SiteBuilder.build(precompressing(fresh))
        let copies = { (site: FixtureSite) in site.snapshot().filter { $0.key.hasSuffix(".br") || $0.key.hasSuffix(".gz") } }
        #expect(copies(site) == copies(fresh))
    }

    @Test func copiesOfOtherSettingsAreNotReused() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try SiteBuilder.build(precompressing(site))
        // As if an older briefing had compressed them differently: the record names other settings.
        let marker = site.output.appendingPathComponent(".briefing-output")
        let text = try String(contentsOf: marker, encoding: .utf8)
        try text.replacingOccurrences(of: Precompression.settings, with: "brotli 0.0.1 quality 1").write(to: marker, atomically: true, encoding: .utf8)
        try site.write("pages/about.md", "---\ntitle: About\n---\nMethod, edited. Back to the [overview](../index.md).\n")
        let report = try SiteBuilder.build(precompressing(site))
        #expect(report.write.compressedReused == 0)
        #expect(report.write.compressed > 40)
    }

    @Test func thePreviewsUpdateRemovesTheCopiesOfAFileItReplaces() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try SiteBuilder.build(precompressing(site))
        let page = "about/index.html"
        #expect(site.snapshot()[page + ".br"] != nil)
        _ = try OutputWriter.update([OutputFile(path: page, contents: Data("<p>new</p>".utf8))], in: site.output)
        let files = site.snapshot()
        #expect(files[page] == Data("<p>new</p>".utf8))
        #expect(files[page + ".br"] == nil && files[page + ".gz"] == nil)
    }
}
