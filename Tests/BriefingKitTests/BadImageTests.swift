@testable import BriefingKit
import Foundation
import Testing

/// An image an editor can add, and exactly what the build tells them. Each case leaves `public/` and the image cache
/// byte for byte as the last good build left them.
struct BadImage: Sendable, CustomTestStringConvertible {
    var name: String
    /// Files under `content/`, made when the case runs.
    var files: @Sendable () throws -> [String: Data]
    /// Files of this many bytes (sparse): a JPEG's first bytes, then nothing.
    var sized: [String: Int] = [:]
    var errors: [String]

    var testDescription: String { name }
}

@Suite struct BadImageTests {
    static let sidecar = Data(ImageFixtures.sidecar().utf8)

    /// The good site every case starts from: a person with a portrait.
    static let site: [String: String] = FixtureSite.minimal.merging([
        "people/vladimir-putin.md": "---\nname: Vladimir Putin\nrole: President of Russia\nimage: portrait\n---\nProfile.\n",
        "media/portrait.yaml": ImageFixtures.sidecar(),
    ]) { $1 }

    static let cases: [BadImage] = [
        BadImage(name: "truncated JPEG", files: {
            let whole = try ImageFixtures.jpeg()
            return ["media/cut.jpg": whole.prefix(whole.count / 2), "media/cut.yaml": sidecar]
        }, errors: ["content/media/cut.jpg:1:1: error: damaged image: it cannot be decoded (VipsJpeg: Premature end of input file); export it again from the original"]),
        BadImage(name: "extension that lies", files: {
            ["media/lies.jpg": try ImageFixtures.png(), "media/lies.yaml": sidecar]
        }, errors: ["content/media/lies.jpg:1:1: error: the file holds a PNG image but is named as JPEG: rename it to lies.png"]),
        BadImage(name: "not an image", files: {
            ["media/notes.jpg": Data("Meeting notes, not a photograph.\n".utf8), "media/notes.yaml": sidecar]
        }, errors: ["content/media/notes.jpg:1:1: error: not an image: the file does not start as a JPEG, PNG or WebP file does; export the picture again as notes.jpg"]),
        BadImage(name: "empty file", files: {
            ["media/nothing.png": Data(), "media/nothing.yaml": sidecar]
        }, errors: ["content/media/nothing.png:1:1: error: empty file: not an image; replace it with the image, or remove it and its sidecar"]),
        BadImage(name: "decompression bomb", files: {
            ["media/bomb.png": try ImageFixtures.pngBomb(), "media/bomb.yaml": sidecar]
        }, errors: ["content/media/bomb.png:1:1: error: image too large: 50000 × 50000 pixels (2500 megapixels); the limit is 100 megapixels: scale it down before adding it"]),
        BadImage(name: "animated GIF", files: {
            ["media/wave.gif": ImageFixtures.animatedGIF, "media/wave.yaml": sidecar]
        }, errors: ["content/media/wave.gif:1:1: error: GIF images are not accepted (animated, or limited to 256 colours): save 'wave.gif' as PNG, or a photograph as JPEG",
                    "content/media/wave.yaml:1:1: error: sidecar without an image: no media/wave.jpg, .jpeg, .png or .webp beside it"]),
        BadImage(name: "animated GIF named as PNG", files: {
            ["media/wave.png": ImageFixtures.animatedGIF, "media/wave.yaml": sidecar]
        }, errors: ["content/media/wave.png:1:1: error: the file holds a GIF image, not PNG: briefing accepts JPEG, PNG and WebP; export it again as wave.png"]),
        BadImage(name: "animated WebP", files: {
            ["media/loop.webp": try ImageFixtures.animatedWebP(), "media/loop.yaml": sidecar]
        }, errors: ["content/media/loop.webp:1:1: error: animated or multi-page image (3 frames): a briefing shows still photographs; save one frame as JPEG or PNG"]),
        BadImage(name: "SVG", files: {
            ["media/map.svg": ImageFixtures.svg, "media/map.yaml": sidecar]
        }, errors: ["content/media/map.svg:1:1: error: SVG images are refused (an SVG file can carry scripts): export 'map.svg' as PNG",
                    "content/media/map.yaml:1:1: error: sidecar without an image: no media/map.jpg, .jpeg, .png or .webp beside it"]),
        BadImage(name: "SVG named as PNG", files: {
            ["media/map.png": ImageFixtures.svg, "media/map.yaml": sidecar]
        }, errors: ["content/media/map.png:1:1: error: the file holds an SVG image, which is refused (SVG can carry scripts): export it as PNG and name it map.png"]),
        BadImage(name: "100 MB file", files: { ["media/huge.yaml": sidecar] }, sized: ["media/huge.jpg": 100 * 1024 * 1024],
                 errors: ["content/media/huge.jpg:1:1: error: image file too large: 104857600 bytes; the limit is 52428800 bytes (50 MiB): scale it down or save it with more compression"]),
        BadImage(name: "image without sidecar", files: { ["media/lonely.jpg": try ImageFixtures.jpeg(width: 64, height: 48)] },
                 errors: ["content/media/lonely.jpg:1:1: error: image without a sidecar: add media/lonely.yaml with its alt, credit and license (`briefing new image FILE` writes one)"]),
        BadImage(name: "sidecar without image", files: { ["media/portrit.yaml": sidecar] },
                 errors: ["content/media/portrit.yaml:1:1: error: sidecar without an image: no media/portrit.jpg, .jpeg, .png or .webp beside it (did you mean 'portrait'?)"]),
        BadImage(name: "missing alt", files: {
            ["media/talks.jpg": try ImageFixtures.jpeg(width: 64, height: 48), "media/talks.yaml": Data("credit: A/B\nlicense: CC BY 4.0\n".utf8)]
        }, errors: ["content/media/talks.yaml:1:1: error: missing required field 'alt' in an image sidecar"]),
        BadImage(name: "empty credit", files: {
            ["media/talks.jpg": try ImageFixtures.jpeg(width: 64, height: 48), "media/talks.yaml": Data(ImageFixtures.sidecar(credit: "").utf8)]
        }, errors: ["content/media/talks.yaml:2:1: error: field 'credit' must not be empty"]),
        BadImage(name: "missing license", files: {
            ["media/talks.jpg": try ImageFixtures.jpeg(width: 64, height: 48), "media/talks.yaml": Data("alt: A table\ncredit: A/B\n".utf8)]
        }, errors: ["content/media/talks.yaml:1:1: error: missing required field 'license' in an image sidecar"]),
        BadImage(name: "focus outside the picture", files: {
            ["media/talks.jpg": try ImageFixtures.jpeg(width: 64, height: 48), "media/talks.yaml": Data(ImageFixtures.sidecar(extra: "focus: \"1.5, 0.2\"\n").utf8)]
        }, errors: ["content/media/talks.yaml:4:1: error: field 'focus': '1.5, 0.2' is not a point: write two numbers from 0 to 1, across then down from the top left, e.g. '0.5, 0.3'"]),
        BadImage(name: "misspelt sidecar field", files: {
            ["media/talks.jpg": try ImageFixtures.jpeg(width: 64, height: 48), "media/talks.yaml": Data(ImageFixtures.sidecar(extra: "captoin: At the table\n").utf8)]
        }, errors: ["content/media/talks.yaml:4:1: error: unknown field 'captoin' in an image sidecar (did you mean 'caption'?); allowed fields: alt, credit, license, caption, creator, copyright, license_url, acquire_license_url, date, focus"]),
        BadImage(name: "unknown image id", files: {
            ["timeline/talks.md": Data("---\ntitle: Talks\ndate: \"2025-05-15\"\nimage: portrat\n---\n".utf8)]
        }, errors: ["content/timeline/talks.md:4:1: error: unknown image 'portrat' in 'image' (did you mean 'portrait'?): no file media/portrat.jpg, .jpeg, .png or .webp"]),
        BadImage(name: "Markdown image of a missing file", files: {
            ["pages/about.md": Data("---\ntitle: About\n---\n![The table](../media/portrat.jpg)\n".utf8)]
        }, errors: ["content/pages/about.md:4:1: error: broken link '../media/portrat.jpg': no file media/portrat.jpg in the content folder (did you mean 'media/portrait.jpg'?)"]),
        BadImage(name: "image in a line of text", files: {
            ["pages/about.md": Data("---\ntitle: About\n---\nHere ![the table](../media/portrait.jpg) is.\n".utf8)]
        }, errors: ["content/pages/about.md:4:6: error: image inside a line of text: put '![…](../media/portrait.jpg)' in a paragraph of its own, where it is shown as a figure with its credit"]),
        BadImage(name: "link to an image file", files: {
            ["pages/about.md": Data("---\ntitle: About\n---\nSee [the portrait](../media/portrait.jpg).\n".utf8)]
        }, errors: ["content/pages/about.md:4:5: error: link to the image file '../media/portrait.jpg': show the image with '![description](../media/portrait.jpg)' in a paragraph of its own"]),
        BadImage(name: "image still a draft", files: {
            ["media/talks.jpg": try ImageFixtures.jpeg(width: 64, height: 48),
             "media/talks.yaml": Data(ImageFixtures.sidecar(alt: "(to be written)").utf8),
             "pages/about.md": Data("---\ntitle: About\nimage: talks\n---\n".utf8)]
        }, errors: ["content/pages/about.md:3:1: error: image 'talks' is a draft: its sidecar content/media/talks.yaml still holds '(to be written)'; write its alt, credit and license first"]),
    ]

    @Test(arguments: cases)
    func reportsTheProblemAndChangesNothing(_ input: BadImage) throws {
        var files = Self.site
        files["media/portrait.yaml"] = nil
        let site = try FixtureSite(files)
        defer { site.delete() }
        try site.write("media/portrait.yaml", Self.sidecar)
        try site.write("media/portrait.jpg", try ImageFixtures.jpeg(width: 400, height: 500))
        try site.build()
        let output = manifest(of: site.output), cache = manifest(of: site.imageCache)
        #expect(cache.keys.contains { $0.hasSuffix("/social.jpg") })

        for (path, data) in try input.files() { try site.write(path, data) }
        for (path, size) in input.sized {
            try site.write(path, Data([0xFF, 0xD8, 0xFF, 0xE0]))
            let handle = try FileHandle(forWritingTo: site.root.appendingPathComponent("content/" + path))
            try handle.truncate(atOffset: UInt64(size))
            try handle.close()
        }
        #expect(site.errors() == input.errors)
        #expect(manifest(of: site.output) == output)
        #expect(manifest(of: site.imageCache) == cache)
    }
}
