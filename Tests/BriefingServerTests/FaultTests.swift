import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The server under faults: silent and slow clients, oversized requests, clients that leave mid-file, a thousand
/// connections at once, and rebuilds while pages are being fetched. Each test checks what the browser next to the
/// server would see: it is still answered, with whole pages. One fault at a time (the thousand connections would
/// otherwise slow the others down on a small machine).
@Suite(.serialized) struct FaultTests {
    // MARK: - Slow clients

    @Test func silentAndSlowClientsAreCutOffWhileOthersAreServed() async throws {
        try await RunningPreview.with(configure: { $0.idleTimeout = .seconds(1) }) { preview in
            let port = preview.port
            let page = try await preview.get("/")
            #expect(page.status == 200)

            // Twenty connections that send nothing, and one that sends its request head a byte every 50 ms, never ending it.
            let silent = try (0..<20).map { _ in try LoopbackHTTP.connectSocket(port: port, timeoutSeconds: 10) }
            defer { silent.forEach { close($0) } }
            let dribbler = Task { try await LoopbackHTTP.onOwnThread { try Self.dribble(port: port, for: .seconds(10)) } }

            for _ in 0..<3 {
                let reply = try await preview.get("/")
                #expect(reply.status == 200)
                #expect(reply.body == page.body)
                try await Task.sleep(for: .milliseconds(100))
            }

            let endings = try await LoopbackHTTP.onOwnThread { silent.map { Self.readUntilEnd($0) } }
            for ending in endings {
                #expect(ending.bytes.isEmpty, "a silent connection got an answer: \(String(decoding: ending.bytes, as: UTF8.self))")
                #expect(ending.end != .stillOpen, "a silent connection was still open after 10 s")
            }
            let dribbled = try await dribbler.value
            #expect(dribbled.cutOff, "a connection sending one byte every 50 ms was still open after 10 s")
            #expect(try await preview.get("/").body == page.body)
        }
    }

    // MARK: - Oversized requests

    struct OversizedRequest: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var testDescription: String { name }
    }

    static let megabyte = 1 << 20

    @Test(arguments: [
        OversizedRequest(name: "one 1 MB header field",
                         bytes: Array(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + String(repeating: "a", count: megabyte) + "\r\n\r\n").utf8)),
        OversizedRequest(name: "1 MB in 40,000 header fields",
                         bytes: Array(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (0..<40_000).map { "X-F\($0): value-\($0)\r\n" }.joined() + "\r\n").utf8)),
        OversizedRequest(name: "a 1 MB request target",
                         bytes: Array(("GET /" + String(repeating: "a", count: megabyte) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").utf8)),
    ])
    func oversizedRequestHeadIsRefused(_ request: OversizedRequest) async throws {
        try await Self.shared.use { preview in
            let port = preview.port
            let ending = try await LoopbackHTTP.onOwnThread {
                let descriptor = try LoopbackHTTP.connectSocket(port: port, timeoutSeconds: 10)
                defer { close(descriptor) }
                // The server may close before it has read everything: the rest of the send then fails, which is fine.
                try? LoopbackHTTP.sendAll(request.bytes, to: descriptor)
                return Self.readUntilEnd(descriptor)
            }
            #expect(ending.end != .stillOpen, "the server kept the connection open for 10 s")
            // Either an answer in the 4xx range, or a closed connection (a reset can overtake the answer).
            if !ending.bytes.isEmpty {
                let end = LoopbackHTTP.headEnd(ending.bytes) ?? ending.bytes.count
                let status = try LoopbackHTTP.parseHead(ending.bytes[..<end]).status
                #expect((400..<500).contains(status), "answered \(status)")
            }
            let after = try await preview.get("/")
            #expect(after.status == 200)
            #expect(after.text.contains("Overview"))
        }
    }

    @Test func largeButReasonableCookieIsServed() async throws {
        try await Self.shared.use { preview in
            // Cookies left for 127.0.0.1 by other local servers: 40 of 1,000 bytes each.
            let cookie = (0..<40).map { "c\($0)=" + String(repeating: "v", count: 1000) }.joined(separator: "; ")
            let reply = try await preview.get("/", headers: ["Cookie": cookie])
            #expect(reply.status == 200)
            #expect(reply.text.contains("Overview"))
        }
    }

    // MARK: - Clients that leave mid-file

    /// 1.5 MB (well over the size from which files are streamed) of bytes that are not all the same, so a misplaced
    /// piece would show.
    static let bigFile: [UInt8] = (0..<1_500_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }

    static let shared = SharedPreview(prepare: { site in
        try Data(bigFile).write(to: site.root.appendingPathComponent("templates/assets/big.bin"))
    })

    @Test func clientsLeavingMidFileDoNotDisturbTheServer() async throws {
        try await Self.shared.use { preview in
            let port = preview.port
            let leftEarly = try await LoopbackHTTP.onOwnThread {
                var count = 0
                for index in 0..<30 {
                    let descriptor = try LoopbackHTTP.connectSocket(port: port, timeoutSeconds: 30)
                    try LoopbackHTTP.sendAll(Array("GET /assets/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8), to: descriptor)
                    var chunk = [UInt8](repeating: 0, count: 100)
                    let got = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                    if got > 0 { count += 1 }
                    if index.isMultiple(of: 2) {
                        // Every other one resets the connection instead of closing it politely.
                        var option = linger(l_onoff: 1, l_linger: 0)
                        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
                    }
                    close(descriptor)
                }
                return count
            }
            #expect(leftEarly == 30)

            let whole = try await preview.get("/assets/big.bin")
            #expect(whole.status == 200)
            #expect(whole["content-length"] == String(Self.bigFile.count))
            #expect(whole.body == Self.bigFile)
            let range = try await preview.get("/assets/big.bin", headers: ["Range": "bytes=500000-1299999"])
            #expect(range.status == 206)
            #expect(range["content-range"] == "bytes 500000-1299999/\(Self.bigFile.count)")
            #expect(range.body == Array(Self.bigFile[500_000...1_299_999]))
            let head = try await preview.get("/assets/big.bin", method: "HEAD")
            #expect(head.status == 200)
            #expect(head["content-length"] == String(Self.bigFile.count))
            #expect(try await preview.get("/").status == 200)
        }
    }

    // MARK: - Many connections

    @Test func aThousandConnectionsAtOnceAreAllAnswered() async throws {
        try await Self.shared.use { preview in
            // The server raised this process's descriptor limit when it started; the test's ends count too.
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            try #require(limit.rlim_cur >= 2500, "needs 2,500 descriptors (client and server ends in one process); the limit is \(limit.rlim_cur)")
            let expected = try await preview.get("/")
            let port = preview.port
            let replies = try await LoopbackHTTP.onOwnThread {
                // All connected first, so all thousand are open at the same moment; then every one asks, then every one reads.
                var descriptors: [Int32] = []
                defer { descriptors.forEach { close($0) } }
                for _ in 0..<1000 { descriptors.append(try LoopbackHTTP.connectSocket(port: port, timeoutSeconds: 10)) }
                let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
                for descriptor in descriptors { try LoopbackHTTP.sendAll(request, to: descriptor) }
                return try descriptors.map { descriptor in
                    let ending = Self.readUntilEnd(descriptor)
                    guard ending.end == .closed else { throw LoopbackError("a connection ended \(ending.end) after \(ending.bytes.count) bytes") }
                    return try LoopbackHTTP.parse(ending.bytes, isHead: false)
                }
            }
            #expect(replies.count == 1000)
            #expect(replies.filter { $0.status == 200 && $0.body == expected.body }.count == 1000)
            #expect(try await preview.get("/").body == expected.body)
        }
    }

    // MARK: - Rebuilds under load

    @Test func rebuildsUnderLoadServeOnlyWholePages() async throws {
        let paths = ["/", "/people/vladimir-putin/", "/assets/style.css"]
        let files = ["index.html", "people/vladimir-putin/index.html", "assets/style.css"]
        func overview(_ version: Int) -> String {
            // Version 1 is longer than version 0, so a page cut short or a mix of the two would be neither.
            "---\ntitle: Overview\n---\nSee [Putin](people/vladimir-putin.md).\n\n"
                + String(repeating: "Version \(version) of the overview, complete to the end. ", count: 40 + 60 * version) + "\n"
        }
        try await RunningPreview.with { preview in
            let site = preview.site
            /// The published bytes of each file once the build of `version` is in place.
            func settle(_ version: Int) async throws -> [String] {
                let deadline = ContinuousClock.now + .seconds(10)
                while !((try? site.outputFile("index.html"))?.contains("Version \(version) of") ?? false) {
                    guard ContinuousClock.now < deadline else { throw LoopbackError("version \(version) was not built within 10 s") }
                    try await Task.sleep(for: .milliseconds(5))
                }
                return try files.map { try site.outputFile($0) }
            }
            try site.write("content/index.md", overview(0))
            var versions = [try await settle(0)]
            try site.write("content/index.md", overview(1))
            versions.append(try await settle(1))
            #expect(versions[0][0] != versions[1][0])

            let port = preview.port
            let stop = StopFlag()
            let fetchers = (0..<6).map { worker in
                Task {
                    try await LoopbackHTTP.onOwnThread { () throws -> [(Int, HTTPReply)] in
                        var replies: [(Int, HTTPReply)] = []
                        var index = worker
                        while !stop.isSet {
                            let which = index % paths.count
                            let request = Array("GET \(paths[which]) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
                            replies.append((which, try LoopbackHTTP.exchange(request, port: port, isHead: false)))
                            index += 1
                        }
                        return replies
                    }
                }
            }
            for round in 0..<20 {
                try site.write("content/index.md", overview(round % 2))
                _ = try await settle(round % 2)
            }
            stop.set()
            var replies: [(Int, HTTPReply)] = []
            for fetcher in fetchers { replies += try await fetcher.value }

            #expect(replies.count >= 20)
            var unexpected = 0
            for (which, reply) in replies {
                let body = Self.withoutReloadScript(reply.text)
                if reply.status != 200 || !versions.contains(where: { $0[which] == body }) {
                    unexpected += 1
                    if unexpected <= 3 {
                        Issue.record("\(paths[which]) answered \(reply.status) with \(reply.body.count) bytes that are neither complete version")
                    }
                }
            }
            #expect(unexpected == 0, "\(unexpected) of \(replies.count) responses were not a complete page")
        }
    }

    /// A build swaps its output in with two renames; between them there is no folder at all. Here that moment is
    /// stretched to 100 ms: a page asked for in it is answered once the new folder is in, not with a 404.
    @Test func pageAskedForMidSwapIsAnsweredFromTheNewSite() async throws {
        try await RunningPreview.with { preview in
            let output = preview.site.output
            let staging = output.deletingLastPathComponent().appendingPathComponent(".public.staging-test")
            let retired = output.deletingLastPathComponent().appendingPathComponent(".public.old-test")
            try FileManager.default.copyItem(at: output, to: staging)
            let page = staging.appendingPathComponent("people/vladimir-putin/index.html")
            try Data(try String(contentsOf: page, encoding: .utf8).replacingOccurrences(of: "Profile.", with: "Profile, swapped in.").utf8)
                .write(to: page)

            try FileManager.default.moveItem(at: output, to: retired)
            let reply = Task { try await preview.get("/people/vladimir-putin/") }
            let missing = Task { try await preview.get("/no-such-page/") }
            try await Task.sleep(for: .milliseconds(100))
            try FileManager.default.moveItem(at: staging, to: output)

            let answer = try await reply.value
            #expect(answer.status == 200)
            #expect(answer.text.contains("Profile, swapped in."))
            // A page that is in neither site is still a 404, from the new site.
            #expect(try await missing.value.status == 404)
            try? FileManager.default.removeItem(at: retired)
        }
    }

    // MARK: - Helpers

    final class StopFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        var isSet: Bool { flag.load(ordering: .relaxed) }
        func set() { flag.store(true, ordering: .relaxed) }
    }

    /// The page as built: the reload script the server adds to each page taken out again.
    /// A served page as it is on disk: without the reload script and the editor's link the server adds.
    static func withoutReloadScript(_ text: String) -> String {
        text.replacing(#/<script src="/__briefing/reload\.js" data-build="[^"]*" defer></script>/#, with: "")
            .replacing(#/<nav aria-label="Preview editor"[^>]*>.*?</nav>/#, with: "")
    }

    enum End: Equatable, Sendable {
        /// The server closed the connection.
        case closed
        /// The server reset it.
        case reset
        /// Still open when the socket's receive timeout ran out.
        case stillOpen
    }

    /// Everything the server sends until it closes the connection (or the socket's receive timeout runs out).
    static func readUntilEnd(_ descriptor: Int32) -> (bytes: [UInt8], end: End) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else if count == 0 {
                return (received, .closed)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return (received, .stillOpen)
            } else {
                return (received, .reset)
            }
        }
    }

    /// Sends a request head one byte every 50 ms and never finishes it; says whether the server cut the connection
    /// before `limit` was up.
    static func dribble(port: Int, for limit: Duration) throws -> (cutOff: Bool, bytesSent: Int) {
        let descriptor = try LoopbackHTTP.connectSocket(port: port)
        defer { close(descriptor) }
        let head = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
        let deadline = ContinuousClock.now + limit
        var sent = 0
        while ContinuousClock.now < deadline {
            let byte = sent < head.count ? head[sent] : UInt8(ascii: "a")
            let count = withUnsafeBytes(of: byte) { send(descriptor, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
            if count < 0 { return (true, sent) }
            sent += 1
            usleep(50_000)
        }
        return (false, sent)
    }
}
