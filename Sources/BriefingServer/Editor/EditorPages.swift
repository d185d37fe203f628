import BriefingKit
import Foundation
import HTTPTypes
import Hummingbird
import Templates

/// The editor's pages, as HTML built with the site's `HTML` type: every value from a file or a form is escaped as it
/// goes in. They work without JavaScript (every button is a form submission); `EditorAssets.script` adds pickers, live
/// checks, the body's preview and the draft kept in the browser.
enum EditorPages {
    // MARK: - Responses

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok, method: HTTPRequest.Method) -> Response {
        respond(page.utf8, type: "text/html; charset=utf-8", status: status, method: method)
    }

    static func json(_ text: String) -> Response {
        respond(Array(text.utf8), type: "application/json; charset=utf-8", status: .ok, method: .post)
    }

    static func asset(_ text: String, type: String, method: HTTPRequest.Method) -> Response {
        respond(Array(text.utf8), type: type, status: .ok, method: method)
    }

    /// An image's bytes, with the media type its first bytes were checked to have.
    static func picture(_ bytes: [UInt8], type: String, method: HTTPRequest.Method) -> Response {
        respond(bytes, type: type, status: .ok, method: method)
    }

    static func refusal(_ status: HTTPResponse.Status, _ text: String, method: HTTPRequest.Method) -> Response {
        respond(Array(text.utf8), type: "text/plain; charset=utf-8", status: status, method: method)
    }

    static func notFound(method: HTTPRequest.Method) -> Response {
        html(message(title: "Not found", text: "The editor has no page at this address."), status: .notFound, method: method)
    }

    /// 303 See Other: after a save, the browser loads the form afresh, so reloading it does not send the save again.
    static func redirect(_ location: String) -> Response {
        var response = respond(Array("See \(location)\n".utf8), type: "text/plain; charset=utf-8", status: .seeOther, method: .get)
        response.headers[.location] = location
        return response
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func respond(_ bytes: [UInt8], type: String, status: HTTPResponse.Status, method: HTTPRequest.Method) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentLength] = String(bytes.count)
        // Drafts are private and change with every save: never cached. No page of another site may frame the editor
        // (a framed form can be clicked through a decoy); no CORS header is ever sent.
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[.contentSecurityPolicy] = "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        let body = method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        return Response(status: status, headers: headers, body: body)
    }

    // MARK: - Layout

    private static func layout(_ title: String, main: HTML) -> HTML {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(title) · briefing editor</title>
        <link rel="stylesheet" href="\(EditorRoutes.stylesheet)">
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
        <script src="\(EditorRoutes.script)" defer></script>
        </head>
        <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="editor-header">
        <nav aria-label="Editor"><ul><li><a href="\(EditorRoutes.root)">All entries</a></li><li><a href="/index.html">View the site</a></li></ul></nav>
        </header>
        <main id="main">
        \(main)
        </main>
        </body>
        </html>

        """
    }

    static func message(title: String, text: String) -> HTML {
        layout(title, main: "<h1>\(title)</h1>\n<p class=\"message\">\(text)</p>\n<p><a href=\"\(EditorRoutes.root)\">All entries</a></p>")
    }

    // MARK: - Home

    static func home(_ listing: EditorListing, query: String, notice: String?) -> HTML {
        let words = query.lowercased().split(separator: " ").map(String.init)
        let sections = listing.groups.map { group -> HTML in
            let items = group.items.filter { item in
                let haystack = (item.title + " " + item.file.relativePath).lowercased()
                return words.allSatisfy { haystack.contains($0) }
            }
            let id = "kind-" + (group.kind?.rawValue ?? "site")
            let heading = group.kind.map(Self.plural) ?? "Site"
            let newButton: HTML = group.kind.map { kind -> HTML in
                kind == .overview ? .empty : "<p><a class=\"button\" href=\"\(EditorRoutes.new(kind))\">New \(singular(kind))</a></p>\n"
            } ?? .empty
            let list = items.map { item -> HTML in
                let draft: HTML = item.isDraft ? "<span class=\"badge\">draft</span>" : .empty
                let note: HTML = item.note.map { "<span class=\"note\">\($0)</span>" } ?? .empty
                let badges: HTML = "\(draft)\(note)"
                let search = (item.title + " " + item.file.relativePath).lowercased()
                return """
                    <li data-search="\(search)"><a href="\(EditorRoutes.form(item.file))">\(shortened(item.title, limit: 90))</a> \
                    <span class="path">\(item.file.relativePath)</span> \(badges)</li>

                    """
            }
            let empty: HTML = items.isEmpty ? "<p class=\"empty\">\(query.isEmpty ? "None yet." : "None matches.")</p>\n" : .empty
            return """
            <section class="kind" id="\(id)" aria-labelledby="\(id)-heading">
            <h2 id="\(id)-heading">\(heading) <span class="count">\(items.count)</span></h2>
            \(newButton)\(empty)<ul class="entries">
            \(list)</ul>
            </section>

            """
        }
        let flash: HTML = notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>\n" } ?? .empty
        return layout("All entries", main: """
            <h1>Edit the briefing</h1>
            \(flash)<form class="search" role="search" method="get" action="\(EditorRoutes.root)">
            <label for="q">Find an entry by title, name or file</label>
            <div class="search-row"><input type="search" id="q" name="q" value="\(query)"> <button type="submit">Find</button></div>
            </form>
            \(sections)\(imageSection(listing.images, words: words, query: query))
            """)
    }

    /// The images of `media/`, each with a small picture, what it shows and its file.
    private static func imageSection(_ images: [EditorListing.Image], words: [String], query: String) -> HTML {
        let shown = images.filter { image in
            let haystack = (image.title + " " + image.id + " " + image.credit + " " + (image.imagePath ?? "")).lowercased()
            return words.allSatisfy { haystack.contains($0) }
        }
        let items = shown.map { image -> HTML in
            let search = (image.title + " " + image.id + " " + image.credit + " " + (image.imagePath ?? "")).lowercased()
            let draft: HTML = image.isDraft ? "<span class=\"badge\">draft</span>" : .empty
            let note: HTML = image.note.map { "<span class=\"note\">\($0)</span>" } ?? .empty
            return """
                <li data-search="\(search)"><img class="thumb" src="\(EditorRoutes.picture(image.id))" alt="" width="80" height="60" loading="lazy"> \
                <span class="image-text"><a href="\(EditorRoutes.form(.image(id: image.id)))">\(shortened(image.title, limit: 90))</a> \
                <span class="path">\(image.imagePath ?? "media/\(image.id).yaml")\(image.credit.isEmpty ? "" : " · \(image.credit)")</span> \(draft)\(note)</span></li>

                """
        }
        let empty: HTML = shown.isEmpty ? "<p class=\"empty\">\(query.isEmpty ? "None yet." : "None matches.")</p>\n" : .empty
        return """
            <section class="kind" id="kind-image" aria-labelledby="kind-image-heading">
            <h2 id="kind-image-heading">Images <span class="count">\(shown.count)</span></h2>
            <p><a class="button" href="\(EditorRoutes.newImage)">New image</a></p>
            \(empty)<ul class="entries images">
            \(items)</ul>
            </section>

            """
    }

    /// The form that adds an image: a file, and the id it gets if not made from the file's name.
    static func uploadPage(token: String, problem: String?, id: String) -> HTML {
        let problems: HTML = problem.map { "<div class=\"notice error\" role=\"alert\"><p><strong>Not added:</strong> \($0)</p></div>\n" } ?? .empty
        let limit = ImageSettings().sizeLimit
        return layout("New image", main: """
            <h1>New image</h1>
            <p class="file">Added to <code>content/media/</code> with a sidecar to fill in, as <code>briefing new image FILE</code> does.</p>
            \(problems)<form method="post" action="\(EditorRoutes.newImage)" enctype="multipart/form-data" class="upload-form">
            <input type="hidden" name="token" value="\(token)">
            <div class="field" id="field-file">
            <label for="f-file">Image file <span class="required">(required)</span></label>
            <p class="help" id="f-file-help">A JPEG, PNG or WebP file of at most \(limit / (1024 * 1024)) MiB (\(limit) bytes), the build's limit. \
            Its first bytes must say it is one of those: SVG, GIF, HEIC and other formats are refused; export them as JPEG or PNG first.</p>
            <input type="file" id="f-file" name="file" accept="image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp" required aria-describedby="f-file-help">
            </div>
            <div class="field" id="field-id">
            <label for="f-id">Id (file name)</label>
            <p class="help" id="f-id-help">Made from the file's name if left empty (<code>Talks in Istanbul.JPG</code> → <code>talks-in-istanbul</code>): \
            lower-case letters a-z, digits and single hyphens. An image that exists is never replaced.</p>
            <input type="text" id="f-id" name="id" value="\(id)" autocomplete="off" spellcheck="false" aria-describedby="f-id-help">
            </div>
            <div class="toolbar"><button type="submit" class="primary">Add the image</button> <a href="\(EditorRoutes.root)">Cancel</a></div>
            </form>
            """)
    }

    static func plural(_ kind: ContentKind) -> String {
        switch kind {
        case .overview: return "Overview"
        case .person: return "People"
        case .quote: return "Quotes"
        case .event: return "Timeline"
        case .source: return "Sources"
        case .page: return "Pages"
        case .topic: return "Topics"
        }
    }

    static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    static func singular(_ kind: ContentKind) -> String {
        switch kind {
        case .overview: return "overview"
        case .person: return "person"
        case .quote: return "quote"
        case .event: return "timeline event"
        case .source: return "source"
        case .page: return "page"
        case .topic: return "topic"
        }
    }

    // MARK: - The form

    static func form(_ state: FormState) -> HTML {
        let file = state.file
        let kindName = file == .siteConfig ? "Site settings" : file.kind.map { capitalized(singular($0)) } ?? "Image"
        let heading: String
        if state.isNew {
            heading = "New " + (file.kind.map(singular) ?? "entry")
        } else if file == .siteConfig {
            heading = "Site settings"
        } else if case .image(let id) = file {
            heading = "Image: \(id)"
        } else {
            let title = titleValue(state)
            heading = title.isEmpty ? kindName : "\(kindName): \(shortened(title, limit: 70))"
        }
        let action = state.isNew ? EditorRoutes.new(file.kind ?? .page) : EditorRoutes.form(file)
        let pagePath: HTML = state.isNew || file == .siteConfig ? .empty
            : " · <a href=\"/\(file.kind.map { SitePaths.page($0, file.id ?? "index") } ?? "index.html")\">View the page</a>"
        var location: HTML = state.isNew ? "<p class=\"file\">A new file in <code>content/\(file.kind?.folder ?? "")/</code></p>\n"
            : "<p class=\"file\"><code>content/\(file.relativePath)</code>\(pagePath)</p>\n"
        if case .image(let id) = file {
            let image: HTML = state.pickers.image(id).map { " · the image: <code>content/\($0.path)</code>" } ?? .empty
            location = "<p class=\"file\">The sidecar <code>content/\(file.relativePath)</code>\(image)</p>\n"
        }
        let picture: HTML = file.id.flatMap { id in file.kind == nil ? picturePanel(id, state: state) : nil } ?? .empty

        var fields: [HTML] = []
        if state.isNew { fields.append(idField(state)) }
        if let frontMatter = state.frontMatter {
            fields.append(wholeFrontMatter(frontMatter, problem: state.frontMatterProblem, state: state))
        } else {
            let rawKeys = Set(state.raw.map(\.key))
            for descriptor in state.fields where !rawKeys.contains(descriptor.key) {
                fields.append(field(descriptor, state: state))
            }
            for raw in state.raw { fields.append(rawField(raw, state: state)) }
        }
        if file.hasBody { fields.append(bodyField(state)) }

        let deleteLink: HTML = state.isNew || file.id == nil ? .empty
            : "<p class=\"delete\"><a href=\"\(EditorRoutes.delete(file))\">Delete this \(file.kind.map(singular) ?? "image")…</a></p>\n"
        return layout(heading, main: """
            <h1>\(heading)</h1>
            \(location)\(notice(state))\(conflict(state))\(summary(state))\(picture)<form method="post" action="\(action)" class="entry-form" novalidate \
            data-file="\(state.isNew ? "" : file.relativePath)" data-digest="\(state.digest)" data-new="\(state.isNew ? "true" : "false")">
            <input type="hidden" name="token" value="\(state.token)">
            <input type="hidden" name="digest" value="\(state.digest)">
            <div class="toolbar">\(saveButtons(state))<button type="submit" name="action" value="check">Check</button>\
            \(file.hasBody ? "<button type=\"submit\" name=\"action\" value=\"preview\">Preview</button>" as HTML : .empty)</div>
            <p class="live-status" id="live-status" role="status" aria-live="polite"></p>
            \(fields.joined(separator: "\n"))
            <div class="toolbar bottom">\(saveButtons(state))</div>
            \(datalists(state))
            </form>
            \(deleteLink)
            """)
    }

    private static func saveButtons(_ state: FormState) -> HTML {
        if state.notice == .problemsBeforeSave {
            return """
                <button type="submit" name="action" value="save" class="primary">Save</button>\
                <button type="submit" name="action" value="save-anyway" class="warning">Save anyway</button>
                """
        }
        if state.conflict != nil {
            return "<button type=\"submit\" name=\"action\" value=\"save-anyway\" class=\"warning\">Save my version over it</button>"
        }
        return "<button type=\"submit\" name=\"action\" value=\"save\" class=\"primary\">\(state.isNew ? "Create" : "Save")</button>"
    }

    private static func titleValue(_ state: FormState) -> String {
        for key in ["name", "title", "text"] {
            if case .text(let text)? = state.values[key], !text.isEmpty { return text }
        }
        return ""
    }

    private static func notice(_ state: FormState) -> HTML {
        switch state.notice {
        case .saved?:
            return """
                <p class="notice success" role="status" data-saved="true">Saved. The preview rebuilds by itself, and open pages of the site reload.</p>

                """
        case .created? where state.file.kind == nil:
            return """
                <p class="notice success" role="status" data-saved="true">Added the image with its sidecar \
                <code>content/\(state.file.relativePath)</code>. Write what it shows, its credit and its licence below: until then it is a draft, \
                and a page that shows it is an error.</p>

                """
        case .created?:
            return """
                <p class="notice success" role="status" data-saved="true" data-new-form="\(EditorRoutes.new(state.file.kind ?? .page))">Created \
                <code>content/\(state.file.relativePath)</code>. \
                The preview rebuilds by itself.</p>

                """
        case .noProblems?:
            return "<p class=\"notice success\" role=\"status\">No problems found: the site builds with this version.</p>\n"
        case .problemsBeforeSave?:
            return """
                <div class="notice error" role="alert"><p><strong>Not saved yet:</strong> the site would not build with this version \
                (the problems are listed below and at their fields). Fix them and save, or choose <em>Save anyway</em>: the file is yours, \
                and the preview then shows the error until it is fixed.</p></div>

                """
        case .staleToken?:
            return """
                <div class="notice error" role="alert"><p><strong>Not saved:</strong> this form was opened before the preview server \
                restarted. Your changes are still in the form below: save again.</p></div>

                """
        case nil:
            return .empty
        }
    }

    private static func conflict(_ state: FormState) -> HTML {
        guard let conflict = state.conflict else { return .empty }
        let disk: HTML = conflict.disk.map { "<pre class=\"version\" tabindex=\"0\" aria-labelledby=\"disk-version\">\($0)</pre>" }
            ?? "<p>The file has been deleted.</p>"
        return """
            <section class="conflict" role="alert" aria-labelledby="conflict-heading">
            <h2 id="conflict-heading">The file changed on disk since you opened it</h2>
            <p>Someone or something (another window, a text editor, <code>git pull</code>) saved it meanwhile. Nothing was written. \
            Your version is still in the form below and in this browser until you save or discard it.</p>
            <div class="versions">
            <div><h3 id="disk-version">The file on disk now</h3>\(disk)</div>
            <div><h3 id="draft-version">Your version</h3><pre class="version" tabindex="0" aria-labelledby="draft-version">\(conflict.draft)</pre></div>
            </div>
            <p>Copy what you need from the file on disk into the form, then <strong>Save my version over it</strong>; or \
            <a href="\(EditorRoutes.form(state.file))" data-discard="true">discard your version and open the file as it is now</a>.</p>
            </section>

            """
    }

    private static func summary(_ state: FormState) -> HTML {
        let problems = state.problems
        guard !problems.isEmpty else { return .empty }
        var items: [HTML] = []
        let labels = Dictionary(state.fields.map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })
        for key in (state.fields.map(\.key) + state.raw.map(\.key) + ["id"]) {
            for message in problems.fields[key] ?? [] {
                let label = key == "id" ? "File name" : labels[key] ?? key
                items.append("<li><a href=\"#f-\(key)\">\(label)</a>: \(message)</li>")
            }
        }
        for problem in problems.body { items.append("<li><a href=\"#f-body\">Text, line \(problem.line)</a>: \(problem.message)</li>") }
        for message in problems.general { items.append("<li>\(message)</li>") }
        for diagnostic in problems.elsewhere { items.append("<li>In another file: <code>\(diagnostic.description)</code></li>") }
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return """
            <section class="problem-summary" aria-labelledby="problems-heading" tabindex="-1" id="problems">
            <h2 id="problems-heading">\(count)</h2>
            <ul>\(items.joined(separator: "\n"))</ul>
            </section>

            """
    }

    // MARK: - Fields

    private static func problemList(_ messages: [String], id: String) -> HTML {
        let items = messages.map { message -> HTML in "<li>\(message)</li>" }
        return "<ul class=\"problems\" id=\"\(id)\">\(items)</ul>"
    }

    private static func label(_ descriptor: FieldDescriptor) -> HTML {
        descriptor.isRequired ? "\(descriptor.label) <span class=\"required\">(required)</span>" : "\(descriptor.label)"
    }

    private static func help(_ descriptor: FieldDescriptor, id: String) -> HTML {
        let text = descriptor.help.isEmpty ? "" : descriptor.help + " "
        return "<p class=\"help\" id=\"\(id)\">\(text)<span class=\"key\">(<code>\(descriptor.key)</code> in the file)</span></p>"
    }

    private static func invalid(_ problems: [String]) -> HTML {
        problems.isEmpty ? .empty : " aria-invalid=\"true\""
    }

    static func field(_ descriptor: FieldDescriptor, state: FormState) -> HTML {
        let key = descriptor.key
        let id = "f-" + key
        let problems = state.problems.fields[key] ?? []
        let described = "\(id)-help \(id)-problems"
        let value = state.values[key] ?? EntryDocument.Value.emptyValue(descriptor.type)
        let text: String
        if case .text(let scalar) = value { text = scalar } else { text = "" }

        switch descriptor.type {
        case .references(let kind):
            return listField(descriptor, state: state, kind: kind, problems: problems)
        case .texts:
            return listField(descriptor, state: state, kind: nil, problems: problems)
        case .corrections:
            return correctionsField(descriptor, state: state, problems: problems)
        case .flag:
            return """
                <div class="field flag" id="field-\(key)" data-key="\(key)" data-type="flag">
                <input type="checkbox" id="\(id)" name="\(key)" value="true"\(text == "true" ? " checked" : "" as HTML) \
                aria-describedby="\(described)"\(invalid(problems))> <label for="\(id)">\(label(descriptor))</label>
                \(help(descriptor, id: id + "-help"))
                \(problemList(problems, id: id + "-problems"))
                </div>
                """
        case .choice(let choices):
            let all = choices.contains(text) || text.isEmpty ? choices : choices + [text]
            let options = [HTML("<option value=\"\"\(text.isEmpty ? " selected" : "" as HTML)>(not set: \(choices.first ?? ""))</option>")]
                + all.map { choice -> HTML in "<option value=\"\(choice)\"\(choice == text ? " selected" : "" as HTML)>\(choice)</option>" }
            return labelled(descriptor, type: "choice", problems: problems,
                            control: "<select id=\"\(id)\" name=\"\(key)\" aria-describedby=\"\(described)\"\(invalid(problems))>\(options)</select>")
        case .longText:
            return labelled(descriptor, type: "long-text", problems: problems, control: """
                <textarea id="\(id)" name="\(key)" rows="3" aria-describedby="\(described)"\(invalid(problems))>
                \(text)</textarea>
                """)
        case .date:
            return labelled(descriptor, type: "date", problems: problems, control: """
                <input type="text" id="\(id)" name="\(key)" value="\(text)" autocomplete="off" spellcheck="false" \
                placeholder="2025-05-11" aria-describedby="\(id)-precision \(described)"\(invalid(problems))>
                <p class="precision" id="\(id)-precision">\(precision(text))</p>
                """)
        case .reference(let kind):
            return labelled(descriptor, type: "reference", kind: kind, problems: problems, control: """
                <input type="text" id="\(id)" name="\(key)" value="\(text)" list="list-\(kind.rawValue)" data-picker="\(kind.rawValue)" \
                autocomplete="off" spellcheck="false" aria-describedby="\(id)-chosen \(described)"\(invalid(problems))>
                <p class="chosen" id="\(id)-chosen">\(chosenText(text, kind: kind, state: state))</p>
                """)
        case .image:
            return labelled(descriptor, type: "image", problems: problems, control: """
                <input type="text" id="\(id)" name="\(key)" value="\(text)" list="list-image" data-picker="image" \
                autocomplete="off" spellcheck="false" aria-describedby="\(id)-chosen \(described)"\(invalid(problems))>
                <p class="chosen" id="\(id)-chosen">\(chosenImage(text, state: state))</p>
                """)
        case .focus:
            return labelled(descriptor, type: "focus", problems: problems, control: """
                <input type="text" id="\(id)" name="\(key)" value="\(text)" autocomplete="off" spellcheck="false" \
                placeholder="0.5, 0.5" data-focus-input="true" aria-describedby="\(described)"\(invalid(problems))>
                """)
        case .text, .url, .number:
            let type = descriptor.type == .url ? "url" : "text"
            return labelled(descriptor, type: "text", problems: problems,
                            control: "<input type=\"\(type)\" id=\"\(id)\" name=\"\(key)\" value=\"\(text)\" aria-describedby=\"\(described)\"\(invalid(problems))>")
        }
    }

    /// A field of one input: its label, help, the input (`control`, with anything shown under it) and its problems.
    private static func labelled(_ descriptor: FieldDescriptor, type: String, kind: ContentKind? = nil, problems: [String],
                                 control: HTML) -> HTML {
        let id = "f-" + descriptor.key
        let kindAttribute: HTML = kind.map { " data-kind=\"\($0.rawValue)\"" } ?? .empty
        return """
            <div class="field" id="field-\(descriptor.key)" data-key="\(descriptor.key)" data-type="\(type)"\(kindAttribute)>
            <label for="\(id)">\(label(descriptor))</label>
            \(help(descriptor, id: id + "-help"))
            \(control)
            \(problemList(problems, id: id + "-problems"))
            </div>
            """
    }

    /// "Exact day: 11 May 2025", "Month only (day unknown): May 2025", "Year only (month and day unknown): 2025".
    static func precision(_ text: String) -> String {
        guard !text.isEmpty, case .success(let date) = PartialDate.parse(text) else { return "Write 2025, 2025-05 or 2025-05-11." }
        if date.day != nil { return "Exact day: \(date.display)" }
        if date.month != nil { return "Month only (day unknown): \(date.display)" }
        return "Year only (month and day unknown): \(date.display)"
    }

    private static func chosenImage(_ id: String, state: FormState) -> String {
        guard !id.isEmpty else { return "Type part of an id or of what the image shows, then pick from the list." }
        guard let image = state.pickers.image(id) else { return "No image has the id '\(id)'." }
        return image.credit.isEmpty ? image.alt : "\(image.alt) · \(image.credit)"
    }

    /// The picture at the top of an image's form; clicking it sets the focus point (the script's part).
    private static func picturePanel(_ id: String, state: FormState) -> HTML {
        """
        <figure class="picture-panel" data-focus-picker="true">
        <div class="picture-frame"><img src="\(EditorRoutes.original(id))" alt="The image \(id), as it is in the content folder" \
        id="focus-picture"><span class="focus-mark" hidden></span></div>
        <figcaption>With the script on, click the picture to set the focus point, the part crops keep; or type it below.</figcaption>
        </figure>

        """
    }

    private static func chosenText(_ id: String, kind: ContentKind, state: FormState) -> String {
        guard !id.isEmpty else { return "Type part of a name or an id, then pick from the list." }
        guard let option = state.pickers.title(id, kind: kind) else { return "No \(singular(kind)) has the id '\(id)'." }
        return option.detail.isEmpty ? option.title : "\(option.title) · \(option.detail)"
    }

    private static func itemButtons(key: String, index: Int, count: Int, label: String) -> HTML {
        let number = index + 1
        var buttons: [HTML] = []
        if index > 0 {
            buttons.append("<button type=\"submit\" name=\"action\" value=\"up:\(key):\(index)\" class=\"small\" aria-label=\"Move \(label) \(number) up\">Up</button>")
        }
        if index + 1 < count {
            buttons.append("<button type=\"submit\" name=\"action\" value=\"down:\(key):\(index)\" class=\"small\" aria-label=\"Move \(label) \(number) down\">Down</button>")
        }
        buttons.append("<button type=\"submit\" name=\"action\" value=\"remove:\(key):\(index)\" class=\"small\" aria-label=\"Remove \(label) \(number)\">Remove</button>")
        return "<span class=\"item-actions\">\(buttons)</span>"
    }

    private static func listField(_ descriptor: FieldDescriptor, state: FormState, kind: ContentKind?, problems: [String]) -> HTML {
        let key = descriptor.key
        let id = "f-" + key
        guard case .list(let items) = state.values[key] ?? .list([]) else { return .empty }
        let itemLabel = descriptor.label.lowercased().hasSuffix("s") ? String(descriptor.label.dropLast()) : descriptor.label + " item"
        let rows = items.enumerated().map { index, item -> HTML in
            let inputID = "\(id)-\(index)"
            let picker: HTML = kind.map { " list=\"list-\($0.rawValue)\" data-picker=\"\($0.rawValue)\" autocomplete=\"off\" spellcheck=\"false\"" } ?? .empty
            let chosen: HTML = kind.map { kind in "<span class=\"chosen\" id=\"\(inputID)-chosen\">\(chosenText(item, kind: kind, state: state))</span>" } ?? .empty
            let describedBy: HTML = kind == nil ? .empty : " aria-describedby=\"\(inputID)-chosen\""
            return """
                <li class="item"><input type="text" id="\(inputID)" name="\(key)" value="\(item)" aria-label="\(itemLabel) \(index + 1)"\(picker)\(describedBy)>\
                \(itemButtons(key: key, index: index, count: items.count, label: itemLabel))\(chosen)</li>
                """
        }
        return """
            <fieldset class="field list" id="field-\(key)" data-key="\(key)" data-type="list"\(kind.map { " data-kind=\"\($0.rawValue)\"" as HTML } ?? .empty) \
            aria-describedby="\(id)-help \(id)-problems">
            <legend id="\(id)">\(label(descriptor))</legend>
            \(help(descriptor, id: id + "-help"))
            <ol class="items">\(rows.joined(separator: "\n"))</ol>
            <button type="submit" name="action" value="add:\(key)" class="add" data-item-label="\(itemLabel)">Add \(itemLabel.lowercased())</button>
            \(problemList(problems, id: id + "-problems"))
            </fieldset>
            """
    }

    private static func correctionsField(_ descriptor: FieldDescriptor, state: FormState, problems: [String]) -> HTML {
        let key = descriptor.key
        let id = "f-" + key
        guard case .corrections(let items) = state.values[key] ?? .corrections([]) else { return .empty }
        let rows = items.enumerated().map { index, item -> HTML in
            let itemID = "\(id)-\(index)"
            return """
                <li class="item correction"><div class="pair"><label for="\(itemID)-date">Correction \(index + 1): date</label>\
                <input type="text" id="\(itemID)-date" name="corrections.date" value="\(item.date)" autocomplete="off" \
                placeholder="2025-05-12" data-date-input="true"></div>\
                <div class="pair"><label for="\(itemID)-note">Correction \(index + 1): what was wrong</label>\
                <textarea id="\(itemID)-note" name="corrections.note" rows="2">
                \(item.note)</textarea></div>\
                \(itemButtons(key: key, index: index, count: items.count, label: "correction"))</li>
                """
        }
        return """
            <fieldset class="field list corrections" id="field-\(key)" data-key="\(key)" data-type="corrections" aria-describedby="\(id)-help \(id)-problems">
            <legend id="\(id)">\(label(descriptor))</legend>
            \(help(descriptor, id: id + "-help"))
            <ol class="items">\(rows.joined(separator: "\n"))</ol>
            <button type="submit" name="action" value="add:\(key)" class="add">Add a correction</button>
            \(problemList(problems, id: id + "-problems"))
            </fieldset>
            """
    }

    private static func rawField(_ raw: (key: String, text: String, reason: String), state: FormState) -> HTML {
        let id = "f-" + raw.key
        let problems = state.problems.fields[raw.key] ?? []
        return """
            <div class="field raw" id="field-\(raw.key)" data-key="\(raw.key)" data-type="raw">
            <label for="\(id)"><code>\(raw.key)</code> as written in the file</label>
            <p class="help" id="\(id)-help">Shown as YAML text because \(raw.reason). It is saved as you leave it; empty the box to remove the field.</p>
            <textarea id="\(id)" name="raw:\(raw.key)" rows="\(max(2, raw.text.split(separator: "\n").count + 1))" spellcheck="false" \
            aria-describedby="\(id)-help \(id)-problems"\(invalid(problems))>
            \(raw.text)</textarea>
            \(problemList(problems, id: id + "-problems"))
            </div>
            """
    }

    private static func wholeFrontMatter(_ text: String, problem: String?, state: FormState) -> HTML {
        let problems = state.problems.general
        return """
            <div class="field raw" id="field-frontmatter" data-key="frontmatter" data-type="raw">
            <label for="f-frontmatter">The fields, as YAML text</label>
            <p class="help" id="f-frontmatter-help">This file's front matter cannot be shown field by field\(problem.map { ": \($0)" } ?? "."). \
            Fix it here; once it reads as fields, the form shows them.</p>
            <textarea id="f-frontmatter" name="frontmatter" rows="\(max(4, text.split(separator: "\n").count + 2))" spellcheck="false" \
            aria-describedby="f-frontmatter-help f-frontmatter-problems">
            \(text)</textarea>
            \(problemList(problems, id: "f-frontmatter-problems"))
            </div>
            """
    }

    private static func idField(_ state: FormState) -> HTML {
        let problems = state.problems.fields["id"] ?? []
        return """
            <div class="field" id="field-id" data-key="id" data-type="id">
            <label for="f-id">File name</label>
            <p class="help" id="f-id-help">Made from the title, name or text if left empty, as <code>briefing new</code> makes it: \
            lower-case letters a-z, digits and single hyphens. It becomes the page's address.</p>
            <input type="text" id="f-id" name="id" value="\(state.newID)" autocomplete="off" spellcheck="false" \
            aria-describedby="f-id-help f-id-problems"\(invalid(problems))>
            \(problemList(problems, id: "f-id-problems"))
            </div>
            """
    }

    private static func bodyField(_ state: FormState) -> HTML {
        let problems = state.problems.body.map { "line \($0.line): \($0.message)" }
        let preview: HTML = state.preview.map { html -> HTML in
            "<iframe class=\"preview\" title=\"Preview of the text\" sandbox=\"allow-popups\" srcdoc=\"\(previewDocument(html, state: state).markup)\"></iframe>"
        } ?? "<iframe class=\"preview\" title=\"Preview of the text\" sandbox=\"allow-popups\" hidden></iframe>"
        return """
            <div class="field body" id="field-body" data-key="body" data-type="body">
            <label for="f-body">Text (Markdown)</label>
            <p class="help" id="f-body-help">Links to other entries go to their files, e.g. <code>[Putin](../people/vladimir-putin.md)</code>: \
            pick one below to insert it.</p>
            <div class="link-picker">
            <label for="f-link">Insert a link to</label>
            <input type="text" id="f-link" name="link" list="list-links" data-picker="links" autocomplete="off" spellcheck="false">
            <button type="submit" name="action" value="insert-link">Insert link</button>
            </div>
            <div class="link-picker">
            <label for="f-embed">Insert an image</label>
            <input type="text" id="f-embed" name="embed" list="list-embeds" data-picker="embeds" autocomplete="off" spellcheck="false">
            <button type="submit" name="action" value="insert-image">Insert image</button>
            </div>
            <textarea id="f-body" name="body" rows="14" aria-describedby="f-body-help f-body-problems"\(invalid(problems))>
            \(state.body)</textarea>
            \(problemList(problems, id: "f-body-problems"))
            <section class="preview-section" aria-labelledby="preview-heading">
            <h2 id="preview-heading">Preview</h2>
            \(preview)
            </section>
            </div>
            """
    }

    /// The preview's document: the body as the site renders it, with the site's stylesheet, its links relative to the
    /// entry's page.
    static func previewDocument(_ body: String, state: FormState) -> HTML {
        let page = SitePaths.page(forEditor: state.file)
        return """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><base href="/\(page)" target="_blank">\
            <link rel="stylesheet" href="/assets/style.css"><title>Preview</title></head>\
            <body><main class="wrap"><div class="prose">\(HTML(renderedMarkdown: body))</div></main></body></html>
            """
    }

    private static func datalists(_ state: FormState) -> HTML {
        var kinds: Set<ContentKind> = []
        for field in state.fields {
            switch field.type {
            case .reference(let kind), .references(let kind): kinds.insert(kind)
            default: break
            }
        }
        var lists: [HTML] = []
        if state.fields.contains(where: { $0.type == .image }) {
            let options = state.pickers.images.map { image -> HTML in
                "<option value=\"\(image.id)\" data-detail=\"\(image.credit)\" data-thumb=\"\(EditorRoutes.picture(image.id))\">\(image.alt)</option>"
            }
            lists.append("<datalist id=\"list-image\">\(options)</datalist>")
        }
        lists += kinds.sorted().map { kind in
            let options = (state.pickers.options[kind] ?? []).map { option -> HTML in
                "<option value=\"\(option.id)\" data-detail=\"\(option.detail)\">\(option.title)</option>"
            }
            return "<datalist id=\"list-\(kind.rawValue)\">\(options)</datalist>"
        }
        if state.file.hasBody {
            let options = state.pickers.linkTargets.filter { $0.path != state.relativePath }.map { target -> HTML in
                "<option value=\"\(target.path)\" data-link=\"\(FormState.link(to: target.path, from: state.relativePath))\">\(target.title)</option>"
            }
            lists.append("<datalist id=\"list-links\">\(options)</datalist>")
            let embeds = state.pickers.images.map { image -> HTML in
                let embed = FormState.embed(image, from: state.relativePath)
                return "<option value=\"\(image.id)\" data-detail=\"\(image.credit)\" data-thumb=\"\(EditorRoutes.picture(image.id))\" data-link=\"\(embed)\">\(image.alt)</option>"
            }
            lists.append("<datalist id=\"list-embeds\">\(embeds)</datalist>")
        }
        return lists.joined(separator: "\n")
    }

    // MARK: - Deleting

    static func deletePage(_ file: EditedFile, title: String, referrers: [Entry], digest: String, token: String) -> HTML {
        let what = file.kind.map(singular) ?? "image"
        let removed: HTML = file.kind == nil
            ? "The image and its sidecar <code>content/\(file.relativePath)</code> will be removed from the content folder together"
            : "<code>content/\(file.relativePath)</code> will be removed from the content folder"
        guard referrers.isEmpty else {
            let items = referrers.map { entry -> HTML in
                let link: HTML = EditedFile(relativePath: entry.relativePath).map { "<a href=\"\(EditorRoutes.form($0))\">\(shortened(entry.title, limit: 80))</a>" }
                    ?? "\(entry.title)"
                return "<li>\(link) <span class=\"path\">\(entry.relativePath)</span></li>"
            }
            return layout("Cannot delete", main: """
                <h1>This \(what) cannot be deleted yet</h1>
                <p class="message"><code>content/\(file.relativePath)</code> (\(title)) is \(file.kind == nil ? "shown" : "referred to") by \
                \(referrers.count == 1 ? "1 entry" : "\(referrers.count) entries"). Deleting it would break them: change them first.</p>
                <ul class="entries">\(items.joined(separator: "\n"))</ul>
                <p><a href="\(EditorRoutes.form(file))">Back to the \(what)</a></p>
                """)
        }
        return layout("Delete", main: """
            <h1>Delete this \(what)?</h1>
            <p class="message"><strong>\(title)</strong>: \(removed). \
            Nothing refers to it. If the folder is under version control, the file can be brought back from there.</p>
            <form method="post" action="\(EditorRoutes.delete(file))">
            <input type="hidden" name="token" value="\(token)">
            <input type="hidden" name="digest" value="\(digest)">
            <div class="toolbar"><button type="submit" class="warning">Delete \(file.kind == nil ? "the image" : "the file")</button> <a href="\(EditorRoutes.form(file))">Keep it</a></div>
            </form>
            """)
    }
}

extension SitePaths {
    /// The page of the file the editor has open; the overview for `site.yaml`.
    static func page(forEditor file: EditedFile) -> String {
        guard case .entry(let kind, let id) = file else { return "index.html" }  // site.yaml and image sidecars
        return page(kind, id)
    }
}
