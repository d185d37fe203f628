/// A file the editor can open: `site.yaml`, one entry, or the sidecar of an image (`media/ID.yaml`).
public enum EditedFile: Sendable, Hashable {
    case siteConfig
    case entry(ContentKind, id: String)
    /// The sidecar of the image `media/ID.jpg` (or `.jpeg`, `.png`, `.webp`).
    case image(id: String)

    /// The file a path inside the content folder names, if the editor can open it.
    public init?(relativePath: String) {
        if let id = Self.sidecarID(relativePath) {
            self = .image(id: id)
            return
        }
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
        case ("image", let id?):
            guard ContentLoader.isValidID(id) else { return nil }
            self = .image(id: id)
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
        case .image(let id): return "\(MediaLoader.folder)/\(id).yaml"
        }
    }

    /// The editor's address for it, below `/__briefing/edit/`: `site`, `overview`, `quote/ID`.
    public var address: String {
        switch self {
        case .siteConfig: return "site"
        case .entry(.overview, _): return "overview"
        case .entry(let kind, let id): return "\(kind.rawValue)/\(id)"
        case .image(let id): return "image/\(id)"
        }
    }

    public var fields: [FieldDescriptor] {
        switch self {
        case .siteConfig: return FieldSchema.siteFields
        case .entry(let kind, _): return FieldSchema.fields(of: kind)
        case .image: return FieldSchema.imageFields
        }
    }

    public var kind: ContentKind? {
        if case .entry(let kind, _) = self { return kind }
        return nil
    }

    public var id: String? {
        switch self {
        case .entry(let kind, let id) where kind != .overview: return id
        case .image(let id): return id
        default: return nil
        }
    }

    /// The folder inside the content folder, e.g. `people` or `media`; nil for `site.yaml` and `index.md`.
    public var folder: String? {
        switch self {
        case .siteConfig: return nil
        case .entry(let kind, _): return kind.folder
        case .image: return MediaLoader.folder
        }
    }

    /// Whether the file has a Markdown body below its front matter.
    public var hasBody: Bool {
        if case .entry = self { return true }
        return false
    }

    /// The id of the image whose sidecar `relativePath` is (`media/ID.yaml`), if it follows the id rules.
    public static func sidecarID(_ relativePath: String) -> String? {
        let prefix = MediaLoader.folder + "/", suffix = ".yaml"
        guard relativePath.hasPrefix(prefix), relativePath.hasSuffix(suffix), relativePath.count > prefix.count + suffix.count else { return nil }
        let id = String(relativePath.dropFirst(prefix.count).dropLast(suffix.count))
        return ContentLoader.isValidID(id) ? id : nil
    }
}
