import BriefingKit
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Templates

/// The editor's addresses, below the preview server's root.
enum EditorRoutes {
    static let root = "/__briefing/edit/"
    static let script = root + "assets/editor.js"
    static let stylesheet = root + "assets/editor.css"

    static func form(_ file: EditedFile) -> String { root + file.address }
    static func new(_ kind: ContentKind) -> String { root + "new/" + kind.rawValue }
    /// The form that uploads a new image.
    static let newImage = root + "new/image"
    /// A small picture of image `id` for lists and pickers (a processed variant when there is one, else the original).
    static func picture(_ id: String) -> String { root + "picture/" + id }
    /// The image file itself, as it is in `media/`.
    static func original(_ id: String) -> String { root + "picture/" + id + "/original" }
    static func delete(_ file: EditedFile) -> String { root + file.address + "/delete" }
    /// Where the "Edit this page" link of a served page goes: `page` is the page's path in the site.
    static func open(page: String) -> String { root + "open?page=" + FormData.encode(page) }
}

/// Answers every request below `/__briefing/edit/`: the editor's pages, its saves, and its live checks.
struct EditorResponder: Sendable {
    let access: EditorAccess
    let session: SiteSession
    let writer: ContentWriter

    /// A form holds one file of at most 8 MiB, which percent-encoding can make three times as long.
    static let bodyLimit = 3 * ContentLoader.maximumFileSize + 64 * 1024

    init(access: EditorAccess, session: SiteSession) {
        self.access = access
        self.session = session
        writer = ContentWriter(contentFolder: session.options.contentFolder, displayRoot: session.options.contentDisplayPath)
    }

    func respond(to request: Request) async -> Response {
        var request = request
        let target = request.head.path ?? "/"
        let pathPart = String(target.prefix { $0 != "?" && $0 != "#" })
        let query = FormData(encoded: Array(target.drop { $0 != "?" }.dropFirst().prefix { $0 != "#" }.utf8))
        let method = request.method

        do {
            try access.checkHost(request.head.authority)
        } catch {
            return EditorPages.refusal(.forbidden, "403 Forbidden: the editor answers only requests addressed to this machine's loopback "
                + "name and port (the Host field names another server)\n", method: method)
        }
        let editTokenInQuery: Bool
        do {
            editTokenInQuery = try access.checkEditToken(request.headers, query: query)
        } catch {
            return EditorPages.refusal(.forbidden, "403 Forbidden: this editor needs the edit token given to `briefing serve --edit-token`; "
                + "open \(EditorRoutes.root)?edit_token=TOKEN once\n", method: method)
        }
        if editTokenInQuery, method == .get, let cookie = access.editTokenCookie {
            // Set the cookie, and take the token out of the address bar and the history.
            var response = EditorPages.redirect(EditorRoutes.root)
            response.headers[.setCookie] = cookie
            return response
        }

        guard pathPart.hasPrefix(EditorRoutes.root) || pathPart + "/" == EditorRoutes.root else {
            return EditorPages.notFound(method: method)
        }
        let route = pathPart.count > EditorRoutes.root.count ? String(pathPart.dropFirst(EditorRoutes.root.count)) : ""
        let words = route.split(separator: "/", omittingEmptySubsequences: false).map(String.init)

        switch method {
        case .get, .head:
            return await get(words, query: query, method: method)
        case .post:
            do {
                try access.checkOrigin(request.headers, authority: request.head.authority)
            } catch {
                return EditorPages.refusal(.forbidden, "403 Forbidden: the editor accepts changes only from its own pages (the Origin field "
                    + "is missing or names another site)\n", method: method)
            }
            // An upload carries one image, as large as the build takes; every other form, one text file.
            let isUpload = words == ["new", "image"]
            let limit = isUpload ? uploadLimit : Self.bodyLimit
            let tooLarge = isUpload
                ? "413 Content Too Large: an image may be at most \(session.options.images.settings.sizeLimit) bytes "
                    + "(\(session.options.images.settings.sizeLimit / (1024 * 1024)) MiB), as the build takes them: scale it down first\n"
                : "413 Content Too Large: a form may be at most \(Self.bodyLimit) bytes\n"
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                return EditorPages.refusal(.contentTooLarge, tooLarge, method: method)
            }
            let bytes: ByteBuffer
            do {
                bytes = try await request.collectBody(upTo: limit)
            } catch {
                return EditorPages.refusal(.contentTooLarge, tooLarge, method: method)
            }
            if isUpload {
                let contentType = request.headers[.contentType]
                return await offloaded { upload(bytes, contentType: contentType) }
            }
            let form = FormData(encoded: bytes.readableBytesView)
            return await post(words, form: form)
        default:
            var response = EditorPages.refusal(.methodNotAllowed, "405 Method Not Allowed\n", method: method)
            response.headers[.allow] = "GET, HEAD, POST"
            return response
        }
    }

    // MARK: - Reading

    private func get(_ words: [String], query: FormData, method: HTTPRequest.Method) async -> Response {
        switch words {
        case [""]:
            let listing = await offloaded { EditorListing(session: session, writer: writer) }
            return EditorPages.html(EditorPages.home(listing, query: query["q"] ?? "", notice: query["deleted"].map { "Deleted \($0)." }),
                                    method: method)
        case ["assets", "editor.js"]:
            return EditorPages.asset(EditorAssets.script, type: "text/javascript; charset=utf-8", method: method)
        case ["assets", "editor.css"]:
            return EditorPages.asset(EditorAssets.stylesheet, type: "text/css; charset=utf-8", method: method)
        case ["open"]:
            let page = query["page"] ?? ""
            let address = await offloaded { () -> String in
                let snapshot = session.snapshot()
                if let entry = snapshot.entries.first(where: { $0.page == page }), let file = EditedFile(relativePath: entry.relativePath) {
                    return EditorRoutes.form(file)
                }
                return EditorRoutes.root
            }
            return EditorPages.redirect(address)
        case ["new", "image"]:
            return EditorPages.html(EditorPages.uploadPage(token: access.formToken, problem: nil, id: ""), method: method)
        case _ where words.count >= 2 && words[0] == "picture":
            return await offloaded { self.picture(words, method: method) }
        case _ where words.count == 2 && words[0] == "new":
            guard let kind = ContentKind(rawValue: words[1]), kind != .overview else { return EditorPages.notFound(method: method) }
            let state = await offloaded { FormState(new: kind, token: access.formToken) }
            return formPage(state, method: method)
        default:
            if words.last == "delete", let file = Self.file(Array(words.dropLast())), file.id != nil {
                return await offloaded { deletePage(file, method: method) }
            }
            guard let file = Self.file(words) else { return EditorPages.notFound(method: method) }
            return await offloaded { () -> Response in
                do {
                    guard let bytes = try writer.read(file) else { return EditorPages.notFound(method: method) }
                    let document = try EntryDocument(file: file, bytes: bytes, displayPath: writer.displayPath(file))
                    var state = FormState(document: document, token: access.formToken)
                    if query["saved"] != nil { state.notice = .saved }
                    if query["created"] != nil { state.notice = .created }
                    return formPage(state, method: method)
                } catch let problem as Diagnostic {
                    return EditorPages.html(EditorPages.message(title: "This file cannot be edited here", text: problem.description), status: .ok,
                                            method: method)
                } catch {
                    return EditorPages.html(EditorPages.message(title: "This file cannot be edited here", text: "\(error)"), method: method)
                }
            }
        }
    }

    /// The file an editor address names, by the id rules; nil for any other words.
    static func file(_ words: [String]) -> EditedFile? {
        switch words.count {
        case 1: return EditedFile(kind: words[0], id: nil)
        case 2: return EditedFile(kind: words[0], id: words[1])
        default: return nil
        }
    }

    private func deletePage(_ file: EditedFile, method: HTTPRequest.Method) -> Response {
        let bytes: [UInt8]
        do {
            guard let read = try writer.read(file) else { return EditorPages.notFound(method: method) }
            bytes = read
        } catch {
            return EditorPages.html(EditorPages.message(title: "Cannot delete", text: "\(error)"), method: method)
        }
        let referrers = session.referrers(of: file.relativePath)
        return EditorPages.html(EditorPages.deletePage(file, title: title(of: file), referrers: referrers, digest: SHA256.hex(bytes),
                                                       token: access.formToken), status: referrers.isEmpty ? .ok : .conflict, method: method)
    }

    private func title(of file: EditedFile) -> String {
        if case .image(let id) = file { return session.images()[id]?.fields.alt ?? "image \(id)" }
        return session.snapshot().entries.first { $0.relativePath == file.relativePath }?.title ?? file.relativePath
    }

    // MARK: - Changing

    private func post(_ words: [String], form: FormData) async -> Response {
        let file: EditedFile?
        let newKind: ContentKind?
        if words.count == 2, words[0] == "new" {
            guard let kind = ContentKind(rawValue: words[1]), kind != .overview else { return EditorPages.notFound(method: .post) }
            newKind = kind
            file = nil
        } else {
            newKind = nil
            if words.last == "delete", let target = Self.file(Array(words.dropLast())), target.id != nil {
                do {
                    try access.checkFormToken(form["token"])
                } catch {
                    return EditorPages.refusal(.forbidden, "403 Forbidden: the form's token is missing or from an earlier run of the server\n",
                                               method: .post)
                }
                return await offloaded { delete(target, form: form) }
            }
            guard let target = Self.file(words) else { return EditorPages.notFound(method: .post) }
            file = target
        }

        let action = form["action"] ?? "save"
        let tokenIsValid = (try? access.checkFormToken(form["token"])) != nil
        return await offloaded { () -> Response in
            // Load the file as it is now; the form says which version it was opened from.
            let document: EntryDocument
            if let newKind {
                document = EntryDocument(new: .entry(newKind, id: "new"))
            } else if let file {
                do {
                    guard let bytes = try writer.read(file) else { return EditorPages.notFound(method: .post) }
                    document = try EntryDocument(file: file, bytes: bytes, displayPath: writer.displayPath(file))
                } catch {
                    return EditorPages.html(EditorPages.message(title: "This file cannot be edited here", text: "\(error)"), method: .post)
                }
            } else {
                return EditorPages.notFound(method: .post)
            }
            var state = FormState(document: document, form: form, newKind: newKind, token: access.formToken)
            guard tokenIsValid else {
                // Same origin (checked above) but a stale token: the server restarted since the form was opened.
                // Nothing is written; the form comes back with the draft in it and a token that works.
                state.notice = .staleToken
                return formPage(state, status: .forbidden, method: .post)
            }
            return perform(action, state: state, document: document)
        }
    }

    private func perform(_ action: String, state: FormState, document: EntryDocument) -> Response {
        var state = state
        let parts = action.split(separator: ":").map(String.init)
        switch parts.first {
        case "add", "remove", "up", "down":
            guard parts.count >= 2 else { break }
            state.edit(list: parts[1], action: parts[0], index: parts.count > 2 ? Int(parts[2]) : nil)
            return formPage(state, method: .post)
        case "insert-link":
            state.insertLink(session: session)
            return formPage(state, method: .post)
        case "insert-image":
            state.insertImage(session: session)
            return formPage(state, method: .post)
        case "preview":
            state.preview = session.preview(body: state.body, at: state.relativePath)
            return formPage(state, method: .post)
        case "live-check":
            let rendered = state.render(document)
            let problems = ProblemPlacement(session.check(rendered.text, at: state.relativePath), rendered: rendered, state: state,
                                            displayPath: writer.displayPath(state.file))
            return EditorPages.json(problems.json)
        case "live-preview":
            return EditorPages.json(EditorPages.encode(PreviewAnswer(html: session.preview(body: state.body, at: state.relativePath))))
        case "check":
            let rendered = state.render(document)
            state.problems = ProblemPlacement(session.check(rendered.text, at: state.relativePath), rendered: rendered, state: state,
                                              displayPath: writer.displayPath(state.file))
            state.notice = state.problems.isEmpty ? .noProblems : nil
            return formPage(state, status: state.problems.isEmpty ? .ok : .unprocessableContent, method: .post)
        case "save", "save-anyway":
            return save(state, document: document, insist: action == "save-anyway")
        default:
            break
        }
        return EditorPages.html(EditorPages.message(title: "Unknown action", text: "The form asked for '\(action)'."), status: .badRequest,
                                method: .post)
    }

    private func save(_ state: FormState, document: EntryDocument, insist: Bool) -> Response {
        var state = state
        if state.isNew {
            switch state.newFile() {
            case .success(let file): state.file = file
            case .failure(let problem):
                state.problems.fields["id", default: []].append(problem.message)
                return formPage(state, status: .unprocessableContent, method: .post)
            }
        }
        let rendered = state.render(document)
        if !insist {
            let problems = ProblemPlacement(session.check(rendered.text, at: state.relativePath), rendered: rendered, state: state,
                                            displayPath: writer.displayPath(state.file))
            if !problems.isEmpty {
                state.problems = problems
                state.notice = .problemsBeforeSave
                return formPage(state, status: .unprocessableContent, method: .post)
            }
        }
        let bytes = document.bytes(of: rendered.text)
        do {
            if state.isNew {
                try writer.create(state.file, bytes: bytes)
                return EditorPages.redirect(EditorRoutes.form(state.file) + "?created=1")
            }
            if rendered.text != document.original || state.digest != document.digest {
                try writer.save(state.file, bytes: bytes, expecting: state.digest)
            }
            return EditorPages.redirect(EditorRoutes.form(state.file) + "?saved=1")
        } catch .changedOnDisk(let current) {
            state.conflict = FormState.Conflict(disk: current.map { String(decoding: $0, as: UTF8.self) }, draft: rendered.text)
            state.digest = current.map(SHA256.hex) ?? SHA256.hex([])
            return formPage(state, status: .conflict, method: .post)
        } catch .exists {
            state.problems.fields["id", default: []].append("\(writer.displayPath(state.file)) already exists: choose another file name, or edit that entry")
            state.file = .entry(state.file.kind ?? .page, id: "new")
            return formPage(state, status: .conflict, method: .post)
        } catch {
            state.problems.general.append("\(error)")
            return formPage(state, status: .internalServerError, method: .post)
        }
    }

    private func delete(_ file: EditedFile, form: FormData) -> Response {
        let referrers = session.referrers(of: file.relativePath)
        guard referrers.isEmpty else {
            return EditorPages.html(EditorPages.deletePage(file, title: title(of: file), referrers: referrers, digest: form["digest"] ?? "",
                                                           token: access.formToken), status: .conflict, method: .post)
        }
        do {
            if case .image(let id) = file {
                let image = writer.imageFile(id: id).map { (($0.path as NSString).lastPathComponent) } ?? id
                try writer.deleteImage(id: id, expecting: form["digest"] ?? "")
                let shown = writer.displayRoot + "/media/"
                return EditorPages.redirect(EditorRoutes.root + "?deleted=" + FormData.encode(shown + image + " and " + shown + id + ".yaml"))
            }
            try writer.delete(file, expecting: form["digest"] ?? "")
            return EditorPages.redirect(EditorRoutes.root + "?deleted=" + FormData.encode(writer.displayPath(file)))
        } catch .changedOnDisk {
            return EditorPages.html(EditorPages.message(title: "Not deleted", text: "\(writer.displayPath(file)) changed on disk since this "
                + "page was opened: open it again to see what changed."), status: .conflict, method: .post)
        } catch {
            return EditorPages.html(EditorPages.message(title: "Not deleted", text: "\(error)"), status: .conflict, method: .post)
        }
    }

    /// The form page for `state`, with its pickers filled from the site in memory.
    private func formPage(_ state: FormState, status: HTTPResponse.Status = .ok, method: HTTPRequest.Method) -> Response {
        var state = state
        state.pickers = Pickers(session.snapshot())
        return EditorPages.html(EditorPages.form(state), status: status, method: method)
    }

    /// Runs blocking work (files, the Markdown worker, resolving the site) off the server's event loops.
    private func offloaded<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
