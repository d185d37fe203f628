// Fuzz target (c): the preview server's request path resolution, `RequestPath` and `StaticFileResponder`.
// The input's first line is the request target, an optional second line a `Range` header.
// The site is a folder with pages, oddly named files and symlinks that stay inside it, next to files and folders
// outside it that symlinks inside point at, one of them a sibling whose name starts with the root's.
// Every byte of every file outside the root is 0x07 and no file inside holds that byte, so the property
// "a resolved path stays inside the root" is checked on what is served: no response, whole or a range,
// may hold a 0x07 byte. Also: parsed segments are safe, a parsed path survives its own re-encoding, a redirect
// stays on this server, and a 200 is a page from inside.
// `make fuzz` builds and runs it; a normal build makes a replayer (see FuzzSupport).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestPath(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    #if DEBUG || FUZZING
    RequestPathTarget.run(UnsafeBufferPointer(start: data, count: size))
    #endif
    return 0
}

@main enum FuzzRequestPath {
    static func main() {
        runFuzzTarget(fuzzRequestPath)
    }
}

// The checks reach internal types, so they need a build with testing enabled: a debug build, or `make fuzz`.
#if DEBUG || FUZZING
@testable import BriefingServer
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

enum RequestPathTarget {
    static let outsideByte: UInt8 = 0x07
    static let injection = StaticFileResponder.Injection(version: "fuzz", publishedAt: 0)
    static let top = NSTemporaryDirectory() + "briefing-fuzz-site-\(getpid())"
    static let root: String = makeSite()
    static let responder = StaticFileResponder(root: root)

    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        // A 301 or 400 body may echo the request, so the request itself never holds the outside byte.
        let request = input.map { $0 == outsideByte ? outsideByte + 1 : $0 }
        let lines = String(decoding: request, as: UTF8.self).split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        let target = String(lines.first ?? "")
        var headers = HTTPFields()
        if lines.count > 1, !lines[1].isEmpty { headers[.range] = String(lines[1]) }

        checkParse(target)
        for method in [HTTPRequest.Method.get, .head] {
            let response = responder.respondOnce(method: method, target: target, headers: headers, injection: injection).0
            check(response, method: method, target: target)
        }
    }

    private static func checkParse(_ target: String) {
        guard case .success(let path) = RequestPath.parse(target) else { return }
        for segment in path.segments {
            fuzzCheck(!segment.isEmpty && segment != "." && segment != ".." && !segment.hasPrefix("."), "\(target): segment '\(segment)'")
            fuzzCheck(!segment.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F },
                      "\(target): segment '\(segment)' holds a separator or control character")
        }
        // Joined below any root, the segments stay below it.
        let joined = URL(fileURLWithPath: "/root/" + path.segments.joined(separator: "/")).standardizedFileURL.path
        fuzzCheck(joined == "/root" || joined.hasPrefix("/root/"), "\(target) leads to \(joined)")
        // The re-encoded form (what a redirect sends) names the same path.
        let encoded = path.encoded
        fuzzCheck(encoded.hasPrefix("/") && !encoded.hasPrefix("//"), "\(target) re-encodes as \(encoded)")
        fuzzCheck(RequestPath.parse(encoded) == .success(path), "\(target) re-encodes as \(encoded), which parses differently")
    }

    private static func check(_ response: Response, method: HTTPRequest.Method, target: String) {
        let status = response.status.code
        fuzzCheck([200, 206, 301, 400, 404, 416].contains(status), "\(method) \(target): status \(status)")
        let body = bytes(of: response.body)
        fuzzCheck(!body.contains(outsideByte), "\(method) \(target) served bytes from outside the root: status \(status)")
        if method == .head { fuzzCheck(body.isEmpty, "HEAD \(target) has a body") }
        if let length = response.headers[.contentLength], method == .get {
            fuzzCheck(Int(length) == body.count, "\(target): Content-Length \(length) but \(body.count) bytes")
        }
        if status == 200, method == .get {
            fuzzCheck(body.starts(with: Array("INSIDE".utf8)), "\(target): 200 with a body that is no file of the site")
        }
        if status == 301 {
            let location = response.headers[.location] ?? ""
            // The query goes back as sent; only the path decides where the redirect leads.
            let locationPath = location.prefix { $0 != "?" }
            fuzzCheck(locationPath.hasPrefix("/") && !locationPath.hasPrefix("//") && !locationPath.contains("\\"), "\(target) redirects to \(location)")
            fuzzCheck((try? RequestPath.parse(location).get())?.trailingSlash == true, "\(target) redirects to \(location), not a folder")
        }
    }

    /// The body a response would send.
    private static func bytes(of body: ResponseBody) -> [UInt8] {
        let collector = Collector()
        let done = DispatchSemaphore(value: 0)
        Task { [body] in
            let body = body
            try? await body.write(collector)
            done.signal()
        }
        done.wait()
        return collector.bytes.withLock { $0 }
    }

    private final class Collector: ResponseBodyWriter, Sendable {
        let bytes = Mutex<[UInt8]>([])
        func write(_ buffer: ByteBuffer) async throws {
            bytes.withLock { $0 += buffer.readableBytesView }
        }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    /// The site, made once per process in a fresh temporary folder and removed at exit; returns the root.
    private static func makeSite() -> String {
        atexit { try? FileManager.default.removeItem(atPath: RequestPathTarget.top) }
        let root = top + "/public"
        let outside = [UInt8](repeating: outsideByte, count: 64)
        let fileManager = FileManager.default
        try? fileManager.removeItem(atPath: top)
        func file(_ path: String, _ contents: [UInt8]) {
            let full = top + "/" + path
            try! fileManager.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard fileManager.createFile(atPath: full, contents: Data(contents)) else { fatalError("cannot write \(full)") }
        }
        func page(_ path: String) {
            file("public/" + path, Array("INSIDE <!doctype html><html><body><p>\(path)</p></body></html>\n".utf8))
        }
        func link(_ name: String, to target: String) {
            guard symlink(target, root + "/" + name) == 0 else { fatalError("cannot link \(name): errno \(errno)") }
        }
        for path in ["index.html", "404.html", "people/index.html", "people/vladimir-putin/index.html", "a..b", "..a", "a b.html",
                     "ünï/index.html", "%2e%2e/index.html", "assets/style.css", "assets/app.js", "search/index.json"] {
            page(path)
        }
        file("secret.txt", outside)
        file("public-other/index.html", outside)
        file("public-other/secret.txt", outside)
        file("folder/index.html", outside)
        file("folder/secret.txt", outside)
        link("inside.html", to: "index.html")
        link("people/inside", to: "../assets")
        link("secret.txt", to: top + "/secret.txt")
        link("relative-secret.txt", to: "../secret.txt")
        link("up", to: "..")
        link("folder", to: top + "/folder")
        link("other", to: "../public-other")
        link("assets/deep", to: "../../public-other/secret.txt")
        link("loop", to: "loop")
        return root
    }
}
#endif
