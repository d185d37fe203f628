import Foundation

/// Where every page is written, and how one page links to another.
///
/// Links include `index.html` so the same output works from a web server, under a
/// sub-path, and opened from disk, where a browser would show a folder listing instead.
public enum SitePaths {
    /// List pages live in these folders; a page id may not take one of these names.
    /// Why a page may not have `id` (one of `reservedPageIDs`): what of the site's own is at `/ID/`.
    public static func reservedPageReason(_ id: String) -> String {
        id == "media" ? "the site's /media/ folder of images" : "the site's own /\(id)/ section"
    }

    public static let reservedPageIDs: Set<String> = ["people", "quotes", "timeline", "sources", "topics", "search", "assets", "media", "404"]

    /// The output file of an entry, e.g. `people/vladimir-putin/index.html`.
    public static func page(_ kind: ContentKind, _ id: String) -> String {
        switch kind {
        case .overview: return "index.html"
        case .page: return "\(id)/index.html"
        default: return "\(kind.folder!)/\(id)/index.html"
        }
    }

    /// The list page of a kind, e.g. `people/index.html`.
    public static func list(_ kind: ContentKind) -> String {
        guard let folder = kind.folder, kind != .page else { return "index.html" }
        return "\(folder)/index.html"
    }

    /// Page `number` of a list whose first page is `first`: `quotes/index.html`, `quotes/page/2/index.html`, ….
    public static func numbered(_ first: String, _ number: Int) -> String {
        guard number > 1 else { return first }
        return String(first.dropLast("index.html".count)) + "page/\(number)/index.html"
    }

    /// Where the site sits on its host: the path of `base_url`, from `/` to `/` (`/briefings/istanbul/`), percent-encoded
    /// as in the URL. The 404 page's links start here, and the files hosts read (`HostFiles`) name it.
    public static func basePath(of baseURL: String?) -> String {
        let path = baseURL.flatMap { URLComponents(string: $0)?.percentEncodedPath } ?? ""
        let trimmed = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return trimmed.isEmpty ? "/" : "/" + trimmed + "/"
    }

    public static let notFound = "404.html"
    public static let search = "search/index.html"

    /// The output file for a content file path such as `people/x.md`, or for a list folder such as `quotes/`.
    /// Every link of every body passes here, in the workers and again in the build: it works on the bytes.
    static func page(forContentPath relativePath: String) -> String? {
        if relativePath == "index.md" { return "index.html" }
        let parts = relativePath.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 2)
        func kind(_ folder: Substring.UTF8View) -> ContentKind? {
            folders.first { folder.elementsEqual($0.name.utf8) }?.kind
        }
        if parts.count == 1, let kind = kind(parts[0]), kind != .page {
            return list(kind)
        }
        guard parts.count == 2, let kind = kind(parts[0]) else { return nil }
        let file = Substring(parts[1])
        guard file.utf8.suffix(3).elementsEqual(".md".utf8) else { return nil }
        return page(kind, String(decoding: file.utf8.dropLast(3), as: UTF8.self))
    }

    /// Each content folder's name and kind.
    private static let folders = ContentKind.allCases.compactMap { kind in kind.folder.map { (name: $0, kind: kind) } }

    /// The relative URL from the page written at `from` to the file at `to`, both output paths:
    /// up to the root, then down, so it is cheap and the same from every page of a folder.
    public static func relative(from: String, to: String) -> String {
        root(from: from) + to
    }

    /// The root folder, relative to the page at `from`: "" or "../../".
    public static func root(from: String) -> String {
        let depth = depth(of: from)
        return depth < roots.count ? roots[depth] : String(repeating: "../", count: depth)
    }

    /// How many folders deep the page at `path` is: 0 for `index.html`, 2 for `people/x/index.html`.
    static func depth(of path: String) -> Int {
        path.utf8.withContiguousStorageIfAvailable { $0.count(where: { $0 == UInt8(ascii: "/") }) }
            ?? path.utf8.count(where: { $0 == UInt8(ascii: "/") })
    }

    /// "", "../", "../../", …: every page asks for its root once per link it makes.
    private static let roots = (0..<8).map { String(repeating: "../", count: $0) }
}
