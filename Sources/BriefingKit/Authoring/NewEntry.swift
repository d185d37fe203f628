import Foundation

/// `briefing new`: a new content file with every required field, as a draft.
public enum NewEntry {
    public enum Kind: String, Sendable, CaseIterable {
        case person, quote, event, source, page, topic

        var contentKind: ContentKind {
            switch self {
            case .person: return .person
            case .quote: return .quote
            case .event: return .event
            case .source: return .source
            case .page: return .page
            case .topic: return .topic
            }
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Writes the file and returns its path as given for messages (e.g. `content/people/x.md`).
    /// For a quote, `title` is the quote's text; for the rest, the title or name.
    public static func create(_ kind: Kind, title: String, speaker: String? = nil, source: String? = nil, date: String? = nil,
                              contentFolder: String = "content", today: Date = Date()) throws(Failure) -> String {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw Failure(description: "the title must not be empty") }
        let folder = URL(fileURLWithPath: contentFolder)
        let existing = Set(ContentLoader.listFiles(in: folder))
        let id = slug(title)
        let relativePath = "\(kind.contentKind.folder!)/\(id).md"
        let path = contentFolder + "/" + relativePath
        if existing.contains(relativePath) {
            throw Failure(description: "\(path) already exists: choose another title or edit that file")
        }
        if kind == .page, SitePaths.reservedPageIDs.contains(id) {
            throw Failure(description: "'\(id)' is taken by the site's own /\(id)/ section: choose another title")
        }

        let day = try checkedDate(date ?? isoDay(today))
        var fields: [(String, String)]
        switch kind {
        case .person:
            fields = [("name", quoted(title)), ("role", quoted("Role at the time (to be written)"))]
        case .quote:
            let speaker = try reference(speaker, flag: "--speaker", folder: "people", in: existing)
            let source = try reference(source, flag: "--source", folder: "sources", in: existing)
            fields = [("speaker", speaker), ("text", quoted(title)), ("date", quoted(day)), ("source", source)]
        case .event:
            fields = [("title", quoted(title)), ("date", quoted(day))]
        case .source:
            fields = [("title", quoted(title)), ("publisher", quoted("Publisher (to be written)"))]
        case .page, .topic:
            fields = [("title", quoted(title))]
        }
        fields.append(("draft", "true"))

        let frontMatter = fields.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        let text = "---\n\(frontMatter)\n---\n\(bodyHint(kind))\n"
        do {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(kind.contentKind.folder!), withIntermediateDirectories: true)
            // `.withoutOverwriting` makes the existence check race-free.
            try Data(text.utf8).write(to: folder.appendingPathComponent(relativePath), options: .withoutOverwriting)
        } catch {
            throw Failure(description: "cannot create \(path): \(error.localizedDescription)")
        }
        return path
    }

    /// The id for a title: ASCII, lower-case, hyphenated, at most about 60 characters, cut between words.
    public static func slug(_ title: String) -> String {
        var id = ContentLoader.suggestedID(title)
        if id.count > 60 {
            let cut = id.prefix(60)
            id = String(cut[..<(cut.lastIndex(of: "-") ?? cut.endIndex)])
        }
        return id
    }

    private static func reference(_ id: String?, flag: String, folder: String, in existing: Set<String>) throws(Failure) -> String {
        let known = existing.filter { $0.hasPrefix(folder + "/") && $0.hasSuffix(".md") }.map { String($0.dropFirst(folder.count + 1).dropLast(3)) }.sorted()
        guard let id else {
            if known.count == 1, folder == "sources" { return known[0] }
            throw Failure(description: "a quote needs \(flag) ID; known: \(known.isEmpty ? "none yet" : known.joined(separator: ", "))")
        }
        guard known.contains(id) else {
            throw Failure(description: "\(flag) '\(id)': no file \(folder)/\(id).md\(didYouMean(id, in: known))")
        }
        return id
    }

    private static func checkedDate(_ text: String) throws(Failure) -> String {
        switch PartialDate.parse(text) {
        case .success: return text
        case .failure(let error): throw Failure(description: "--date: \(error.description)")
        }
    }

    private static func isoDay(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// A double-quoted YAML string.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func bodyHint(_ kind: Kind) -> String {
        switch kind {
        case .person: return "Who they are in this story and where they stand, with links to their quotes and events."
        case .quote: return "Context: what prompted these words and what they answer. Check the text is verbatim."
        case .event: return "What happened, and how the date was worked out if the source gives it only relatively."
        case .source: return "What this source is and what it does not say."
        case .page, .topic: return "Write here."
        }
    }
}
