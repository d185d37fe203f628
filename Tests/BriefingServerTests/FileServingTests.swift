import Foundation
import Testing

/// Static files over real HTTP: types, validators, ranges, the 404 page, redirects, HEAD.
@Suite struct FileServingTests {
    /// Extra assets, copied into `public/assets/` by the build.
    static let assets: [String: String] = [
        "templates/assets/app.js": "console.log(1);\n",
        "templates/assets/data.json": "{\"a\": 1}\n",
        "templates/assets/logo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        "templates/assets/icon.png": "\u{89}PNG",
        "templates/assets/digits.txt": "0123456789",
        "templates/assets/a..b.txt": "dots inside a name are fine\n",
        "templates/assets/font.woff2": "wOF2",
        "templates/assets/blob.unknownext": "?",
    ]

    static let shared = SharedPreview(prepare: { site in
        for (path, text) in assets { try site.write(path, text) }
    })

    static func withAssets<T: Sendable>(_ body: (RunningPreview) async throws -> T) async throws -> T {
        try await shared.use(body)
    }

    @Test func contentTypes() async throws {
        let expected = [
            "/": "text/html; charset=utf-8",
            "/people/vladimir-putin/": "text/html; charset=utf-8",
            "/assets/style.css": "text/css; charset=utf-8",
            "/assets/app.js": "text/javascript; charset=utf-8",
            "/assets/data.json": "application/json; charset=utf-8",
            "/assets/logo.svg": "image/svg+xml; charset=utf-8",
            "/assets/icon.png": "image/png",
            "/assets/digits.txt": "text/plain; charset=utf-8",
            "/assets/font.woff2": "font/woff2",
            "/assets/blob.unknownext": "application/octet-stream",
            "/__briefing/reload.js": "text/javascript; charset=utf-8",
        ]
        try await Self.withAssets { preview in
            for (path, type) in expected.sorted(by: { $0.key < $1.key }) {
                let reply = try await preview.get(path)
                #expect(reply.status == 200, "\(path)")
                #expect(reply["content-type"] == type, "\(path)")
                #expect(reply["cache-control"] == "no-cache", "\(path)")
                #expect(reply["x-content-type-options"] == "nosniff", "\(path)")
            }
        }
    }

    @Test func legitimateNameWithTwoDots() async throws {
        try await Self.withAssets { preview in
            let reply = try await preview.get("/assets/a..b.txt")
            #expect(reply.status == 200)
            #expect(reply.text == "dots inside a name are fine\n")
        }
    }

    @Test func conditionalRequests() async throws {
        try await Self.withAssets { preview in
            for path in ["/assets/style.css", "/people/vladimir-putin/"] {
                let first = try await preview.get(path)
                let etag = try #require(first["etag"])
                let lastModified = try #require(first["last-modified"])
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))

                let byTag = try await preview.get(path, headers: ["If-None-Match": etag])
                #expect(byTag.status == 304, "\(path)")
                #expect(byTag.body.isEmpty)
                #expect(byTag["etag"] == etag)
                #expect(byTag["cache-control"] == "no-cache")

                #expect(try await preview.get(path, headers: ["If-None-Match": "\"other\", W/\(etag)"]).status == 304)
                #expect(try await preview.get(path, headers: ["If-None-Match": "*"]).status == 304)
                #expect(try await preview.get(path, headers: ["If-Modified-Since": lastModified]).status == 304)
                #expect(try await preview.get(path, headers: ["If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"]).status == 200)
                // If-None-Match wins over If-Modified-Since.
                #expect(try await preview.get(path, headers: ["If-None-Match": "\"other\"", "If-Modified-Since": lastModified]).status == 200)
                #expect(try await preview.get(path, method: "HEAD", headers: ["If-None-Match": etag]).status == 304)
            }
        }
    }

    struct RangeCase: Sendable, CustomTestStringConvertible {
        var header: String
        var status: Int
        var body: String?
        var contentRange: String?
        var testDescription: String { header }
    }

    @Test(arguments: [
        RangeCase(header: "bytes=0-3", status: 206, body: "0123", contentRange: "bytes 0-3/10"),
        RangeCase(header: "bytes=-3", status: 206, body: "789", contentRange: "bytes 7-9/10"),
        RangeCase(header: "bytes=7-", status: 206, body: "789", contentRange: "bytes 7-9/10"),
        RangeCase(header: "bytes=5-100", status: 206, body: "56789", contentRange: "bytes 5-9/10"),
        RangeCase(header: "bytes=-20", status: 206, body: "0123456789", contentRange: "bytes 0-9/10"),
        RangeCase(header: "bytes=9-9", status: 206, body: "9", contentRange: "bytes 9-9/10"),
        RangeCase(header: "bytes=10-", status: 416, body: nil, contentRange: "bytes */10"),
        RangeCase(header: "bytes=10-20", status: 416, body: nil, contentRange: "bytes */10"),
        RangeCase(header: "bytes=-0", status: 416, body: nil, contentRange: "bytes */10"),
        RangeCase(header: "bytes=5-2", status: 200, body: "0123456789", contentRange: nil),
        RangeCase(header: "bytes=0-1,4-5", status: 200, body: "0123456789", contentRange: nil),
        RangeCase(header: "lines=0-1", status: 200, body: "0123456789", contentRange: nil),
        RangeCase(header: "bytes=x-y", status: 200, body: "0123456789", contentRange: nil),
    ])
    func ranges(_ test: RangeCase) async throws {
        try await Self.withAssets { preview in
            let reply = try await preview.get("/assets/digits.txt", headers: ["Range": test.header])
            #expect(reply.status == test.status)
            #expect(reply["content-range"] == test.contentRange)
            if let body = test.body { #expect(reply.text == body) }
            #expect(reply["accept-ranges"] == "bytes")
        }
    }

    @Test func ifRange() async throws {
        try await Self.withAssets { preview in
            let etag = try #require(try await preview.get("/assets/digits.txt")["etag"])
            let current = try await preview.get("/assets/digits.txt", headers: ["Range": "bytes=-3", "If-Range": etag])
            #expect(current.status == 206)
            #expect(current.text == "789")
            let stale = try await preview.get("/assets/digits.txt", headers: ["Range": "bytes=-3", "If-Range": "\"stale\""])
            #expect(stale.status == 200)
            #expect(stale.text == "0123456789")
        }
    }

    @Test func rangeOfAPageCountsTheServedBytes() async throws {
        try await Self.withAssets { preview in
            let whole = try await preview.get("/")
            let tail = try await preview.get("/", headers: ["Range": "bytes=-20"])
            #expect(tail.status == 206)
            #expect(tail.body == Array(whole.body.suffix(20)))
            #expect(tail["content-range"] == "bytes \(whole.body.count - 20)-\(whole.body.count - 1)/\(whole.body.count)")
        }
    }

    @Test func notFoundServesTheSitesPageWithStatus404() async throws {
        try await Self.withAssets { preview in
            let onDisk = try preview.site.outputFile("404.html")
            for path in ["/nope", "/people/nobody/", "/assets/missing.css", "/__briefing/other"] {
                let reply = try await preview.get(path)
                #expect(reply.status == 404, "\(path)")
            }
            let reply = try await preview.get("/no/such/page/")
            #expect(reply["content-type"] == "text/html; charset=utf-8")
            #expect(FaultTests.withoutReloadScript(reply.text) == onDisk)
            #expect(reply.text.contains("/__briefing/reload.js"))
            // Its stylesheet and links start at the preview's root, not at base_url.
            #expect(reply.text.contains(#"href="/assets/style.css""#))
            #expect(reply.text.contains(#"href="/index.html""#))
            #expect(!reply.text.contains("example.org/assets"))
            let head = try await preview.get("/nope", method: "HEAD")
            #expect(head.status == 404)
            #expect(head["content-length"] == String(reply.body.count))
        }
    }

    @Test func folderWithoutSlashRedirects() async throws {
        try await Self.withAssets { preview in
            let reply = try await preview.get("/people/vladimir-putin")
            #expect(reply.status == 301)
            #expect(reply["location"] == "/people/vladimir-putin/")
            let withQuery = try await preview.get("/people?x=1")
            #expect(withQuery.status == 301)
            #expect(withQuery["location"] == "/people/?x=1")
            let followed = try await preview.get("/people/vladimir-putin/")
            #expect(followed.status == 200)
            #expect(followed.text.contains("Vladimir Putin"))
        }
    }

    @Test func headHasTheHeadersOfGetAndNoBody() async throws {
        try await Self.withAssets { preview in
            for path in ["/", "/assets/style.css", "/assets/digits.txt", "/__briefing/reload.js"] {
                let get = try await preview.get(path)
                let head = try await preview.get(path, method: "HEAD")
                #expect(head.status == 200)
                #expect(head.body.isEmpty)
                #expect(head["content-length"] == String(get.body.count), "\(path)")
                #expect(head["content-type"] == get["content-type"])
                #expect(head["etag"] == get["etag"])
            }
        }
    }

    @Test func otherMethodsAreRefused() async throws {
        try await Self.withAssets { preview in
            for method in ["POST", "PUT", "DELETE"] {
                let reply = try await preview.get("/", method: method, headers: ["Content-Length": "0"])
                #expect(reply.status == 405)
                #expect(reply["allow"] == "GET, HEAD")
            }
        }
    }

    @Test func reloadScriptIsInServedPagesOnlyNeverOnDisk() async throws {
        try await Self.withAssets { preview in
            let page = try await preview.get("/people/vladimir-putin/")
            let body = page.text
            let tag = try #require(body.range(of: #"<script src="/__briefing/reload.js" data-build="[^"]+" defer></script>"#, options: .regularExpression))
            #expect(body[tag.upperBound...].hasPrefix("</body>"))
            #expect(page["content-length"] == String(page.body.count))

            let enumerator = try #require(FileManager.default.enumerator(atPath: preview.site.output.path))
            var pages = 0
            while let path = enumerator.nextObject() as? String {
                guard path.hasSuffix(".html") else { continue }
                pages += 1
                #expect(try !preview.site.outputFile(path).contains("__briefing"), "\(path)")
            }
            #expect(pages > 3)
            let script = try await preview.get("/__briefing/reload.js")
            #expect(script.text.contains("new EventSource(\"/__briefing/events\")"))
            #expect(!script.text.contains("innerHTML"))
        }
    }
}
