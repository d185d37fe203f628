import BriefingKit
@testable import BriefingServer
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The editor's images over HTTP: sidecar forms that save what they show and nothing else, uploads checked as the build
/// checks images, the pickers, deleting, and every hostile request changing no file. One test at a time: each starts a
/// preview that processes photographs in worker processes (`make swift-test` runs the suite apart from the others too).
@Suite(.serialized) struct EditorImageTests {
    // MARK: - Fixtures

    /// Sidecars as editors write them: every field, the placeholders `briefing new image` writes (comments and all),
    /// comments between fields and unquoted or single-quoted values, CRLF line ends.
    static let sidecars: [String: String] = [
        "media/table.yaml": """
            alt: "An empty negotiating table with Turkish, Ukrainian and Russian flags"
            credit: "Jane Doe/Example Agency"
            license: "CC BY 4.0"
            caption: "The table set in Istanbul's Dolmabahçe Palace."
            creator: "Jane Doe"
            copyright: "© 2025 Example Agency"
            license_url: "https://creativecommons.org/licenses/by/4.0/"
            acquire_license_url: "https://agency.example/licensing/12345"
            date: "2025-05-15"
            focus: "0.5, 0.35"

            """,
        "media/draft.yaml": NewImage.Planned(id: "draft", format: .jpeg).sidecar,
        "media/portrait.yaml": """
            # Licensed for this briefing only.
            alt: Vladimir Putin at a lectern
            # As printed on the agency's page.
            credit: 'Test Photographer/Test Wire'
            license: CC BY 4.0

            """,
        "media/crlf.yaml": "alt: \"A crowd outside the palace\"\r\ncredit: \"A. N. Other\"\r\nlicense: \"CC0\"\r\n",
    ]

    static let content: [String: String] = TestSite.content.merging(sidecars) { a, _ in a }

    /// A small photograph-like JPEG (or PNG), made with libvips's command-line tool.
    static func picture(_ name: String = "x.jpg", width: Int = 96, height: Int = 64, seed: Int = 1) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-editor-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for arguments in [["perlin", "noise.v", String(width), String(height), "--cell-size", "16", "--seed", String(seed)],
                          ["linear", "noise.v", "band.v", "110", "120", "--uchar"],
                          ["bandjoin", "band.v band.v band.v", "rgb.v"],
                          ["copy", "rgb.v", name]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/vips")
            process.arguments = arguments
            process.currentDirectoryURL = folder
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "vips \(arguments)")
        }
        return Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// Writes the image files of `sidecars` (and `more`) into the site before the server starts.
    static func images(_ more: [String: [UInt8]] = [:]) -> (TestSite) throws -> Void {
        { site in
            for path in sidecars.keys {
                try write(site, "content/" + path.replacingOccurrences(of: ".yaml", with: ".jpg"), try picture(seed: path.count))
            }
            for (path, bytes) in more { try write(site, "content/" + path, bytes) }
        }
    }

    static func write(_ site: TestSite, _ path: String, _ bytes: [UInt8]) throws {
        let url = site.root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LoopbackError("cannot open \(url.path)") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw LoopbackError("cannot write \(url.path)") }
            written += count
        }
    }

    /// Images are processed by the `briefing` executable in its worker mode, as `briefing serve` does.
    static func withWorkers(_ configuration: inout PreviewConfiguration) {
        let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        configuration.build.images.worker = products.appendingPathComponent("briefing")
    }

    static func with<T: Sendable>(_ files: [String: String] = content, more: [String: [UInt8]] = [:],
                                  _ body: (RunningPreview) async throws -> T) async throws -> T {
        try await RunningPreview.with(files, configure: withWorkers, prepare: images(more), body)
    }

    // MARK: - Sidecar forms

    @Test func everySidecarSavedUnchangedIsByteIdentical() async throws {
        try await Self.with { preview in
            let before = try EditorTests.contentBytes(preview.site)
            for path in Self.sidecars.keys.sorted() {
                let file = try #require(EditedFile(relativePath: path))
                #expect(file == .image(id: String(path.dropFirst(6).dropLast(5))))
                let form = try await EditorTests.form(preview, file)
                let reply = try await EditorTests.post(preview, EditorRoutes.form(file), form.fields + [("action", "save")])
                #expect(reply.status == 303, "\(path): \(reply.status) \(reply.text.prefix(300))")
            }
            #expect(try EditorTests.contentBytes(preview.site) == before)
        }
    }

    @Test func theFormShowsEveryFieldOfTheSidecarWithItsPicture() async throws {
        try await Self.with { preview in
            let page = try await preview.get(EditorRoutes.form(.image(id: "portrait")))
            #expect(page.status == 200)
            for key in ["alt", "credit", "license", "caption", "creator", "copyright", "license_url", "acquire_license_url", "date", "focus"] {
                #expect(page.text.contains("id=\"field-\(key)\""), "\(key)")
            }
            #expect(page.text.contains("<textarea id=\"f-alt\" name=\"alt\""))
            #expect(page.text.contains("Description (alt text) <span class=\"required\">(required)</span>"))
            #expect(page.text.contains("Do not start with &quot;Image of&quot;"))
            #expect(page.text.contains("<img src=\"/__briefing/edit/picture/portrait/original\""))
            #expect(page.text.contains("<input type=\"text\" id=\"f-credit\" name=\"credit\" value=\"Test Photographer/Test Wire\""))
        }
    }

    @Test func anUnknownKeyIsShownAsYAMLTextAndKeptAsWritten() async throws {
        let odd = "alt: \"A chart\"\ncredit: \"Us\"\nlicense: \"CC0\"\nnotes: ask the agency before reuse\n"
        try await Self.with(Self.content.merging(["media/odd.yaml": odd]) { a, _ in a }, more: ["media/odd.jpg": try Self.picture()]) { preview in
            let page = try await preview.get(EditorRoutes.form(.image(id: "odd")))
            #expect(page.text.contains("name=\"raw:notes\""))
            #expect(page.text.contains("&#39;notes&#39; is not a field of this kind of file"))
            let form = try EditorTests.fields(of: page.text)
            let refused = try await EditorTests.post(preview, EditorRoutes.form(.image(id: "odd")), form + [("action", "save")])
            #expect(refused.status == 422)
            #expect(refused.text.contains("unknown field &#39;notes&#39;"), "\(refused.text)")
            let kept = try await EditorTests.post(preview, EditorRoutes.form(.image(id: "odd")), form + [("action", "save-anyway")])
            #expect(kept.status == 303)
            #expect(try String(contentsOf: preview.site.content.appendingPathComponent("media/odd.yaml"), encoding: .utf8) == odd)
        }
    }

    @Test func aSidecarIsCheckedAsTheBuildChecksItAndSavedField() async throws {
        try await Self.with { preview in
            let path = preview.site.content.appendingPathComponent("media/table.yaml")
            let form = try await EditorTests.form(preview, .image(id: "table"))
            let badFocus = form.replacing("focus", with: "2, 0.5")
            let check = try await EditorTests.post(preview, EditorRoutes.form(.image(id: "table")), badFocus + [("action", "live-check")])
            #expect(check.status == 200)
            #expect(check.text.contains(#""fields":{"focus":["field 'focus': '2, 0.5' is not a point: write two numbers from 0 to 1, across then down from the top left, e.g. '0.5, 0.3'"]}"#),
                    "\(check.text)")
            let noAlt = try await EditorTests.post(preview, EditorRoutes.form(.image(id: "table")), form.replacing("alt", with: "") + [("action", "live-check")])
            #expect(noAlt.text.contains(#""alt":["#), "\(noAlt.text)")
            let badURL = try await EditorTests.post(preview, EditorRoutes.form(.image(id: "table")),
                                                    form.replacing("license_url", with: "javascript:alert(1)") + [("action", "save")])
            #expect(badURL.status == 422)
            #expect(try String(contentsOf: path, encoding: .utf8) == Self.sidecars["media/table.yaml"])

            let saved = try await EditorTests.post(preview, EditorRoutes.form(.image(id: "table")),
                                                   form.replacing("focus", with: "0.25, 0.75").map { $0.0 == "credit" ? ("credit", "Jane Doe/Other Agency") : $0 }
                                                   + [("action", "save")])
            #expect(saved.status == 303)
            #expect(saved["location"] == "/__briefing/edit/image/table?saved=1")
            #expect(try String(contentsOf: path, encoding: .utf8) == Self.sidecars["media/table.yaml"]!
                .replacingOccurrences(of: "Jane Doe/Example Agency", with: "Jane Doe/Other Agency")
                .replacingOccurrences(of: "focus: \"0.5, 0.35\"", with: "focus: \"0.25, 0.75\""))
        }
    }

    @Test func aSidecarChangedOnDiskIsAConflict() async throws {
        try await Self.with { preview in
            let form = try await EditorTests.form(preview, .image(id: "table"))
            let theirs = Self.sidecars["media/table.yaml"]!.replacingOccurrences(of: "CC BY 4.0", with: "All rights reserved")
            try preview.site.write("content/media/table.yaml", theirs)
            let reply = try await EditorTests.post(preview, EditorRoutes.form(.image(id: "table")),
                                                   form.replacing("caption", with: "Mine.") + [("action", "save")])
            #expect(reply.status == 409)
            #expect(reply.text.contains("The file changed on disk since you opened it"))
            #expect(try String(contentsOf: preview.site.content.appendingPathComponent("media/table.yaml"), encoding: .utf8) == theirs)
        }
    }

    // MARK: - Upload

    static func multipart(_ parts: [(name: String, fileName: String?, bytes: [UInt8])], boundary: String = "----briefing-test-boundary")
        -> (body: [UInt8], contentType: String) {
        var body: [UInt8] = []
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let fileName = part.fileName { head += "; filename=\"\(fileName)\"\r\nContent-Type: application/octet-stream" }
            head += "\r\n\r\n"
            body += Array(head.utf8) + part.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    static func upload(_ preview: RunningPreview, file: (name: String, bytes: [UInt8])?, id: String = "", token: String?,
                       headers: [String: String]? = nil, declaredLength: Int? = nil) async throws -> HTTPReply {
        var parts: [(name: String, fileName: String?, bytes: [UInt8])] = []
        if let token { parts.append(("token", nil, Array(token.utf8))) }
        if let file { parts.append(("file", file.name, file.bytes)) }
        parts.append(("id", nil, Array(id.utf8)))
        let (body, contentType) = multipart(parts)
        var request = "POST \(EditorRoutes.newImage) HTTP/1.1\r\nHost: 127.0.0.1:\(preview.port)\r\nConnection: close\r\nContent-Type: \(contentType)\r\n"
        var extra = headers ?? ["Origin": "http://127.0.0.1:\(preview.port)"]
        extra["Content-Length"] = String(declaredLength ?? body.count)
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        return try await LoopbackHTTP.send(Array(request.utf8) + (declaredLength == nil ? body : []), port: preview.port)
    }

    @Test func anUploadedImageGetsADraftSidecarAndItsFormAndNeverReplacesAFile() async throws {
        try await Self.with { preview in
            let token = try await EditorTests.token(preview)
            let photo = try Self.picture(seed: 7)
            let created = try await Self.upload(preview, file: ("Talks in Istanbul.JPG", photo), token: token)
            #expect(created.status == 303, "\(created.text)")
            #expect(created["location"] == "/__briefing/edit/image/talks-in-istanbul?created=1")
            let media = preview.site.content.appendingPathComponent("media")
            #expect(Array(try Data(contentsOf: media.appendingPathComponent("talks-in-istanbul.jpg"))) == photo)
            #expect(try String(contentsOf: media.appendingPathComponent("talks-in-istanbul.yaml"), encoding: .utf8)
                == NewImage.Planned(id: "talks-in-istanbul", format: .jpeg).sidecar)
            let form = try await preview.get("/__briefing/edit/image/talks-in-istanbul?created=1")
            #expect(form.status == 200)
            #expect(form.text.contains("Added the image with its sidecar"))

            // The same id again, even as another format: refused, nothing written.
            let before = try EditorTests.contentBytes(preview.site)
            let again = try await Self.upload(preview, file: ("other.png", try Self.picture("x.png", seed: 8)), id: "talks-in-istanbul", token: token)
            #expect(again.status == 409)
            #expect(again.text.contains("content/media/ already has an image &#39;talks-in-istanbul&#39;: choose another id, or edit that one"))
            #expect(try EditorTests.contentBytes(preview.site) == before)

            // The format is the one the bytes say: a PNG named .jpg becomes .png.
            let png = try await Self.upload(preview, file: ("scan.jpg", try Self.picture("x.png", seed: 9)), id: "scan", token: token)
            #expect(png.status == 303)
            #expect(FileManager.default.fileExists(atPath: media.appendingPathComponent("scan.png").path))
            #expect(!FileManager.default.fileExists(atPath: media.appendingPathComponent("scan.jpg").path))
        }
    }

    static let refusedUploads: [(name: String, bytes: [UInt8], message: String)] = [
        ("logo.svg", Array("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\n".utf8),
         "logo.svg: an SVG image is refused (SVG can carry scripts): export it as PNG first"),
        ("wave.gif", [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00],
         "wave.gif: a GIF image; briefing takes JPEG, PNG and WebP only: export it as one first"),
        ("notes.jpg", Array("Meeting notes, not a photograph.\n".utf8),
         "notes.jpg: not a JPEG, PNG or WebP image (its first bytes are none of those): export it as one first"),
        ("empty.png", [], "empty.png: the file is empty"),
    ]

    @Test(arguments: refusedUploads.indices)
    func aFileThatIsNotAJPEGPNGOrWebPIsRefused(_ index: Int) async throws {
        let refused = Self.refusedUploads[index]
        try await Self.with { preview in
            let before = try EditorTests.contentBytes(preview.site)
            let reply = try await Self.upload(preview, file: (refused.name, refused.bytes), token: try await EditorTests.token(preview))
            #expect(reply.status == 422)
            #expect(reply.text.contains(refused.message.replacingOccurrences(of: "'", with: "&#39;")), "\(reply.text)")
            #expect(try EditorTests.contentBytes(preview.site) == before)
        }
    }

    enum HostileUpload: String, CaseIterable, Sendable {
        case foreignOrigin, noOrigin, noToken, wrongToken, oversized, traversalID, slashID, upperCaseID, traversalFileName
    }

    @Test(arguments: HostileUpload.allCases)
    func aHostileUploadChangesNothing(_ hostility: HostileUpload) async throws {
        try await Self.with { preview in
            let before = try EditorTests.contentBytes(preview.site)
            let token = try await EditorTests.token(preview)
            let photo = try Self.picture(seed: 3)
            let origin = ["Origin": "http://127.0.0.1:\(preview.port)"]
            let reply: HTTPReply
            switch hostility {
            case .foreignOrigin:
                reply = try await Self.upload(preview, file: ("a.jpg", photo), token: token, headers: ["Origin": "http://attacker.example"])
                #expect(reply.status == 403)
            case .noOrigin:
                reply = try await Self.upload(preview, file: ("a.jpg", photo), token: token, headers: [:])
                #expect(reply.status == 403)
            case .noToken:
                reply = try await Self.upload(preview, file: ("a.jpg", photo), token: nil)
                #expect(reply.status == 403)
            case .wrongToken:
                reply = try await Self.upload(preview, file: ("a.jpg", photo), token: String(repeating: "0", count: 64))
                #expect(reply.status == 403)
            case .oversized:
                let limit = ImageSettings().sizeLimit
                reply = try await Self.upload(preview, file: ("a.jpg", photo), token: token, headers: origin, declaredLength: limit + 64 * 1024 + 1)
                #expect(reply.status == 413)
                #expect(reply.text.contains("an image may be at most 52428800 bytes (50 MiB)"))
            case .traversalID:
                reply = try await Self.upload(preview, file: ("a.jpg", photo), id: "../people/evil", token: token)
                #expect(reply.status == 422)
                #expect(reply.text.contains("invalid id &#39;../people/evil&#39;"))
            case .slashID:
                reply = try await Self.upload(preview, file: ("a.jpg", photo), id: "a/b", token: token)
                #expect(reply.status == 422)
            case .upperCaseID:
                reply = try await Self.upload(preview, file: ("a.jpg", photo), id: "Talks", token: token)
                #expect(reply.status == 422)
                #expect(reply.text.contains("e.g. &#39;talks&#39;"))
            case .traversalFileName:
                // The id comes from the name's last part only: nothing is written outside media/.
                reply = try await Self.upload(preview, file: ("../../people/evil.jpg", photo), token: token)
                #expect(reply.status == 303)
                #expect(reply["location"] == "/__briefing/edit/image/evil?created=1")
                var expected = before
                expected["media/evil.jpg"] = Data(photo)
                expected["media/evil.yaml"] = Data(NewImage.Planned(id: "evil", format: .jpeg).sidecar.utf8)
                #expect(try EditorTests.contentBytes(preview.site) == expected)
                return
            }
            #expect(try EditorTests.contentBytes(preview.site) == before, "\(reply.status) \(reply.text.prefix(200))")
        }
    }

    // MARK: - Pictures, pickers, deleting

    @Test func picturesAreServedWithTheirMediaTypes() async throws {
        let png = try Self.picture("x.png", seed: 4)
        try await Self.with(Self.content.merging(["media/chart.yaml": "alt: \"A chart\"\ncredit: \"Us\"\nlicense: \"CC0\"\n"]) { a, _ in a },
                            more: ["media/chart.png": png]) { preview in
            let original = try await preview.get(EditorRoutes.original("chart"))
            #expect(original.status == 200)
            #expect(original["content-type"] == "image/png")
            #expect(original.body == png)
            let thumbnail = try await preview.get(EditorRoutes.picture("table"))
            #expect(thumbnail.status == 200)
            #expect(thumbnail["content-type"] == "image/jpeg")
            #expect(thumbnail.body.starts(with: [0xFF, 0xD8, 0xFF]))
            #expect(thumbnail["x-content-type-options"] == "nosniff")
            #expect(try await preview.get(EditorRoutes.picture("missing")).status == 404)
            #expect(try await preview.get("/__briefing/edit/picture/..%2Fsite").status == 404)

            let home = try await preview.get(EditorRoutes.root)
            #expect(home.text.contains("<h2 id=\"kind-image-heading\">Images <span class=\"count\">5</span></h2>"))
            #expect(home.text.contains("<img class=\"thumb\" src=\"/__briefing/edit/picture/table\" alt=\"\""))
            #expect(home.text.contains("<a href=\"/__briefing/edit/image/table\">An empty negotiating table with Turkish, Ukrainian and Russian flags</a>"))
            #expect(home.text.contains("<a class=\"button\" href=\"/__briefing/edit/new/image\">New image</a>"))
            let found = try await preview.get(EditorRoutes.root + "?q=chart")
            #expect(found.text.contains("Images <span class=\"count\">1</span>"))
        }
    }

    @Test func entryFormsPickImagesAndInsertThemIntoTheText() async throws {
        try await Self.with { preview in
            let page = try await preview.get(EditorRoutes.form(.entry(.person, id: "vladimir-putin")))
            #expect(page.text.contains("<input type=\"text\" id=\"f-image\" name=\"image\" value=\"\" list=\"list-image\" data-picker=\"image\""))
            #expect(page.text.contains("<option value=\"table\" data-detail=\"Jane Doe/Example Agency\" data-thumb=\"/__briefing/edit/picture/table\">"
                + "An empty negotiating table with Turkish, Ukrainian and Russian flags</option>"))
            #expect(page.text.contains("data-link=\"![An empty negotiating table with Turkish, Ukrainian and Russian flags](../media/table.jpg "
                + "&quot;The table set in Istanbul&#39;s Dolmabahçe Palace.&quot;)\""))

            // Without JavaScript: "Insert image" adds the figure as a paragraph of its own; from index.md, without "../".
            let form = try await EditorTests.form(preview, .entry(.overview, id: "index"))
            let inserted = try await EditorTests.post(preview, EditorRoutes.form(.entry(.overview, id: "index")),
                                                      form.replacing("embed", with: "crlf") + [("action", "insert-image")])
            #expect(inserted.status == 200)
            #expect(try EditorTests.fields(of: inserted.text).first { $0.0 == "body" }?.1
                == "See [Putin](people/vladimir-putin.md).\n\n![A crowd outside the palace](media/crlf.jpg)\n")

            // A person's portrait picked and saved: the page shows it.
            let person = try await EditorTests.form(preview, .entry(.person, id: "vladimir-putin"))
            let saved = try await EditorTests.post(preview, EditorRoutes.form(.entry(.person, id: "vladimir-putin")),
                                                   person.replacing("image", with: "draft") + [("action", "save")])
            #expect(saved.status == 422, "a draft image is refused as the build refuses it")
            #expect(saved.text.contains("image &#39;draft&#39; is a draft: its sidecar content/media/draft.yaml still holds &#39;(to be written)&#39;"))
        }
    }

    @Test func anImageAPageShowsCannotBeDeletedAndAnUnusedOneGoesWithItsSidecar() async throws {
        var files = Self.content
        files["people/vladimir-putin.md"] = "---\nname: Vladimir Putin\nrole: President of Russia\nimage: table\n---\nProfile.\n"
        try await Self.with(files) { preview in
            let before = try EditorTests.contentBytes(preview.site)
            let refused = try await preview.get(EditorRoutes.delete(.image(id: "table")))
            #expect(refused.status == 409)
            #expect(refused.text.contains("This image cannot be deleted yet"))
            #expect(refused.text.contains("<a href=\"/__briefing/edit/person/vladimir-putin\">Vladimir Putin</a>"))
            let digest = SHA256.hex(Array(before["media/table.yaml"]!))
            let token = try await EditorTests.token(preview)
            let posted = try await EditorTests.post(preview, EditorRoutes.delete(.image(id: "table")), [("token", token), ("digest", digest)])
            #expect(posted.status == 409)
            #expect(try EditorTests.contentBytes(preview.site) == before)

            let ask = try await preview.get(EditorRoutes.delete(.image(id: "crlf")))
            #expect(ask.status == 200)
            #expect(ask.text.contains("The image and its sidecar <code>content/media/crlf.yaml</code> will be removed from the content folder together"))
            let fields = try EditorTests.fields(of: ask.text)
            let deleted = try await EditorTests.post(preview, EditorRoutes.delete(.image(id: "crlf")), fields)
            #expect(deleted.status == 303)
            var expected = before
            expected["media/crlf.jpg"] = nil
            expected["media/crlf.yaml"] = nil
            #expect(try EditorTests.contentBytes(preview.site) == expected)
        }
    }

    // MARK: - The preview

    @Test func aReplacedPhotographIsProcessedAndThePageShowingItReloads() async throws {
        var files = Self.content
        files["people/vladimir-putin.md"] = "---\nname: Vladimir Putin\nrole: President of Russia\nimage: table\n---\nProfile.\n"
        try await Self.with(files) { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            _ = try await stream.next("status")
            let page = try preview.site.outputFile("people/vladimir-putin/index.html")
            let before = try #require(page.firstMatch(of: /media\/table\.([0-9a-f]{10})\./)?.output.1)
            try Self.write(preview.site, "content/media/table.jpg", try Self.picture(width: 120, height: 80, seed: 42))
            let reload = try await stream.next("reload", timeout: .seconds(30)).payload
            #expect(reload.changed?.contains("people/vladimir-putin/index.html") == true)
            let after = try #require(try preview.site.outputFile("people/vladimir-putin/index.html").firstMatch(of: /media\/table\.([0-9a-f]{10})\./)?.output.1)
            #expect(after != before)
            let variant = try #require(try preview.site.outputFile("people/vladimir-putin/index.html").firstMatch(of: /media\/table\.[0-9a-f]{10}\.[a-z0-9]+\.webp/))
            let served = try await preview.get("/" + String(variant.output))
            #expect(served.status == 200)
            #expect(served["content-type"] == "image/webp")
        }
    }
}
