import HTTPTypes
import Hummingbird
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Answers GET and HEAD for files below the site root.
///
/// Written instead of Hummingbird's `FileMiddleware`, which follows symlinks out of its root, answers a suffix range
/// (`bytes=-3`) with the first bytes, and refuses legitimate names such as `a..b`. Here every path is decoded once,
/// resolved with `realpath`, and served only if it lies inside the resolved root.
struct StaticFileResponder: Sendable {
    /// The site root as configured; resolved again on every request, because each build swaps in a new folder.
    let root: String

    /// What HTML pages get: the live-reload script for the output version they are served from.
    struct Injection: Sendable {
        var version: String
        /// Seconds since 1970 at which that version was published: a page's `Last-Modified` is never older.
        var publishedAt: Int
        /// Whether pages get an "Edit this page" link to the editor.
        var editLink = false
    }

    /// How long a request that finds nothing waits for a build's folder swap to finish before it is answered 404.
    static let swapPatience = Duration.milliseconds(500)

    /// Answers one request.
    ///
    /// A build swaps the new site in with two renames (the old folder aside, then the new one in its place), so for a
    /// moment there is no root at all, and a lookup can start in the old folder and end in the new one. A request that
    /// finds nothing while the root is missing, or was replaced while it looked, is looked up again after a short pause
    /// (a few milliseconds, at most `swapPatience` in all) instead of being answered 404: a page that exists in both the
    /// old and the new site is never missing. A file, once open, is served whole from the version it was opened in,
    /// since a build never writes into a published folder.
    func respond(method: HTTPRequest.Method, target: String, headers: HTTPFields, injection: Injection?) async -> Response {
        var pause = Duration.milliseconds(1)
        var waited = Duration.zero
        while true {
            let before = Self.folderIdentity(root)
            let (response, final) = respondOnce(method: method, target: target, headers: headers, injection: injection)
            if final { return response }
            let after = Self.folderIdentity(root)
            if (before != nil && before == after) || waited >= Self.swapPatience { return response }
            try? await Task.sleep(for: pause)
            waited += pause
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    /// The response, and whether it stands: false for a "not found" that a folder swap may have caused.
    /// Internal rather than private for the request-path fuzz target, which needs an answer without waiting.
    func respondOnce(method: HTTPRequest.Method, target: String, headers: HTTPFields, injection: Injection?) -> (Response, Bool) {
        let path: RequestPath
        switch RequestPath.parse(target) {
        case .success(let parsed): path = parsed
        case .failure(.malformed(let reason)): return (Self.plainText(.badRequest, "400 Bad Request: \(reason)\n", method: method), true)
        case .failure(.notServed): return (notFound(method: method, injection: injection), true)
        }
        switch lookup(path) {
        case .file(let file):
            if let response = serve(file, method: method, headers: headers, injection: injection) { return (response, true) }
            return (notFound(method: method, injection: injection), false)
        case .directoryWithoutSlash:
            var canonical = path
            canonical.trailingSlash = true
            var response = Self.plainText(.movedPermanently, "Moved to \(canonical.encoded)\n", method: method)
            response.headers[.location] = canonical.encoded
            return (response, true)
        case .notFound:
            return (notFound(method: method, injection: injection), false)
        }
    }

    /// Which folder the root names right now (device and inode), or nil while it names none.
    private static func folderIdentity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    // MARK: - Finding the file

    private enum Lookup {
        case file(String)
        case directoryWithoutSlash
        case notFound
    }

    private func lookup(_ path: RequestPath) -> Lookup {
        guard let rootPath = Self.realPath(root) else { return .notFound }
        let candidate = path.segments.isEmpty ? rootPath : rootPath + "/" + path.segments.joined(separator: "/")
        guard let resolved = Self.realPath(candidate), Self.isInside(resolved, rootPath), let kind = Self.kind(resolved) else {
            return .notFound
        }
        switch kind {
        case .directory:
            guard path.trailingSlash else { return .directoryWithoutSlash }
            guard let index = Self.realPath(resolved + "/index.html"), Self.isInside(index, rootPath), Self.kind(index) == .regular else {
                return .notFound
            }
            return .file(index)
        case .regular:
            return path.trailingSlash ? .notFound : .file(resolved)
        case .other:
            return .notFound
        }
    }

    private func notFound(method: HTTPRequest.Method, injection: Injection?) -> Response {
        if case .file(let page) = lookup(RequestPath(segments: ["404.html"], trailingSlash: false)),
           let response = serve(page, method: method, headers: [:], injection: injection, status: .notFound) {
            return response
        }
        var html = Array(Self.fallbackNotFoundPage.utf8)
        if let injection {
            html = ReloadScript.inject(into: html, version: injection.version, editLink: injection.editLink ? EditorRoutes.root : nil)
        }
        var headers = Self.commonHeaders
        headers[.contentType] = MediaType.html
        headers[.contentLength] = String(html.count)
        return Response(status: .notFound, headers: headers,
                        body: method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: html)))
    }

    private static let fallbackNotFoundPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
        <body><h1>Not found</h1><p>There is no page at this address.</p></body></html>

        """

    // MARK: - Serving it

    /// The path of a served file inside the site, e.g. `people/x/index.html`.
    private func pagePath(of file: String) -> String {
        guard let rootPath = Self.realPath(root), file.hasPrefix(rootPath + "/") else { return "" }
        return String(file.dropFirst(rootPath.count + 1))
    }

    /// The file as a response, or nil if it cannot be opened as a regular file (it vanished, or was swapped for something else).
    private func serve(_ file: String, method: HTTPRequest.Method, headers request: HTTPFields, injection: Injection?,
                       status: HTTPResponse.Status = .ok) -> Response? {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }

        let fileSize = Int(info.st_size)
        let modified = info.modification.seconds
        let identity = "\(String(UInt64(info.st_ino), radix: 16))-\(String(fileSize, radix: 16))-"
            + "\(String(modified * 1_000_000_000 + info.modification.nanoseconds, radix: 16))"
        let type = MediaType.forFile(named: file)

        var headers = Self.commonHeaders
        headers[.contentType] = type
        // Pages are served with the reload script in them, so they are read whole and compared by the bytes actually sent.
        var page: [UInt8]?
        var tag = identity
        var lastModified = modified
        if let injection, MediaType.isHTML(type) {
            guard let bytes = Self.read(descriptor, offset: 0, count: fileSize) else { return nil }
            let editLink = injection.editLink ? EditorRoutes.open(page: pagePath(of: file)) : nil
            page = ReloadScript.inject(into: Array(bytes.readableBytesView), version: injection.version, editLink: editLink)
            tag += "-" + injection.version
            lastModified = max(modified, injection.publishedAt)
        }
        let size = page?.count ?? fileSize

        guard status == .ok else {
            headers[.contentLength] = String(size)
            guard method != .head else { return Response(status: status, headers: headers) }
            let body = page.map { ByteBuffer(bytes: $0) } ?? Self.read(descriptor, offset: 0, count: size)
            return body.map { Response(status: status, headers: headers, body: ResponseBody(byteBuffer: $0)) }
        }

        let etag = "\"\(tag)\""
        headers[.eTag] = etag
        headers[.lastModified] = HTTPDate.format(lastModified)
        headers[.acceptRanges] = "bytes"

        if Self.isNotModified(request, etag: etag, lastModified: lastModified) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }

        var range = ByteRange.whole
        if method == .get, Self.rangeStillApplies(request, etag: etag, lastModified: lastModified) {
            range = ByteRange(header: request[.range], size: size)
        }
        switch range {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentType] = "text/plain; charset=utf-8"
            let body = ByteBuffer(string: "416 Range Not Satisfiable\n")
            return Response(status: .rangeNotSatisfiable, headers: headers, body: ResponseBody(byteBuffer: body))
        case .partial(let bytes):
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"
            headers[.contentLength] = String(bytes.count)
            if let page { return Response(status: .partialContent, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: page[bytes]))) }
            return Self.fileBody(descriptor, offset: bytes.lowerBound, count: bytes.count).map {
                Response(status: .partialContent, headers: headers, body: $0)
            }
        case .whole:
            headers[.contentLength] = String(size)
            guard method != .head else { return Response(status: .ok, headers: headers) }
            if let page { return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: page))) }
            return Self.fileBody(descriptor, offset: 0, count: size).map { Response(status: .ok, headers: headers, body: $0) }
        }
    }

    /// Files up to this size are read whole into the response; larger ones are streamed.
    static let streamingThreshold = 256 * 1024
    /// The piece of a streamed file read and sent at a time.
    static let streamingChunk = 64 * 1024

    /// Bytes of a file as a response body. A large file is sent a piece at a time, each write waiting until the client
    /// has taken the previous ones, so a thousand downloads of a big asset, or a client that stops reading, hold one
    /// piece each rather than the whole file; the file stays open until the body is written or dropped.
    private static func fileBody(_ descriptor: Int32, offset: Int, count: Int) -> ResponseBody? {
        guard count > streamingThreshold else { return read(descriptor, offset: offset, count: count).map { ResponseBody(byteBuffer: $0) } }
        guard let file = OpenFile(duplicating: descriptor) else { return nil }
        return ResponseBody(contentLength: count) { writer in
            var done = 0
            while done < count {
                let length = min(Self.streamingChunk, count - done)
                // The file cannot change once published (a build writes a new folder), so this only fails on an I/O error;
                // the connection is then closed, and the client sees fewer bytes than Content-Length promised.
                guard let chunk = Self.read(file.descriptor, offset: offset + done, count: length) else { throw FileReadError() }
                try await writer.write(chunk)
                done += length
            }
            try await writer.finish(nil)
        }
    }

    private struct FileReadError: Error {}

    /// A descriptor owned by a streamed response body: closed when the body is released, written to the end or not
    /// (a client that disconnects mid-file, or a response dropped before its body was asked for).
    private final class OpenFile: Sendable {
        let descriptor: Int32

        init?(duplicating original: Int32) {
            descriptor = fcntl(original, F_DUPFD_CLOEXEC, 0)
            guard descriptor >= 0 else { return nil }
        }

        deinit { close(descriptor) }
    }

    /// `If-None-Match` decides when present (weak comparison); otherwise `If-Modified-Since`, to the second.
    private static func isNotModified(_ request: HTTPFields, etag: String, lastModified: Int) -> Bool {
        if let match = request[.ifNoneMatch] {
            if match.trimmingSpaces == "*" { return true }
            let ours = weak(etag)
            return match.split(separator: ",").contains { weak($0.trimmingSpaces) == ours }
        }
        if let since = request[.ifModifiedSince], let date = HTTPDate.parse(String(since.trimmingSpaces)) {
            return lastModified <= date
        }
        return false
    }

    /// `If-Range`: a range is served only if the client's copy is this one (strong comparison, or the exact date).
    private static func rangeStillApplies(_ request: HTTPFields, etag: String, lastModified: Int) -> Bool {
        guard let condition = request[.ifRange]?.trimmingSpaces else { return true }
        if condition.hasPrefix("\"") || condition.hasPrefix("W/") { return condition == etag }
        return HTTPDate.parse(String(condition)) == lastModified
    }

    private static func weak(_ tag: some StringProtocol) -> Substring {
        let tag = Substring(tag)
        return tag.hasPrefix("W/") ? tag.dropFirst(2) : tag
    }

    // MARK: - Files

    static var commonHeaders: HTTPFields {
        var headers = HTTPFields()
        // The preview must show the latest build on every load; revalidation keeps that cheap (304).
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return headers
    }

    static func plainText(_ status: HTTPResponse.Status, _ text: String, method: HTTPRequest.Method) -> Response {
        var headers = commonHeaders
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.contentLength] = String(text.utf8.count)
        let body = method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(string: text))
        return Response(status: status, headers: headers, body: body)
    }

    private enum Kind { case regular, directory, other }

    private static func kind(_ path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    private static func read(_ descriptor: Int32, offset: Int, count: Int) -> ByteBuffer? {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        var done = 0
        while done < count {
            var got = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - done) { raw in
                got = pread(descriptor, raw.baseAddress, count - done, off_t(offset + done))
                return max(got, 0)
            }
            if got < 0, errno == EINTR { continue }
            // A file that shrank under us would make the declared length a lie: give up on the response instead.
            guard got > 0 else { return nil }
            done += got
        }
        return buffer
    }
}
