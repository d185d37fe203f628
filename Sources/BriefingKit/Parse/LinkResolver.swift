import Foundation

/// What a link in Markdown points at.
public enum LinkTarget: Sendable, Hashable {
    /// http(s) or mailto: left as written.
    case external
    /// `#anchor` on the same page.
    case sameDocument(anchor: String)
    /// A content file or list folder, by its path inside `content/`, with its output page.
    case content(relativePath: String, page: String, anchor: String?)
    /// A path inside `content/` that is not there.
    case missing(relativePath: String)
    /// A relative link that is not to a Markdown file or a list folder.
    case notContent(String)
    /// `javascript:`, `data:`, `file:` and every other scheme that is not http(s) or mailto.
    case unsafe(scheme: String)
    /// An image of `media/`, by its id.
    case image(id: String)
}

/// Resolves Markdown link destinations against the set of content files.
public struct LinkResolver: Sendable {
    public static let safeSchemes: Set<String> = ["http", "https", "mailto"]

    /// Paths inside `content/` of every Markdown file, e.g. `people/x.md`, and of every image of `media/`.
    public let contentFiles: Set<String>
    /// The page of each of `contentFiles`, worked out once rather than for each of the many links to it.
    private let pages: [String: String]

    public init(contentFiles: Set<String>) {
        self.contentFiles = contentFiles
        var pages: [String: String] = [:]
        pages.reserveCapacity(contentFiles.count)
        for path in contentFiles {
            if let page = SitePaths.page(forContentPath: path) { pages[path] = page }
        }
        self.pages = pages
    }

    public func resolve(_ destination: String, from sourcePath: String) -> LinkTarget {
        let trimmed = Self.isTrimmedASCII(destination) ? destination : destination.trimmingCharacters(in: .whitespaces)
        if let scheme = LinkResolver.scheme(of: trimmed) {
            return LinkResolver.safeSchemes.contains(scheme.lowercased()) ? .external : .unsafe(scheme: scheme)
        }
        if trimmed.hasPrefix("//") { return .external }

        // Found by byte: `#` and `?` are ASCII, and a Character search would pay for grapheme breaking on every link.
        var pathPart = Substring(trimmed)
        var anchor: String?
        if let hash = pathPart.utf8.firstIndex(of: UInt8(ascii: "#")) {
            anchor = Self.percentDecoded(String(pathPart[pathPart.utf8.index(after: hash)...]))
            pathPart = pathPart[..<hash]
        }
        if let query = pathPart.utf8.firstIndex(of: UInt8(ascii: "?")) { pathPart = pathPart[..<query] }
        if pathPart.isEmpty {
            return .sameDocument(anchor: anchor ?? "")
        }
        let decoded = Self.percentDecoded(String(pathPart)) ?? String(pathPart)
        let relativePath = Self.entryPath(decoded, from: sourcePath) ?? Self.walk(decoded, from: sourcePath)
        guard let relativePath else { return .missing(relativePath: decoded) }

        if ContentLoader.isMedia(relativePath), ImageFormat.named((relativePath as NSString).pathExtension) != nil {
            guard contentFiles.contains(relativePath), !relativePath.dropFirst(MediaLoader.folder.count + 1).contains("/") else {
                return .missing(relativePath: relativePath)
            }
            return .image(id: ((relativePath as NSString).lastPathComponent as NSString).deletingPathExtension)
        }
        if relativePath.utf8.suffix(3).elementsEqual(".md".utf8) {
            guard let page = pages[relativePath] else {
                return .missing(relativePath: relativePath)
            }
            return .content(relativePath: relativePath, page: page, anchor: anchor)
        }
        if let page = SitePaths.page(forContentPath: relativePath), !relativePath.utf8.contains(UInt8(ascii: "/")) {
            return .content(relativePath: relativePath, page: page, anchor: anchor)
        }
        return .notContent(destination)
    }

    /// The path inside `content/` of the usual link between entries, `/people/x.md` or, from a file one folder
    /// deep, `../people/x.md`; nil for any other shape, which `walk` works out. Every link of every body passes here.
    private static func entryPath(_ destination: String, from sourcePath: String) -> String? {
        let bytes = destination.utf8
        let rest: Substring.UTF8View
        if bytes.first == UInt8(ascii: "/") {
            rest = Substring(destination).utf8.dropFirst()
        } else if bytes.starts(with: "../".utf8), sourcePath.utf8.count(where: { $0 == UInt8(ascii: "/") }) == 1 {
            rest = Substring(destination).utf8.dropFirst(3)
        } else {
            return nil
        }
        // folder/file, neither part empty nor starting with a dot.
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")), slash != rest.startIndex,
              rest.first != UInt8(ascii: "."), rest[rest.index(after: slash)...].first.map({ $0 != UInt8(ascii: ".") }) == true,
              !rest[rest.index(after: slash)...].contains(UInt8(ascii: "/"))
        else { return nil }
        return String(Substring(rest))
    }

    /// The path inside `content/` that `destination` names from the file at `sourcePath`, segment by segment;
    /// nil if it climbs above `content/`.
    private static func walk(_ decoded: String, from sourcePath: String) -> String? {
        var components: [Substring] = []
        if !decoded.hasPrefix("/") {
            components = sourcePath.utf8.split(separator: UInt8(ascii: "/")).dropLast().map { Substring($0) }
        }
        for part in decoded.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if part.elementsEqual(".".utf8) { continue }
            if part.elementsEqual("..".utf8) {
                guard !components.isEmpty else { return nil }
                components.removeLast()
            } else {
                components.append(Substring(part))
            }
        }
        return components.joined(separator: "/")
    }

    /// Whether `destination`, written in the file at `sourcePath`, is an image of `media/`.
    public func isImage(_ destination: String, from sourcePath: String) -> Bool {
        if case .image = resolve(destination, from: sourcePath) { return true }
        return false
    }

    /// The URL to write into the page at `page` for `destination`, or nil to leave it as written.
    public func outputURL(for destination: String, from sourcePath: String, page: String) -> String? {
        guard case .content(_, let targetPage, let anchor) = resolve(destination, from: sourcePath) else { return nil }
        let url = targetPage == page ? "" : SitePaths.relative(from: page, to: targetPage)
        guard let anchor, !anchor.isEmpty else { return url.isEmpty ? "#" : url }
        return url + "#" + (anchor.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed) ?? anchor)
    }

    /// Most destinations are plain ASCII paths: those skip Foundation's trimming, which is slow on Linux.
    private static func isTrimmedASCII(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last else { return true }
        return first != UInt8(ascii: " ") && first != UInt8(ascii: "\t") && last != UInt8(ascii: " ") && last != UInt8(ascii: "\t")
            && bytes.allSatisfy { $0 < 0x80 }
    }

    /// `removingPercentEncoding`, skipped when there is no `%` to decode.
    private static func percentDecoded(_ text: String) -> String? {
        text.utf8.contains(UInt8(ascii: "%")) ? text.removingPercentEncoding : text
    }

    /// `javascript` for `javascript:alert(1)`; nil for a path. A scheme is letters first, then letters,
    /// digits, `+`, `-`, `.`, up to the first colon, which must come before any `/`, `?` or `#`.
    static func scheme(of destination: String) -> String? {
        let bytes = destination.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let candidate = bytes[..<colon]
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        guard let first = candidate.first, isLetter(first),
              candidate.allSatisfy({ isLetter($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
                  || $0 == UInt8(ascii: ".") })
        else { return nil }
        return String(destination[..<colon])
    }
}
