/// A file the editor can open: `site.yaml`, or one entry.
public enum EditedFile: Sendable, Hashable {
    case siteConfig
    case entry(ContentKind, id: String)

    /// The file a path inside the content folder names, if the editor can open it.
    public init?(relativePath: String) {
        switch ContentLoader.name(relativePath) {
        case .siteConfig: self = .siteConfig
        case .entry(let kind, let id): self = .entry(kind, id: id)
        case .problem: return nil
        }
    }

    /// The file an editor address names: `site`, `overview`, or a kind and an id (`quote`, `putin-ready`).
    /// Nil for anything else; an id is taken only if it follows the id rules, so no path is ever made from anything else.
    public init?(kind: String, id: String?) {
        switch (kind, id) {
        case ("site", nil): self = .siteConfig
        case ("overview", nil): self = .entry(.overview, id: "index")
        case (_, let id?):
            guard let kind = ContentKind(rawValue: kind), kind != .overview, ContentLoader.isValidID(id) else { return nil }
            self = .entry(kind, id: id)
        default: return nil
        }
    }

    /// The path inside the content folder: `site.yaml`, `index.md`, `quotes/ID.md`.
    public var relativePath: String {
        switch self {
        case .siteConfig: return "site.yaml"
        case .entry(.overview, _): return "index.md"
        case .entry(let kind, let id): return "\(kind.folder!)/\(id).md"
        }
    }

    /// The editor's address for it, below `/__briefing/edit/`: `site`, `overview`, `quote/ID`.
    public var address: String {
        switch self {
        case .siteConfig: return "site"
        case .entry(.overview, _): return "overview"
        case .entry(let kind, let id): return "\(kind.rawValue)/\(id)"
        }
    }

    public var fields: [FieldDescriptor] {
        switch self {
        case .siteConfig: return FieldSchema.siteFields
        case .entry(let kind, _): return FieldSchema.fields(of: kind)
        }
    }

    public var kind: ContentKind? {
        if case .entry(let kind, _) = self { return kind }
        return nil
    }

    public var id: String? {
        if case .entry(let kind, let id) = self, kind != .overview { return id }
        return nil
    }

    /// Whether the file has a Markdown body below its front matter.
    public var hasBody: Bool { self != .siteConfig }
}
