import BriefingKit
import Foundation

/// Everything an editor form shows: the file, the values in it (as opened, or as the editor sent them), the problems
/// found, and the entries its pickers offer.
struct FormState: Sendable {
    var file: EditedFile
    var isNew: Bool
    /// Typed values by key.
    var values: [String: EntryDocument.Value] = [:]
    /// Fields shown as YAML text, in file order: key, text, why.
    var raw: [(key: String, text: String, reason: String)] = []
    var body = ""
    /// The whole front matter as text, when it cannot be shown field by field, and why.
    var frontMatter: String?
    var frontMatterProblem: String?
    /// The digest of the file's bytes the form was opened from.
    var digest: String
    /// For a new entry: the file name asked for (empty: made from the title).
    var newID = ""
    let token: String
    var problems = ProblemPlacement()
    var notice: Notice?
    var preview: String?
    var conflict: Conflict?
    /// The link picker's choice, for "Insert link" without JavaScript.
    var requestedLink: String?
    /// The image picker's choice, for "Insert image" without JavaScript.
    var requestedImage: String?
    /// Filled in only for a page that shows pickers (`EditorResponder.formPage`): a live check needs none.
    var pickers = Pickers()

    enum Notice: Sendable {
        case saved, created, noProblems, problemsBeforeSave, staleToken
    }

    struct Conflict: Sendable {
        /// The file on disk now; nil if it was removed.
        var disk: String?
        /// The file as the draft would write it.
        var draft: String
    }

    var relativePath: String { file.relativePath }
    var fields: [FieldDescriptor] { file.fields }

    /// A form for a new entry of `kind`.
    init(new kind: ContentKind, token: String) {
        file = .entry(kind, id: "new")
        isNew = true
        digest = SHA256.hex([])
        self.token = token
        for field in fields { values[field.key] = EntryDocument.Value.emptyValue(field.type) }
    }

    /// The form for a file as it is on disk.
    init(document: EntryDocument, token: String) {
        file = document.file
        isNew = false
        digest = document.digest
        self.token = token
        body = document.body
        if let problem = document.unreadable {
            frontMatter = document.frontMatter
            frontMatterProblem = problem.description
            return
        }
        for field in fields { values[field.key] = document.value(of: field) }
        let known = Set(fields.map(\.key))
        for (key, field) in document.orderedFields {
            if case .raw(let text, let reason) = field {
                raw.append((key, text, reason))
                if known.contains(key) { values[key] = nil }
            }
        }
    }

    /// The form as the editor sent it, over the file as it is now (`document`).
    init(document: EntryDocument, form: FormData, newKind: ContentKind?, token: String) {
        file = newKind.map { .entry($0, id: "new") } ?? document.file
        isNew = newKind != nil
        digest = form["digest"] ?? document.digest
        self.token = token
        body = form["body"] ?? ""
        requestedLink = form["link"]
        requestedImage = form["embed"]
        newID = (form["id"] ?? "").trimmingCharacters(in: .whitespaces)
        if let text = form["frontmatter"] {
            frontMatter = text
            frontMatterProblem = document.unreadable?.description
            return
        }
        let rawKeys = form.fields.compactMap { $0.name.hasPrefix("raw:") ? String($0.name.dropFirst(4)) : nil }
        let reasons = Dictionary(document.orderedFields.compactMap { key, field -> (String, String)? in
            if case .raw(_, let reason) = field { return (key, reason) }
            return nil
        }, uniquingKeysWith: { a, _ in a })
        for key in rawKeys {
            raw.append((key, form["raw:" + key] ?? "", reasons[key] ?? "it is shown as written"))
        }
        for field in fields where !rawKeys.contains(field.key) {
            switch field.type {
            case .references, .texts:
                values[field.key] = .list(form.all(field.key))
            case .corrections:
                let dates = form.all("corrections.date"), notes = form.all("corrections.note")
                values[field.key] = .corrections((0..<max(dates.count, notes.count)).map { index in
                    EntryDocument.CorrectionDraft(date: index < dates.count ? dates[index] : "", note: index < notes.count ? notes[index] : "")
                })
            case .flag:
                values[field.key] = .text(form[field.key] == "true" ? "true" : "false")
            default:
                values[field.key] = .text(form[field.key] ?? "")
            }
        }
    }

    // MARK: - What the form makes

    var draft: EntryDocument.Draft {
        EntryDocument.Draft(values: values, raw: Dictionary(raw.map { ($0.key, $0.text) }, uniquingKeysWith: { a, _ in a }), body: body,
                            frontMatter: frontMatter)
    }

    func render(_ document: EntryDocument) -> EntryDocument.Rendered {
        (isNew ? EntryDocument(new: file) : document).render(draft)
    }

    /// The file a new entry becomes: the id asked for, or one made from its title as `briefing new` makes it.
    struct NewFileProblem: Error {
        var message: String
    }

    func newFile() -> Result<EditedFile, NewFileProblem> {
        guard case .entry(let kind, _) = file else { return .failure(NewFileProblem(message: "site.yaml is not made here")) }
        var id = newID
        if id.isEmpty {
            let titleKey = kind == .person ? "name" : kind == .quote ? "text" : "title"
            guard case .text(let title)? = values[titleKey], !title.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .failure(NewFileProblem(message: "give the entry a \(titleKey) first, or a file name: the file name is made from it"))
            }
            id = NewEntry.slug(title)
        }
        guard let file = EditedFile(kind: kind.rawValue, id: id) else {
            return .failure(NewFileProblem(message: "invalid file name '\(id)': use lower-case letters a-z, digits and single hyphens, e.g. '\(NewEntry.slug(id))'"))
        }
        if kind == .page, SitePaths.reservedPageIDs.contains(id) {
            return .failure(NewFileProblem(message: "'\(id)' is taken by \(SitePaths.reservedPageReason(id)): choose another file name"))
        }
        return .success(file)
    }

    // MARK: - Lists without JavaScript

    /// Adds an empty item to a list, or removes or moves item `index`.
    mutating func edit(list key: String, action: String, index: Int?) {
        guard let value = values[key] else { return }
        switch value {
        case .list(var items):
            Self.apply(action, index, to: &items, empty: "")
            values[key] = .list(items)
        case .corrections(var items):
            Self.apply(action, index, to: &items, empty: EntryDocument.CorrectionDraft(date: "", note: ""))
            values[key] = .corrections(items)
        case .text:
            break
        }
    }

    private static func apply<T>(_ action: String, _ index: Int?, to items: inout [T], empty: T) {
        switch (action, index) {
        case ("add", _): items.append(empty)
        case ("remove", let index?) where items.indices.contains(index): items.remove(at: index)
        case ("up", let index?) where index > 0 && items.indices.contains(index): items.swapAt(index, index - 1)
        case ("down", let index?) where items.indices.contains(index + 1): items.swapAt(index, index + 1)
        default: break
        }
    }

    /// Adds a link to the entry picked in the link picker at the end of the body.
    mutating func insertLink(session: SiteSession) {
        guard let path = requestedLink, let entry = session.snapshot().entries.first(where: { $0.relativePath == path }) else { return }
        let target = Pickers.LinkTarget(path: entry.relativePath, title: entry.title)
        let link = "[\(target.title)](\(Self.link(to: target.path, from: relativePath)))"
        body += body.isEmpty || body.hasSuffix("\n") ? link + "\n" : " " + link
    }

    /// Adds the image picked in the image picker at the end of the body, as a figure of its own paragraph.
    mutating func insertImage(session: SiteSession) {
        guard let id = requestedImage, let image = Pickers(session.snapshot()).image(id) else { return }
        let embed = Self.embed(image, from: relativePath)
        body += body.isEmpty ? embed + "\n" : body.hasSuffix("\n\n") ? embed + "\n" : body.hasSuffix("\n") ? "\n" + embed + "\n" : "\n\n" + embed + "\n"
    }

    /// `![alt](../media/ID.jpg "caption")`: an image of `media/` shown as a figure in the body of the file at `source`.
    static func embed(_ image: Pickers.ImageOption, from source: String) -> String {
        let alt = image.isDraft ? "" : image.alt.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "[", with: "\\[")
            .replacingOccurrences(of: "]", with: "\\]").replacingOccurrences(of: "\n", with: " ")
        let title = image.caption.map { " \"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: " ") + "\"" } ?? ""
        return "![\(alt)](\(link(to: image.path, from: source))\(title))"
    }

    /// A link from the file at `from` to the content file `to`, as editors write them: relative, to the Markdown file.
    static func link(to target: String, from source: String) -> String {
        source.contains("/") ? "../" + target : target
    }
}

extension EntryDocument {
    /// The fields written in the file, in file order.
    var orderedFields: [(String, Field)] {
        let fields = self.fields
        var seen: Set<String> = []
        return (unknownKeys + file.fields.map(\.key) + fields.keys.sorted()).compactMap { key in
            guard let field = fields[key], seen.insert(key).inserted else { return nil }
            return (key, field)
        }
    }
}

extension EntryDocument.Value {
    static func emptyValue(_ type: FieldDescriptor.ValueType) -> EntryDocument.Value {
        switch type {
        case .references, .texts: return .list([])
        case .corrections: return .corrections([])
        default: return .text("")
        }
    }
}

/// The entries a form's pickers offer, by kind, with their titles.
struct Pickers: Sendable {
    struct Option: Sendable {
        var id: String
        var title: String
        var detail: String
    }

    struct LinkTarget: Sendable {
        /// Inside the content folder, e.g. `people/x.md`.
        var path: String
        var title: String
    }

    /// An image of `media/` for the image pickers.
    struct ImageOption: Sendable {
        var id: String
        var alt: String
        var credit: String
        var caption: String?
        /// Inside the content folder, e.g. `media/talks.jpg`.
        var path: String
        var isDraft: Bool
    }

    var options: [ContentKind: [Option]] = [:]
    var linkTargets: [LinkTarget] = []
    var images: [ImageOption] = []

    init() {}

    init(_ snapshot: SiteSession.Snapshot) {
        images = snapshot.images.values.map { image in
            ImageOption(id: image.id, alt: image.isDraft ? "\(image.id) (not described yet)" : image.fields.alt,
                        credit: image.isDraft ? "" : image.fields.credit, caption: image.fields.caption, path: image.relativePath,
                        isDraft: image.isDraft)
        }.sorted { ($0.alt.lowercased(), $0.id) < ($1.alt.lowercased(), $1.id) }
        for entry in snapshot.entries {
            let detail: String
            switch entry.fields {
            case .person(let person): detail = person.role
            case .event(let event): detail = event.date.display
            case .source(let source): detail = source.publisher
            default: detail = ""
            }
            options[entry.kind, default: []].append(Option(id: entry.id, title: entry.title, detail: detail))
            linkTargets.append(LinkTarget(path: entry.relativePath, title: entry.title))
        }
        // Topics exist as soon as a list names them, file or not.
        if let site = snapshot.site {
            let withFiles = Set((options[.topic] ?? []).map(\.id))
            for topic in site.topics where !withFiles.contains(topic.id) {
                options[.topic, default: []].append(Option(id: topic.id, title: topic.title, detail: "no topic file"))
            }
        }
        for kind in options.keys { options[kind]?.sort { ($0.title.lowercased(), $0.id) < ($1.title.lowercased(), $1.id) } }
        linkTargets.sort { ($0.title.lowercased(), $0.path) < ($1.title.lowercased(), $1.path) }
    }

    func image(_ id: String) -> ImageOption? {
        images.first { $0.id == id }
    }

    func title(_ id: String, kind: ContentKind) -> Option? {
        options[kind]?.first { $0.id == id }
    }
}
