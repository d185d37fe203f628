import BriefingKit
@testable import BriefingServer
import Foundation
import Testing

/// The editor over HTTP, as a browser (or a hostile page in one) talks to it: forms that save what they show and
/// nothing else, the conflict when the file changed on disk, and every request that must change nothing.
@Suite struct EditorTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped content, as files for a `TestSite`.
    static func shippedContent() throws -> [String: String] {
        let folder = repository.appendingPathComponent("content")
        var files: [String: String] = [:]
        for path in ContentLoader.listFiles(in: folder) {
            files[path] = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
        }
        return files
    }

    static let quote = """
        ---
        speaker: vladimir-putin
        text: "We are ready for serious talks."
        date: "2025-05-11"
        source: report
        ---
        Context.

        """

    static var content: [String: String] {
        var files = TestSite.content
        files["quotes/ready.md"] = quote
        return files
    }

    // MARK: - Saving

    @Test func everyShippedFileSavedUnchangedIsByteIdentical() async throws {
        try await RunningPreview.with(try Self.shippedContent()) { preview in
            let before = try Self.contentBytes(preview.site)
            for path in before.keys.sorted() {
                let file = try #require(EditedFile(relativePath: path))
                let form = try await Self.form(preview, file)
                let reply = try await Self.post(preview, EditorRoutes.form(file), form.fields + [("action", "save")])
                #expect(reply.status == 303, "\(path): \(reply.status) \(reply.text.prefix(300))")
            }
            #expect(try Self.contentBytes(preview.site) == before)
        }
    }

    @Test func aSavedFieldIsWrittenAndTheSiteRebuilds() async throws {
        try await RunningPreview.with(Self.content) { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            _ = try await stream.next("status")
            let form = try await Self.form(preview, .entry(.quote, id: "ready"))
            let fields = form.replacing("date", with: "2025-05") + [("medium", "statement"), ("action", "save")]
            let reply = try await Self.post(preview, "/__briefing/edit/quote/ready", fields.filter { $0.0 != "medium" || $0.1 == "statement" })
            #expect(reply.status == 303)
            #expect(reply["location"] == "/__briefing/edit/quote/ready?saved=1")
            #expect(try String(contentsOf: preview.site.content.appendingPathComponent("quotes/ready.md"), encoding: .utf8) == """
                ---
                speaker: vladimir-putin
                text: "We are ready for serious talks."
                date: "2025-05"
                source: report
                medium: "statement"
                ---
                Context.

                """)
            let reload = try await stream.next("reload").payload
            #expect(reload.changed?.contains("quotes/ready/index.html") == true)
            #expect(try preview.site.outputFile("quotes/ready/index.html").contains("May 2025"))
        }
    }

    @Test func aDraftWithAProblemIsShownAtItsFieldAndSavedOnlyWhenInsistedOn() async throws {
        try await RunningPreview.with(Self.content) { preview in
            let path = preview.site.content.appendingPathComponent("quotes/ready.md")
            let form = try await Self.form(preview, .entry(.quote, id: "ready"))
            let misspelt = form.replacing("speaker", with: "vladimir-puttin")
            let check = try await Self.post(preview, "/__briefing/edit/quote/ready", misspelt + [("action", "live-check")])
            #expect(check.status == 200)
            #expect(check.text.contains(#""fields":{"speaker":["unknown person 'vladimir-puttin' in 'speaker' (did you mean 'vladimir-putin'?): no file people\/vladimir-puttin.md"]}"#))

            let refused = try await Self.post(preview, "/__briefing/edit/quote/ready", misspelt + [("action", "save")])
            #expect(refused.status == 422)
            #expect(refused.text.contains("<ul class=\"problems\" id=\"f-speaker-problems\"><li>unknown person &#39;vladimir-puttin&#39; in &#39;speaker&#39;"))
            #expect(try String(contentsOf: path, encoding: .utf8) == Self.quote)

            let insisted = try await Self.post(preview, "/__briefing/edit/quote/ready", misspelt + [("action", "save-anyway")])
            #expect(insisted.status == 303)
            #expect(try String(contentsOf: path, encoding: .utf8).contains("speaker: vladimir-puttin\n"))
        }
    }

    @Test func aSaveOverAFileChangedOnDiskIsRefusedAndShowsBothVersions() async throws {
        try await RunningPreview.with(Self.content) { preview in
            let form = try await Self.form(preview, .entry(.quote, id: "ready"))
            let theirs = Self.quote.replacingOccurrences(of: "Context.", with: "Context, from a text editor.")
            try preview.site.write("content/quotes/ready.md", theirs)
            let mine = form.replacing("text", with: "We are ready for serious talks with Ukraine.") + [("action", "save")]
            let conflict = try await Self.post(preview, "/__briefing/edit/quote/ready", mine)
            #expect(conflict.status == 409)
            #expect(conflict.text.contains("The file changed on disk since you opened it"))
            #expect(conflict.text.contains("Context, from a text editor."))
            #expect(conflict.text.contains("text: &quot;We are ready for serious talks with Ukraine.&quot;"))
            #expect(try String(contentsOf: preview.site.content.appendingPathComponent("quotes/ready.md"), encoding: .utf8) == theirs)

            // The conflict's form is the draft, over the file as it is now: saving it is the editor's choice.
            let again = try Self.fields(of: conflict.text)
            #expect(again.first { $0.0 == "text" }?.1 == "We are ready for serious talks with Ukraine.")
            let saved = try await Self.post(preview, "/__briefing/edit/quote/ready", again + [("action", "save-anyway")])
            #expect(saved.status == 303)
            #expect(try String(contentsOf: preview.site.content.appendingPathComponent("quotes/ready.md"), encoding: .utf8)
                == Self.quote.replacingOccurrences(of: "\"We are ready for serious talks.\"", with: "\"We are ready for serious talks with Ukraine.\""))
        }
    }

    @Test func aNewEntryGetsItsIdFromItsTitleAndNeverReplacesAFile() async throws {
        try await RunningPreview.with(Self.content) { preview in
            let fields: [(String, String)] = [("token", try await Self.token(preview)), ("digest", SHA256.hex([])), ("speaker", "vladimir-putin"),
                                              ("text", "Talks, not a truce."), ("date", "2025-05-11"), ("source", "report"), ("body", "Said late.\n"),
                                              ("action", "save")]
            let created = try await Self.post(preview, "/__briefing/edit/new/quote", fields)
            #expect(created.status == 303)
            #expect(created["location"] == "/__briefing/edit/quote/talks-not-a-truce?created=1")
            let path = preview.site.content.appendingPathComponent("quotes/talks-not-a-truce.md")
            let written = try String(contentsOf: path, encoding: .utf8)
            #expect(written == "---\nspeaker: vladimir-putin\ntext: \"Talks, not a truce.\"\ndate: \"2025-05-11\"\nsource: report\n---\nSaid late.\n")

            let again = try await Self.post(preview, "/__briefing/edit/new/quote", fields.map { $0.0 == "body" ? ("body", "Another.\n") : $0 })
            #expect(again.status == 409)
            #expect(again.text.contains("content/quotes/talks-not-a-truce.md already exists"))
            #expect(try String(contentsOf: path, encoding: .utf8) == written)
        }
    }

    @Test func listsAndLinksWorkWithoutJavaScript() async throws {
        try await RunningPreview.with(Self.content) { preview in
            let before = try Self.contentBytes(preview.site)
            let form = try await Self.form(preview, .entry(.quote, id: "ready"))
            let listed = form.fields + [("topics", "talks-first"), ("topics", "istanbul-talks")]
            let moved = try await Self.post(preview, "/__briefing/edit/quote/ready", listed + [("action", "up:topics:1")])
            #expect(moved.status == 200)
            #expect(try Self.fields(of: moved.text).filter { $0.0 == "topics" }.map(\.1) == ["istanbul-talks", "talks-first"])
            let added = try await Self.post(preview, "/__briefing/edit/quote/ready", try Self.fields(of: moved.text) + [("action", "add:topics")])
            #expect(try Self.fields(of: added.text).filter { $0.0 == "topics" }.map(\.1) == ["istanbul-talks", "talks-first", ""])
            let removed = try await Self.post(preview, "/__briefing/edit/quote/ready", try Self.fields(of: added.text) + [("action", "remove:topics:0")])
            #expect(try Self.fields(of: removed.text).filter { $0.0 == "topics" }.map(\.1) == ["talks-first", ""])
            let linked = try await Self.post(preview, "/__briefing/edit/quote/ready",
                                             form.replacing("link", with: "people/vladimir-putin.md") + [("action", "insert-link")])
            #expect(try Self.fields(of: linked.text).first { $0.0 == "body" }?.1 == "Context.\n[Vladimir Putin](../people/vladimir-putin.md)\n")
            let previewed = try await Self.post(preview, "/__briefing/edit/quote/ready", form.fields + [("action", "preview")])
            #expect(previewed.text.contains("srcdoc=\"&lt;!DOCTYPE html&gt;"))
            #expect(previewed.text.contains("&lt;p&gt;Context.&lt;/p&gt;"))
            // None of these writes anything.
            #expect(try Self.contentBytes(preview.site) == before)
        }
    }

    @Test func anEntryOthersReferToCannotBeDeleted() async throws {
        try await RunningPreview.with(Self.content) { preview in
            let before = try Self.contentBytes(preview.site)
            let page = try await preview.get("/__briefing/edit/person/vladimir-putin/delete")
            #expect(page.status == 409)
            #expect(page.text.contains("quotes/ready.md"))
            let digest = SHA256.hex(Array(try Data(contentsOf: preview.site.content.appendingPathComponent("people/vladimir-putin.md"))))
            let refused = try await Self.post(preview, "/__briefing/edit/person/vladimir-putin/delete",
                                              [("token", try await Self.token(preview)), ("digest", digest)])
            #expect(refused.status == 409)
            #expect(try Self.contentBytes(preview.site) == before)

            let quoteDigest = SHA256.hex(Array(Self.quote.utf8))
            let deleted = try await Self.post(preview, "/__briefing/edit/quote/ready/delete", [("token", try await Self.token(preview)), ("digest", quoteDigest)])
            #expect(deleted.status == 303)
            #expect(!FileManager.default.fileExists(atPath: preview.site.content.appendingPathComponent("quotes/ready.md").path))
        }
    }

    @Test func servedPagesLinkToTheirFormsAndBuiltOnesDoNot() async throws {
        try await RunningPreview.with(Self.content) { preview in
            let page = try await preview.get("/quotes/ready/index.html")
            #expect(page.text.contains(#"<a href="/__briefing/edit/open?page=quotes/ready/index.html""#))
            #expect(page.text.contains(">Edit this page</a>"))
            #expect(try !preview.site.outputFile("quotes/ready/index.html").contains("__briefing"))
            let open = try await preview.get("/__briefing/edit/open?page=quotes/ready/index.html")
            #expect(open.status == 303)
            #expect(open["location"] == "/__briefing/edit/quote/ready")
            let output = ContentLoader.listFiles(in: preview.site.output)
            #expect(!output.contains { $0.contains("edit") || $0.contains("__briefing") })
        }
    }

    // MARK: - Hostile requests: each changes nothing

    static let hostileTargets = [
        "/__briefing/edit/quote/..%2F..%2Fescaped", "/__briefing/edit/quote/../../escaped", "/__briefing/edit/quote/%2Ftmp%2Fescaped",
        "/__briefing/edit/quote//tmp/escaped", "/__briefing/edit/new/..%2F..%2Fescaped", "/__briefing/edit/../../content/quotes/ready.md",
        "/__briefing/edit/quote/Ready", "/__briefing/edit/quote/ready.md", "/__briefing/edit/site/x", "/__briefing/edit/quote/ready/delete/x",
    ]

    @Test(arguments: hostileTargets)
    func idsThatAreNotIdsNameNoFile(_ target: String) async throws {
        try await RunningPreview.with(Self.content) { preview in
            let before = try Self.contentBytes(preview.site)
            let fields: [(String, String)] = [("token", try await Self.token(preview)), ("digest", SHA256.hex([])), ("title", "x"),
                                              ("text", "x"), ("body", "x"), ("action", "save-anyway")]
            let reply = try await Self.post(preview, target, fields)
            #expect(reply.status == 404 || reply.status == 400, "\(target): \(reply.status)")
            #expect(try Self.contentBytes(preview.site) == before)
            #expect(!FileManager.default.fileExists(atPath: preview.site.root.appendingPathComponent("escaped").path))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/escaped"))
        }
    }

    enum Hostility: String, CaseIterable, Sendable {
        case foreignHost, wrongPort, foreignOrigin, noOrigin, crossSiteFetch, noToken, wrongToken
    }

    @Test(arguments: Hostility.allCases)
    func aSaveFromAnotherSiteChangesNothing(_ hostility: Hostility) async throws {
        try await RunningPreview.with(Self.content) { preview in
            let before = try Self.contentBytes(preview.site)
            let form = try await Self.form(preview, .entry(.quote, id: "ready"))
            var fields = form.replacing("text", with: "Words put in by another site.") + [("action", "save-anyway")]
            var host = "127.0.0.1:\(preview.port)"
            var headers = ["Origin": "http://127.0.0.1:\(preview.port)"]
            switch hostility {
            case .foreignHost: host = "attacker.example:\(preview.port)"; headers["Origin"] = "http://attacker.example:\(preview.port)"
            case .wrongPort: host = "127.0.0.1:1"; headers["Origin"] = "http://127.0.0.1:1"
            case .foreignOrigin: headers["Origin"] = "http://attacker.example"
            case .noOrigin: headers["Origin"] = nil
            case .crossSiteFetch: headers["Sec-Fetch-Site"] = "cross-site"
            case .noToken: fields.removeAll { $0.0 == "token" }
            case .wrongToken: fields = fields.map { $0.0 == "token" ? ("token", String(repeating: "0", count: 64)) : $0 }
            }
            let reply = try await Self.post(preview, "/__briefing/edit/quote/ready", fields, host: host, headers: headers)
            #expect(reply.status == 403, "\(hostility): \(reply.status)")
            #expect(reply["access-control-allow-origin"] == nil)
            #expect(try Self.contentBytes(preview.site) == before)
        }
    }

    @Test func aForeignHostCannotReadTheEditor() async throws {
        try await RunningPreview.with(Self.content) { preview in
            for host in ["attacker.example:\(preview.port)", "127.0.0.1.attacker.example:\(preview.port)", "localhost:1"] {
                let reply = try await LoopbackHTTP.send(Array("GET /__briefing/edit/quote/ready HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8),
                                                        port: preview.port)
                #expect(reply.status == 403, "\(host)")
                #expect(!reply.text.contains("We are ready"))
            }
            #expect(try await preview.get("/__briefing/edit/quote/ready").status == 200)
            let other = try await LoopbackHTTP.send(Array("GET /__briefing/edit/ HTTP/1.1\r\nHost: localhost:\(preview.port)\r\nConnection: close\r\n\r\n".utf8),
                                                    port: preview.port)
            #expect(other.status == 200)
            let options = try await preview.get("/__briefing/edit/quote/ready", method: "OPTIONS", headers: ["Origin": "http://attacker.example"])
            #expect(options.status == 405)
            #expect(options["access-control-allow-origin"] == nil)
        }
    }

    @Test func anOversizedBodyIsRefusedUnread() async throws {
        try await RunningPreview.with(Self.content) { preview in
            let before = try Self.contentBytes(preview.site)
            let token = try await Self.token(preview)
            let declared = try await Self.post(preview, "/__briefing/edit/quote/ready", [("token", token)],
                                               headers: ["Content-Length": String(EditorResponder.bodyLimit + 1), "Origin": "http://127.0.0.1:\(preview.port)"], sendBody: false)
            #expect(declared.status == 413)
            // Chunked, with no length given up front: stopped once past the limit.
            let huge = "token=\(token)&action=save-anyway&body=" + String(repeating: "a", count: EditorResponder.bodyLimit + 10)
            var request = "POST /__briefing/edit/quote/ready HTTP/1.1\r\nHost: 127.0.0.1:\(preview.port)\r\nOrigin: http://127.0.0.1:\(preview.port)\r\n"
            request += "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            var bytes = Array(request.utf8)
            let all = Array(huge.utf8)
            var index = 0
            while index < all.count {
                let chunk = all[index..<min(index + 1 << 20, all.count)]
                bytes += Array("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Array("\r\n".utf8)
                index += chunk.count
            }
            bytes += Array("0\r\n\r\n".utf8)
            let chunked = try? await LoopbackHTTP.send(bytes, port: preview.port)
            #expect(chunked == nil || chunked?.status == 413)
            #expect(try Self.contentBytes(preview.site) == before)
        }
    }

    @Test func noEditTurnsTheEditorOff() async throws {
        try await RunningPreview.with(Self.content, configure: { $0.editing = false }) { preview in
            let editor = try await preview.get("/__briefing/edit/")
            let page = try await preview.get("/quotes/ready/index.html")
            #expect(editor.status == 404)
            #expect(!page.text.contains("Edit this page"))
        }
    }

    @Test func beyondLoopbackTheEditorIsOffWithoutATokenAndNeedsItOnEveryRequest() async throws {
        try await RunningPreview.with(Self.content, configure: { $0.host = "0.0.0.0" }) { preview in
            let editor = try await preview.get("/__briefing/edit/")
            #expect(editor.status == 404)
            #expect(preview.log.text.contains("the editor is off"))
        }
        let token = "a-long-enough-edit-token-123"
        try await RunningPreview.with(Self.content, configure: { $0.host = "0.0.0.0"; $0.editToken = token }) { preview in
            let home = try await preview.get("/__briefing/edit/")
            let form = try await preview.get("/__briefing/edit/quote/ready")
            #expect(home.status == 403)
            #expect(form.status == 403)
            let entry = try await preview.get("/__briefing/edit/?edit_token=\(token)")
            #expect(entry.status == 303)
            let cookie = try #require(entry["set-cookie"])
            #expect(cookie.hasPrefix("briefing-edit-token=\(token);"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let withCookie = try await preview.get("/__briefing/edit/quote/ready", headers: ["Cookie": "briefing-edit-token=\(token)"])
            let wrongCookie = try await preview.get("/__briefing/edit/quote/ready", headers: ["Cookie": "briefing-edit-token=wrong"])
            #expect(withCookie.status == 200)
            #expect(wrongCookie.status == 403)
        }
    }

    // MARK: - Helpers

    /// Every file of the content folder and its bytes.
    static func contentBytes(_ site: TestSite) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in ContentLoader.listFiles(in: site.content) {
            files[path] = try Data(contentsOf: site.content.appendingPathComponent(path))
        }
        return files
    }

    struct Form {
        var fields: [(String, String)]

        func replacing(_ name: String, with value: String) -> [(String, String)] {
            fields.map { $0.0 == name ? (name, value) : $0 }
        }
    }

    static func form(_ preview: RunningPreview, _ file: EditedFile) async throws -> Form {
        let page = try await preview.get(EditorRoutes.form(file))
        #expect(page.status == 200, "\(file.relativePath)")
        return Form(fields: try fields(of: page.text))
    }

    static func token(_ preview: RunningPreview) async throws -> String {
        let page = try await preview.get("/__briefing/edit/new/page")
        return try #require(try fields(of: page.text).first { $0.0 == "token" }?.1)
    }

    /// The fields a browser would send for the first form of `html` that posts (without a submit button's).
    static func fields(of html: String) throws -> [(String, String)] {
        let start = try #require(html.range(of: "<form method=\"post\""))
        let end = try #require(html.range(of: "</form>", range: start.upperBound..<html.endIndex))
        let form = String(html[start.lowerBound..<end.lowerBound])
        var fields: [(String, String)] = []
        let pattern = /<(input|textarea|select)([^>]*)>/
        for match in form.matches(of: pattern) {
            let attributes = String(match.output.2)
            guard let name = attribute("name", in: attributes) else { continue }
            switch match.output.1 {
            case "input":
                let type = attribute("type", in: attributes) ?? "text"
                if type == "checkbox" {
                    if attributes.contains(" checked") { fields.append((name, attribute("value", in: attributes) ?? "on")) }
                } else if type != "submit" {
                    fields.append((name, attribute("value", in: attributes) ?? ""))
                }
            case "textarea":
                let rest = form[match.range.upperBound...]
                var text = String(rest[..<rest.range(of: "</textarea>")!.lowerBound])
                if text.hasPrefix("\n") { text.removeFirst() }
                fields.append((name, unescape(text)))
            default:
                let rest = form[match.range.upperBound...]
                let options = String(rest[..<rest.range(of: "</select>")!.lowerBound])
                let selected = options.firstMatch(of: /<option value="([^"]*)" selected/).map { unescape(String($0.output.1)) }
                fields.append((name, selected ?? ""))
            }
        }
        return fields
    }

    private static func attribute(_ name: String, in attributes: String) -> String? {
        guard let range = attributes.range(of: " \(name)=\"") else { return nil }
        let rest = attributes[range.upperBound...]
        return unescape(String(rest[..<rest.firstIndex(of: "\"")!]))
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func post(_ preview: RunningPreview, _ target: String, _ fields: [(String, String)], host: String? = nil,
                     headers: [String: String]? = nil, sendBody: Bool = true) async throws -> HTTPReply {
        let body = fields.map { FormData.encode($0.0).replacingOccurrences(of: "/", with: "%2F") + "=" + FormData.encode($0.1).replacingOccurrences(of: "/", with: "%2F") }
            .joined(separator: "&")
        var request = "POST \(target) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(preview.port)")\r\nConnection: close\r\n"
        request += "Content-Type: application/x-www-form-urlencoded\r\n"
        var extra = headers ?? ["Origin": "http://127.0.0.1:\(preview.port)"]
        if extra["Content-Length"] == nil { extra["Content-Length"] = String(body.utf8.count) }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        return try await LoopbackHTTP.send(Array(request.utf8) + (sendBody ? Array(body.utf8) : []), port: preview.port)
    }
}
