@testable import BriefingKit
import Foundation
import Testing

/// A briefing with portraits, event photographs and a figure in a body: what the pages show, what the cache keeps,
/// and when images are processed again.
@Suite struct ImageBuildTests {
    /// The full fixture with a portrait, an event photograph (a PNG), a figure in the overview's body, and a site default.
    static func site() throws -> FixtureSite {
        var files = FixtureSite.full
        files["site.yaml"]! += "image: table\n"
        files["people/vladimir-putin.md"] = "---\nname: Vladimir Putin\nrole: President of Russia\ncountry: Russia\nimage: putin\n---\nSee [Zelenskyy](volodymyr-zelenskyy.md).\n"
        files["timeline/offer.md"] = files["timeline/offer.md"]!.replacingOccurrences(of: "sources: [report]\n", with: "sources: [report]\nimage: table\n")
        files["index.md"] = files["index.md"]! + "\n![](media/table.png \"The table set for talks that did not happen.\")\n"
        files["media/putin.yaml"] = ImageFixtures.sidecar(alt: "Vladimir Putin at a lectern", credit: "Ada Example/Test Agency",
                                                          extra: "creator: Ada Example\ncopyright: \"© 2025 Test Agency\"\nlicense_url: https://creativecommons.org/licenses/by/4.0/\nfocus: \"0.5, 0.3\"\n")
        files["media/table.yaml"] = ImageFixtures.sidecar(alt: "An empty negotiating table", credit: "Ben Example/Test Agency",
                                                          extra: "caption: The table in Istanbul.\n")
        let site = try FixtureSite(files)
        try site.write("media/putin.jpg", try ImageFixtures.jpeg(width: 1200, height: 1500, seed: 2))
        try site.write("media/table.png", try ImageFixtures.photo(width: 2400, height: 1600, name: "x.png", seed: 3))
        return site
    }

    @Test func pagesShowTheImagesWithTheirCredits() throws {
        let site = try Self.site()
        defer { site.delete() }
        try site.build()

        let person = try site.page("people/vladimir-putin/index.html")
        #expect(person.contains("<figure class=\"photo portrait-figure\">"))
        #expect(person.contains("Ada Example/Test Agency"))
        #expect(person.contains("<a href=\"https://creativecommons.org/licenses/by/4.0/\" rel=\"license\">CC BY 4.0</a>"))
        #expect(person.contains("type=\"image/webp\""))
        // The first image of a page loads first; no image is lazy and eager at once.
        #expect(person.components(separatedBy: "fetchpriority=\"high\"").count == 2)
        #expect(!person.contains("fetchpriority=\"high\" loading"))
        #expect(person.contains("\"@type\":\"ImageObject\""))
        #expect(person.contains("\"creditText\":\"Ada Example/Test Agency\""))
        #expect(person.contains("\"copyrightNotice\":\"© 2025 Test Agency\""))
        #expect(person.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"))
        #expect(person.contains("<meta property=\"og:image:width\" content=\"1200\">"))
        #expect(person.contains("<meta property=\"og:image:alt\" content=\"Vladimir Putin at a lectern\">"))

        // Every <img> has its size, so nothing moves when it arrives.
        for page in ["index.html", "people/index.html", "people/vladimir-putin/index.html", "timeline/index.html", "timeline/offer/index.html"] {
            let html = try site.page(page)
            let images = html.components(separatedBy: "<img ").dropFirst()
            #expect(!images.isEmpty, "no image on \(page)")
            for image in images {
                #expect(image.contains(" width=\"") && image.contains(" height=\""), "an image without its size on \(page)")
            }
        }
        let overview = try site.page("index.html")
        #expect(overview.contains("<span class=\"caption\">The table set for talks that did not happen.</span>"))
        #expect(overview.contains("class=\"person-card has-portrait\""))
        #expect(overview.contains("class=\"event has-photo\""))
        let event = try site.page("timeline/offer/index.html")
        #expect(event.contains("<span class=\"caption\">The table in Istanbul.</span>"))
        // A page with no image of its own previews with the site's.
        let sources = try site.page("sources/index.html")
        #expect(sources.contains("<meta property=\"og:image:alt\" content=\"An empty negotiating table\">"))

        let sitemap = try site.page("sitemap.xml")
        #expect(sitemap.contains("<image:image><image:loc>https://news.example/briefing/media/putin."))
        let data = try site.page("data.json")
        #expect(data.contains("\"images\":[{\"id\":\"putin\",\"width\":1200,\"height\":1500,\"alt\":\"Vladimir Putin at a lectern\""))

        // The variants: never wider than the source, the largest full-frame one at 1920 for the 2400-wide PNG.
        let media = try FileManager.default.contentsOfDirectory(atPath: site.output.appendingPathComponent("media").path)
        #expect(media.contains { $0.hasPrefix("table.") && $0.hasSuffix(".1920.webp") })
        #expect(media.contains { $0.hasPrefix("putin.") && $0.hasSuffix(".1200.jpg") })
        #expect(!media.contains { $0.hasPrefix("putin.") && $0.hasSuffix(".1280.jpg") })
        let social = try #require(media.first { $0.hasPrefix("putin.") && $0.hasSuffix(".social.jpg") })
        let size = try #require(jpegSize(try Data(contentsOf: site.output.appendingPathComponent("media/" + social))))
        #expect(size == (1200, 630))
    }

    @Test func hostsCacheImageVariantsForAYearSinceTheirNamesCarryTheirDigest() throws {
        let site = try Self.site()
        defer { site.delete() }
        try site.build()
        let variants = try FileManager.default.contentsOfDirectory(atPath: site.output.appendingPathComponent("media").path)
        #expect(!variants.isEmpty)
        for name in variants {
            #expect(name.wholeMatch(of: /(putin|table)\.[0-9a-f]{10}\.[a-z0-9-]+\.(webp|jpg)/) != nil, "\(name)")
        }
        let headers = try site.page("_headers")
        #expect(headers.contains("/media/*\n  Cache-Control: public, max-age=31536000, immutable\n"))
        #expect(!headers.contains("/media/*\n  Cache-Control: no-cache"))
        let htaccess = try site.page(".htaccess")
        #expect(htaccess.contains(#"<FilesMatch "\.[0-9a-f]{10}\.[a-z0-9-]+\.(webp|jpg|avif)$">"# + "\n    Header set Cache-Control \"public, max-age=31536000, immutable\""))
        let pattern = try Regex(#"\.[0-9a-f]{10}\.[a-z0-9-]+\.(webp|jpg|avif)$"#)
        #expect(variants.allSatisfy { $0.contains(pattern) })
        #expect(!"style.1a2b3c4d5e.css".contains(pattern))
    }

    @Test func aTextEditDoesNoImageWork() throws {
        let site = try Self.site()
        defer { site.delete() }
        try site.build()
        let cache = manifest(of: site.imageCache)
        let variants = try FileManager.default.contentsOfDirectory(atPath: site.output.appendingPathComponent("media").path).sorted()

        try site.write("quotes/kyiv-pr.md", "---\nspeaker: kyiv\ntext: cynical PR move\ndate: \"2025-05\"\nsource: report\n---\nEdited.\n")
        var options = site.options
        // No worker can start: the build succeeds only if it needs none.
        options.images.worker = URL(fileURLWithPath: "/nonexistent/briefing")
        try SiteBuilder.build(options)
        #expect(manifest(of: site.imageCache) == cache)
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.output.appendingPathComponent("media").path).sorted() == variants)
    }

    @Test func replacingAPhotoRedoesThatPhotoOnly() throws {
        let site = try Self.site()
        defer { site.delete() }
        try site.build()
        let before = try FileManager.default.contentsOfDirectory(atPath: site.imageCache.path).filter { !$0.hasPrefix(".") }.sorted()
        let tableFolder = try #require(before.first { $0.hasPrefix("table.") })
        let tableInfo = try FileManager.default.attributesOfItem(atPath: site.imageCache.appendingPathComponent(tableFolder + "/info.txt").path)

        try site.write("media/putin.jpg", try ImageFixtures.jpeg(width: 1000, height: 1250, seed: 5))
        try site.build()
        let after = try FileManager.default.contentsOfDirectory(atPath: site.imageCache.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(after.contains(tableFolder))
        #expect(try FileManager.default.attributesOfItem(atPath: site.imageCache.appendingPathComponent(tableFolder + "/info.txt").path)[.modificationDate]
            as? Date == tableInfo[.modificationDate] as? Date)
        // The old portrait's variants are pruned; the new one has other names, so pages and caches never mix them up.
        let portraits = after.filter { $0.hasPrefix("putin.") }
        #expect(portraits.count == 1 && !before.contains(portraits[0]))
        let page = try site.page("people/vladimir-putin/index.html")
        #expect(page.contains("media/\(portraits[0].prefix(16))") || page.contains("media/putin.\(portraits[0].dropFirst(6).prefix(10))."))
        #expect(!page.contains(before.first { $0.hasPrefix("putin.") }!.dropFirst(6).prefix(10)))
    }

    @Test(arguments: ["cmyk", "rgb16"])
    func convertsColourToEightBitSRGB(_ kind: String) throws {
        var files = FixtureSite.minimal
        files["people/vladimir-putin.md"] = "---\nname: Vladimir Putin\nrole: President of Russia\nimage: odd\n---\n"
        files["media/odd.yaml"] = ImageFixtures.sidecar()
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.write(kind == "cmyk" ? "media/odd.jpg" : "media/odd.png", kind == "cmyk" ? try ImageFixtures.cmykJPEG() : try ImageFixtures.sixteenBitPNG())
        try site.build()
        let media = site.output.appendingPathComponent("media")
        let jpeg = try #require(try FileManager.default.contentsOfDirectory(atPath: media.path).first { $0.hasSuffix(".320.jpg") })
        // Three 8-bit components: YCbCr from sRGB, not CMYK's four.
        let components = try #require(jpegComponents(try Data(contentsOf: media.appendingPathComponent(jpeg))))
        #expect(components == (8, 3))
    }

    @Test func appliesTheCameraOrientationAndDropsTheEXIF() throws {
        var files = FixtureSite.minimal
        files["people/vladimir-putin.md"] = "---\nname: Vladimir Putin\nrole: President of Russia\nimage: turned\n---\n"
        files["media/turned.yaml"] = ImageFixtures.sidecar()
        let site = try FixtureSite(files)
        defer { site.delete() }
        // Stored 640 × 427, to be shown turned a quarter: 427 × 640.
        try site.write("media/turned.jpg", ImageFixtures.orientedJPEG(try ImageFixtures.jpeg(width: 640, height: 427), orientation: 6))
        try site.build()
        let page = try site.page("people/vladimir-putin/index.html")
        #expect(page.contains("\"width\":427,\"height\":640"))
        let media = site.output.appendingPathComponent("media")
        let names = try FileManager.default.contentsOfDirectory(atPath: media.path)
        let variant = try #require(names.first { $0.hasSuffix(".320.jpg") })
        let data = try Data(contentsOf: media.appendingPathComponent(variant))
        let size = try #require(jpegSize(data))
        #expect(size == (320, 480))
        // No EXIF segment (APP1 "Exif") in any JPEG variant, nor an EXIF chunk in any WebP one.
        for name in names {
            let bytes = try Data(contentsOf: media.appendingPathComponent(name))
            #expect(bytes.range(of: Data("Exif".utf8)) == nil, "\(name) carries EXIF")
        }
    }

    /// Crops keep the sidecar's focus point: on a picture black on the left and white on the right, a square crop
    /// focused far right is white, one focused far left black.
    @Test(arguments: [("0.9, 0.5", 255.0), ("0.1, 0.5", 0.0)])
    func cropsKeepTheFocusPoint(_ focus: String, _ mean: Double) throws {
        var files = FixtureSite.minimal
        files["people/vladimir-putin.md"] = "---\nname: Vladimir Putin\nrole: President of Russia\nimage: halves\n---\n"
        files["media/halves.yaml"] = ImageFixtures.sidecar(extra: "focus: \"\(focus)\"\n")
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.write("media/halves.jpg", try ImageFixtures.halfBlackHalfWhite())
        try site.build()
        let media = site.output.appendingPathComponent("media")
        let square = try #require(try FileManager.default.contentsOfDirectory(atPath: media.path).first { $0.hasSuffix(".square-160.jpg") })
        let average = try #require(Double(try ImageFixtures.vipsOutput(["avg", media.appendingPathComponent(square).path])))
        #expect(abs(average - mean) < 8, "mean \(average) of the crop focused at \(focus)")
    }

    @Test func checkWarnsOfAnImageNoPageShows() throws {
        var files = FixtureSite.minimal
        files["media/spare.yaml"] = ImageFixtures.sidecar()
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.write("media/spare.jpg", try ImageFixtures.jpeg(width: 64, height: 48))
        #expect(SiteBuilder.check(site.options).map(\.description) == [
            "content/media/spare.jpg:1:1: warning: image not shown on any published page: use it with 'image: spare' or '![…](../media/spare.jpg)', or remove it and its sidecar",
        ])
        let json = try #require(JSONSerialization.jsonObject(with: Data(Diagnostic.jsonReport(SiteBuilder.check(site.options)).utf8)) as? [String: Any])
        #expect(json["errors"] as? Int == 0)
        #expect(json["warnings"] as? Int == 1)
        #expect((json["diagnostics"] as? [[String: Any]])?.first?["severity"] as? String == "warning")
        // A warning does not stop a build.
        try site.build()
    }

    @Test func newImageCopiesTheFileAndWritesADraftSidecar() throws {
        let site = try FixtureSite()
        defer { site.delete() }
        let photo = site.root.appendingPathComponent("Talks in Istanbul.JPG")
        try ImageFixtures.jpeg(width: 64, height: 48).write(to: photo)
        let made = try NewImage.create(file: photo.path, contentFolder: site.root.appendingPathComponent("content").path)
        #expect(made.image.hasSuffix("content/media/talks-in-istanbul.jpg"))
        let sidecar = try String(contentsOfFile: made.sidecar, encoding: .utf8)
        #expect(sidecar.contains("alt: \"(to be written)\""))
        // A draft image on no page is only a warning; the build goes on.
        try site.build()
        #expect(throws: NewEntry.Failure.self) { try NewImage.create(file: photo.path, contentFolder: site.root.appendingPathComponent("content").path) }
    }
}

/// What a failing decoder costs: that image, reported at its file, and nothing else.
@Suite struct ImageWorkerFaultTests {
    /// A stand-in worker that says it is ready (an empty frame), then does `then` when the image arrives.
    static func worker(_ then: String, in folder: URL) throws -> URL {
        let script = folder.appendingPathComponent("worker-\(UUID().uuidString).sh")
        try "#!/bin/sh\nprintf '\\000\\000\\000\\000'\nhead -c 40 >/dev/null\n\(then)\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        return script
    }

    static let cases: [(name: String, script: String, error: String)] = [
        ("crash", "kill -SEGV $$", "content/media/portrait.jpg:1:1: error: the image decoder crashed (signal 11) on this file: export it again from the original"),
        ("hang", "exec sleep 30", "content/media/portrait.jpg:1:1: error: image took longer than 1 s to process and was stopped: scale it down or save it again"),
    ]

    @Test(arguments: cases.map(\.name))
    func aFailingWorkerFailsThatImageOnly(_ name: String) throws {
        let fault = Self.cases.first { $0.name == name }!
        let site = try FixtureSite(BadImageTests.site)
        defer { site.delete() }
        try site.write("media/portrait.jpg", try ImageFixtures.jpeg(width: 64, height: 48))
        var options = site.options
        options.images.worker = try Self.worker(fault.script, in: site.root)
        options.images.settings.deadline = .seconds(1)
        do {
            try SiteBuilder.build(options)
            Issue.record("the build succeeded")
        } catch .content(let failure) {
            #expect(failure.diagnostics.map(\.description) == [fault.error])
        } catch {
            Issue.record("\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
        // Nothing half-made is left in the cache.
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.imageCache.path).filter { $0 != ".lock" }.isEmpty)
    }
}

/// The preview's session: a saved photograph is processed on its own and the pages showing it change.
@Suite struct ImagePreviewTests {
    @Test func aReplacedPhotoIsProcessedAndItsPagesChange() throws {
        let site = try ImageBuildTests.site()
        defer { site.delete() }
        let session = SiteSession(options: site.options)
        try session.build(changedSources: [])
        let photo = site.root.appendingPathComponent("content/media/putin.jpg")
        try ImageFixtures.jpeg(width: 900, height: 1200, seed: 9).write(to: photo)
        let report = try session.build(changedSources: [photo.path])
        #expect(report.write.changedPaths.contains("people/vladimir-putin/index.html"))
        #expect(report.write.changedPaths.contains("index.html"))
        #expect(report.write.changedPaths.contains { $0.hasPrefix("media/putin.") && $0.hasSuffix(".900.webp") })
        #expect(!report.write.changedPaths.contains("timeline/offer/index.html"))
        // The same site a full build makes.
        let fromSession = site.snapshot()
        try FileManager.default.removeItem(at: site.output)
        try site.build()
        #expect(site.snapshot().keys.sorted() == fromSession.keys.sorted())
        #expect(site.snapshot().filter { $0.key != ".briefing-output" } == fromSession.filter { $0.key != ".briefing-output" })
    }
}

/// The size in a JPEG's frame header.
func jpegSize(_ data: Data) -> (Int, Int)? {
    jpegFrame(data).map { ($0.width, $0.height) }
}

/// A JPEG's bits per sample and number of components.
func jpegComponents(_ data: Data) -> (Int, Int)? {
    jpegFrame(data).map { ($0.bits, $0.components) }
}

private func jpegFrame(_ data: Data) -> (width: Int, height: Int, bits: Int, components: Int)? {
    let bytes = [UInt8](data)
    var index = 2
    while index + 9 < bytes.count {
        guard bytes[index] == 0xFF else { return nil }
        let marker = bytes[index + 1]
        let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
        // Start of frame: baseline, extended, progressive.
        if [0xC0, 0xC1, 0xC2].contains(marker) {
            return (Int(bytes[index + 7]) << 8 | Int(bytes[index + 8]), Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]),
                    Int(bytes[index + 4]), Int(bytes[index + 9]))
        }
        index += 2 + length
    }
    return nil
}
