import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Nothing outside the output folder is ever served, however the path is spelt.
@Suite struct PathSafetyTests {
    static let secret = "TOP SECRET: outside the site"

    /// A server whose site has a secret file beside `public/`, and symlinks inside `public/` pointing out of it and within it.
    /// The links are made after the first build; nothing rebuilds during these tests, so they stay.
    static let shared = SharedPreview(started: { preview in
        let root = preview.site.root.path
        let output = preview.site.output.path
        try preview.site.write("secret.txt", secret)
        for (target, link) in [(root + "/secret.txt", "leak.txt"), (root, "leakdir"), ("/etc/passwd", "passwd"), ("index.html", "inside.html")]
        where symlink(target, output + "/" + link) != 0 {
            throw LoopbackError("cannot make the symlink \(link): errno \(errno)")
        }
    })

    static func withTraps<T: Sendable>(_ body: (RunningPreview) async throws -> T) async throws -> T {
        try await shared.use(body)
    }

    struct Attempt: Sendable, CustomTestStringConvertible {
        var target: String
        var note: String
        init(_ target: String, _ note: String) {
            self.target = target
            self.note = note
        }
        var testDescription: String { note }
    }

    @Test(arguments: [
        Attempt("/../secret.txt", "plain dot-dot"),
        Attempt("/../../../../../../etc/passwd", "deep dot-dot"),
        Attempt("/assets/../../secret.txt", "dot-dot after a real folder"),
        Attempt("/%2e%2e/secret.txt", "encoded dots"),
        Attempt("/%2E%2E/secret.txt", "encoded dots, upper case"),
        Attempt("/.%2e/secret.txt", "half-encoded dots"),
        Attempt("/..%2fsecret.txt", "encoded slash"),
        Attempt("/%2e%2e%2fsecret.txt", "encoded dots and slash"),
        Attempt("/people%2f..%2f..%2fsecret.txt", "encoded slashes inside a segment"),
        Attempt("/..%5csecret.txt", "encoded backslash"),
        Attempt("/..\\secret.txt", "backslash"),
        Attempt("/assets\\..\\..\\secret.txt", "backslashes only"),
        Attempt("/%252e%252e/secret.txt", "double-encoded dots"),
        Attempt("/%252e%252e%252fsecret.txt", "double-encoded dots and slash"),
        Attempt("/%c0%ae%c0%ae/secret.txt", "overlong UTF-8 dots"),
        Attempt("/%ff/secret.txt", "invalid UTF-8"),
        Attempt("/index.html%00.txt", "NUL byte"),
        Attempt("/%00", "NUL byte alone"),
        Attempt("/%0a/secret.txt", "control character"),
        Attempt("/%zz", "broken percent-encoding"),
        Attempt("/./index.html", "dot segment"),
        Attempt("//secret.txt", "empty segment"),
        Attempt("/" + String(repeating: "a/", count: 1500), "overlong path"),
        Attempt("/" + String(repeating: "x", count: 300), "overlong name"),
        Attempt("/leak.txt", "symlink to a file outside"),
        Attempt("/passwd", "symlink to /etc/passwd"),
        Attempt("/leakdir/secret.txt", "through a symlinked folder outside"),
        Attempt("/leakdir/", "symlinked folder outside"),
        Attempt("/.briefing-output", "hidden file"),
        Attempt("secret.txt", "no leading slash"),
    ])
    func traversalNeverServesAFile(_ attempt: Attempt) async throws {
        try await Self.withTraps { preview in
            let reply = try await preview.get(attempt.target)
            #expect(reply.status == 400 || reply.status == 404, "\(attempt.target) gave \(reply.status)")
            #expect(!reply.text.contains("TOP SECRET"))
            #expect(!reply.text.contains("root:"))
            if let location = reply["location"] { Issue.record("redirected to \(location)") }
        }
    }

    @Test func symlinkInsideTheRootIsServed() async throws {
        try await Self.withTraps { preview in
            let reply = try await preview.get("/inside.html")
            // A rebuild would have removed the link: the server's log says whether one ran, and for which change.
            #expect(reply.status == 200, "server log:\n\(preview.log.text)")
            #expect(reply.text.contains("Overview"))
        }
    }

    @Test func rawNULByteInTheRequestLine() async throws {
        try await Self.withTraps { preview in
            let request = Array("GET /index.html".utf8) + [0] + Array(".txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            do {
                let reply = try await LoopbackHTTP.send(request, port: preview.port)
                #expect(reply.status == 400)
            } catch is LoopbackError {
                // Closing the connection without an answer is as good.
            }
        }
    }

    /// A page on another site whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name as `Host`: it reads
    /// nothing, not even the overview. Loopback names are served.
    @Test(arguments: ["attacker.example", "127.0.0.1.attacker.example", "192.168.1.10", "attacker.example:8000"])
    func aForeignHostNameReadsNothing(_ host: String) async throws {
        try await Self.withTraps { preview in
            for target in ["/", "/index.html", "/__briefing/reload.js"] {
                let reply = try await LoopbackHTTP.send(Array("GET \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8),
                                                        port: preview.port)
                #expect(reply.status == 403, "\(host) \(target) gave \(reply.status)")
                #expect(!reply.text.contains("Overview"))
            }
            for name in ["localhost", "127.0.0.1", "127.1.2.3"] {
                let reply = try await LoopbackHTTP.send(Array("GET / HTTP/1.1\r\nHost: \(name):\(preview.port)\r\nConnection: close\r\n\r\n".utf8),
                                                        port: preview.port)
                #expect(reply.status == 200, "\(name) gave \(reply.status)")
            }
        }
    }
}
