import BriefingKit
import Foundation

/// The problems a check found, placed where the form shows them: at a field (by the lines the field was written on),
/// at a line of the body, at the top of the form, or in another file.
struct ProblemPlacement: Sendable {
    /// Messages by front matter key.
    var fields: [String: [String]] = [:]
    /// Messages by line of the body (1-based, counted in the body).
    var body: [(line: Int, message: String)] = []
    /// Problems of this file that belong to no one field.
    var general: [String] = []
    /// Problems of other files that the draft causes or leaves.
    var elsewhere: [Diagnostic] = []

    init() {}

    init(_ diagnostics: [Diagnostic], rendered: EntryDocument.Rendered, state: FormState, displayPath: String) {
        let keys = state.fields.map(\.key) + state.raw.map(\.key)
        for diagnostic in diagnostics {
            guard diagnostic.location.path == displayPath else {
                elsewhere.append(diagnostic)
                continue
            }
            let line = diagnostic.location.line
            if state.file.hasBody, line >= rendered.bodyFirstLine, state.frontMatter == nil {
                body.append((line - rendered.bodyFirstLine + 1, diagnostic.message))
            } else if let key = rendered.fieldLines.first(where: { $0.value.contains(line) })?.key {
                fields[key, default: []].append(diagnostic.message)
            } else if let key = keys.first(where: { diagnostic.message.contains("'\($0)'") }) {
                // "missing required field 'x'" is reported where the front matter starts.
                fields[key, default: []].append(diagnostic.message)
            } else if state.frontMatter != nil {
                general.append("line \(line - (state.file.hasBody ? 1 : 0)) of the front matter: \(diagnostic.message)")
            } else {
                general.append(diagnostic.message)
            }
        }
    }

    var isEmpty: Bool { fields.isEmpty && body.isEmpty && general.isEmpty && elsewhere.isEmpty }
    var count: Int { fields.values.reduce(0) { $0 + $1.count } + body.count + general.count + elsewhere.count }

    /// What the live check answers the page's script.
    var json: String {
        struct Placed: Encodable {
            var fields: [String: [String]]
            var body: [Line]
            var general: [String]
            var elsewhere: [String]
            var count: Int
        }
        struct Line: Encodable {
            var line: Int
            var message: String
        }
        let placed = Placed(fields: fields, body: body.map { Line(line: $0.line, message: $0.message) }, general: general,
                            elsewhere: elsewhere.map(\.description), count: count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(placed)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Every file the editor lists on its home page, by kind, with its title where the site in memory has one.
struct EditorListing: Sendable {
    struct Item: Sendable {
        var file: EditedFile
        var title: String
        var isDraft: Bool
        /// Set when the file is not in the site in memory (it does not parse, or is newer than the last good build).
        var note: String?
    }

    var groups: [(kind: ContentKind?, items: [Item])] = []

    /// An image of `media/`: its sidecar's form, what it shows (its alt text), and its files.
    struct Image: Sendable {
        var id: String
        var title: String
        var credit: String
        /// The image file's path inside the content folder, e.g. `media/talks.jpg`, when the site in memory has it.
        var imagePath: String?
        var isDraft: Bool
        var note: String?
    }

    var images: [Image] = []

    init(session: SiteSession, writer: ContentWriter) {
        let snapshot = session.snapshot()
        let entries = Dictionary(snapshot.entries.map { ($0.relativePath, $0) }, uniquingKeysWith: { a, _ in a })
        let known = session.images(in: snapshot)
        var byKind: [ContentKind: [Item]] = [:]
        var site: [Item] = []
        for path in ContentLoader.listFiles(in: writer.contentFolder) {
            guard let file = EditedFile(relativePath: path) else { continue }
            if case .image(let id) = file {
                let image = known[id]
                images.append(Image(id: id, title: image.map { $0.isDraft ? "\(id) (not described yet)" : $0.fields.alt } ?? id,
                                    credit: image?.fields.credit ?? "", imagePath: image?.relativePath, isDraft: image?.isDraft ?? false,
                                    note: image == nil ? "not in the last good build" : nil))
                continue
            }
            let entry = entries[path]
            let item = Item(file: file, title: entry?.title ?? (file == EditedFile.siteConfig ? "Site settings" : path), isDraft: entry?.editorial.isDraft ?? false,
                            note: entry == nil && file != EditedFile.siteConfig ? "not in the last good build" : nil)
            if let kind = file.kind { byKind[kind, default: []].append(item) } else { site.append(item) }
        }
        groups.append((nil, site))
        for kind in ContentKind.allCases {
            let items = (byKind[kind] ?? []).sorted { ($0.title.lowercased(), $0.file.relativePath) < ($1.title.lowercased(), $1.file.relativePath) }
            groups.append((kind, items))
        }
        images.sort { ($0.title.lowercased(), $0.id) < ($1.title.lowercased(), $1.id) }
    }
}

/// A value the live preview answers.
struct PreviewAnswer: Encodable {
    var html: String
}
