@testable import BriefingServer
import Testing

/// The pieces of the server that need no socket.
@Suite struct ServerPartsTests {
    @Test(arguments: [
        ("bytes=0-0", 10, ByteRange.partial(0...0)),
        ("bytes=-3", 10, .partial(7...9)),
        ("bytes=-3", 2, .partial(0...1)),
        ("bytes=3-", 10, .partial(3...9)),
        (" bytes = 2 - 4 ", 10, .partial(2...4)),
        ("BYTES=2-4", 10, .partial(2...4)),
        ("bytes=0-", 0, .unsatisfiable),
        ("bytes=-1", 0, .unsatisfiable),
        ("bytes=-0", 10, .unsatisfiable),
        ("bytes=10-", 10, .unsatisfiable),
        ("bytes=4-3", 10, .whole),
        ("bytes=1-2,5-6", 10, .whole),
        ("bytes=-", 10, .whole),
        ("bytes=99999999999999999999-", 10, .whole),
        ("items=1-2", 10, .whole),
    ] as [(String, Int, ByteRange)])
    func byteRanges(_ header: String, _ size: Int, _ expected: ByteRange) {
        #expect(ByteRange(header: header, size: size) == expected)
    }

    @Test(arguments: [
        ("/", [], true, nil),
        ("/people/x/", ["people", "x"], true, nil),
        ("/people/x", ["people", "x"], false, nil),
        ("/a%20b/c?q=1#frag", ["a b", "c"], false, "q=1"),
        ("/assets/a..b.txt", ["assets", "a..b.txt"], false, nil),
        ("/%252e%252e/x", ["%2e%2e", "x"], false, nil),
        ("/caf%C3%A9/", ["café"], true, nil),
    ] as [(String, [String], Bool, String?)])
    func acceptedPaths(_ target: String, _ segments: [String], _ slash: Bool, _ query: String?) throws {
        let path = try RequestPath.parse(target).get()
        #expect(path.segments == segments)
        #expect(path.trailingSlash == slash)
        #expect(path.query == query)
    }

    @Test(arguments: ["/..", "/a/../b", "/%2e%2e/", "/a%2fb", "/a%5cb", "/a\\b", "/%00", "/%c0%ae", "/%", "/%4", "/%g0", "a", "*"])
    func malformedPaths(_ target: String) {
        guard case .failure(.malformed) = RequestPath.parse(target) else {
            Issue.record("\(target) was accepted")
            return
        }
    }

    @Test(arguments: ["/.briefing-output", "//x", "/a//b", "/.git/config"])
    func unservedPaths(_ target: String) {
        #expect(RequestPath.parse(target) == .failure(.notServed))
    }

    @Test func locationIsReencodedAndNeverProtocolRelative() {
        #expect(RequestPath(segments: ["a b", "c"], trailingSlash: true, query: "x=1").encoded == "/a%20b/c/?x=1")
        #expect(RequestPath(segments: ["evil.com"], trailingSlash: true).encoded == "/evil.com/")
        #expect(RequestPath(segments: [], trailingSlash: true).encoded == "/")
    }

    @Test func httpDates() {
        #expect(HTTPDate.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("garbage") == nil)
        for seconds in [0, 951782400, 1747000000] { #expect(HTTPDate.parse(HTTPDate.format(seconds)) == seconds) }
    }

    @Test func scriptGoesBeforeTheLastClosingBody() {
        func inject(_ html: String) -> String {
            String(decoding: ReloadScript.inject(into: Array(html.utf8), version: "v"), as: UTF8.self)
        }
        let tag = ReloadScript.tag(version: "v")
        #expect(inject("<p>x</p></body></html>") == "<p>x</p>\(tag)</body></html>")
        #expect(inject("<p></body> in text</p></BODY>") == "<p></body> in text</p>\(tag)</BODY>")
        #expect(inject("<p>no body end</p>") == "<p>no body end</p>\(tag)")
        #expect(inject("") == tag)
    }

    @Test func loopbackHosts() {
        func isLoopback(_ host: String) -> Bool {
            PreviewConfiguration(build: .init(), host: host).isLoopback
        }
        #expect(isLoopback("127.0.0.1") && isLoopback("localhost") && isLoopback("::1"))
        #expect(!isLoopback("0.0.0.0") && !isLoopback("192.168.1.2") && !isLoopback("::"))
    }

    @Test func eventsAreSingleLineJSON() {
        let problem = BuildProblem(path: "content/a.md", line: 2, column: 3, message: "two\nlines <b>")
        let wire = ServerEvent.buildError(version: "v", problems: [problem]).wireFormat
        #expect(wire == #"event: build-error\#ndata: {"errors":[{"column":3,"line":2,"message":"two\nlines <b>","path":"content/a.md"}],"ok":false,"version":"v"}\#n\#n"#)
        #expect(ServerEvent.reload(version: "v", changed: ["assets/style.css"]).wireFormat
            == "event: reload\ndata: {\"changed\":[\"assets/style.css\"],\"version\":\"v\"}\n\n")
        #expect(ServerEvent.keepAlive.wireFormat == ": keep-alive\n\n")
    }
}
