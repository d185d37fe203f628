import HTTPTypes
import Hummingbird

/// Every request of the preview server: the live-reload endpoints under `/__briefing/`, and the site's files.
struct PreviewResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let files: StaticFileResponder
    let hub: LiveReloadHub
    /// Nil when the editor is off.
    let editor: EditorResponder?
    /// The server listens on a loopback address: requests must name it by a loopback name.
    let loopbackOnly: Bool

    func respond(to request: Request, context: Context) async throws -> Response {
        // A page on another site that rebinds its own name to 127.0.0.1 (DNS rebinding) could otherwise read the preview,
        // drafts and all; its requests carry its own name in `Host`.
        if loopbackOnly, let authority = request.head.authority,
           EditorAccess.split(host: authority.lowercased()).map({ !EditorAccess.isLoopbackName($0.0) }) ?? true {
            return StaticFileResponder.plainText(.forbidden, "403 Forbidden: the preview answers only to a loopback "
                + "address such as 127.0.0.1 or localhost\n", method: request.method)
        }
        if let editor, let path = request.head.path, path.hasPrefix(EditorRoutes.root) || path == "/__briefing/edit" || path.hasPrefix("/__briefing/edit?") {
            return await editor.respond(to: request)
        }
        guard request.method == .get || request.method == .head else {
            var response = StaticFileResponder.plainText(.methodNotAllowed, "405 Method Not Allowed: the preview serves GET and HEAD\n",
                                                         method: request.method)
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        let target = request.head.path ?? "/"
        let path = target.prefix { $0 != "?" && $0 != "#" }
        if path == ReloadScript.eventsPath {
            return await events(method: request.method)
        }
        if path == ReloadScript.scriptPath {
            return script(method: request.method)
        }
        if path.hasPrefix("/__briefing/") {
            return StaticFileResponder.plainText(.notFound, "404 Not Found\n", method: request.method)
        }
        let status = await hub.status
        return await files.respond(method: request.method, target: target, headers: request.headers,
                             injection: .init(version: status.version, publishedAt: status.publishedAt, editLink: editor != nil))
    }

    private func script(method: HTTPRequest.Method) -> Response {
        let source = ByteBuffer(string: ReloadScript.source)
        var headers = StaticFileResponder.commonHeaders
        headers[.contentType] = MediaType.forFile(named: "reload.js")
        headers[.contentLength] = String(source.readableBytes)
        return Response(status: .ok, headers: headers, body: method == .head ? ResponseBody() : ResponseBody(byteBuffer: source))
    }

    /// A Server-Sent Events stream: `retry`, the current status, then every event until the hub closes or the client goes.
    private func events(method: HTTPRequest.Method) async -> Response {
        var headers = StaticFileResponder.commonHeaders
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        guard method == .get else { return Response(status: .ok, headers: headers) }
        let stream = await hub.subscribe()
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // A restarted server is back within a second or so; the browser default (about three seconds) feels slow.
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            for await event in stream {
                try await writer.write(ByteBuffer(string: event.wireFormat))
            }
            try await writer.finish(nil)
        })
    }
}
