import CCmarkGFM
import Foundation

// Every call into cmark-gfm lives in this file; nothing else imports CCmarkGFM.

/// A link or image destination as written in the Markdown, and where it was written.
public struct MarkdownLink: Sendable, Hashable {
    public var destination: String
    /// 1-based, relative to the body text that was rendered.
    public var line: Int
    public var column: Int
    public var isImage: Bool
    /// An image of `media/` in a paragraph of its own, which becomes a figure (`RenderedMarkdown.figures`).
    public var isFigure = false
}

/// An image of `media/` in a paragraph of its own: the HTML holds `figurePlaceholder(index)` in its place, for the
/// render stage to replace with the figure, which needs the processed image's sizes.
public struct MarkdownFigure: Sendable, Hashable {
    public var destination: String
    /// The image's description as written between the brackets; empty to use the sidecar's.
    public var alt: String
    /// The link title, `![alt](../media/x.jpg "caption")`; empty to use the sidecar's caption.
    public var caption: String
}

/// The comment that stands for figure `index` of a body's HTML until the render stage replaces it.
public func figurePlaceholder(_ index: Int) -> String {
    "<!--briefing-figure-\(index)-->"
}

/// Markdown turned into HTML, plus what the later stages need to check and cross-link it.
public struct RenderedMarkdown: Sendable, Hashable {
    public var html: String
    public var links: [MarkdownLink]
    /// The `id`s given to headings, in document order: the valid `#anchor`s of this page.
    public var headingIDs: [String]
    /// The figures, in document order.
    public var figures: [MarkdownFigure] = []
}

public struct MarkdownOptions: Sendable, Hashable {
    /// Pass raw HTML through (after the GFM tag filter) instead of omitting it.
    public var allowRawHTML = false

    public init(allowRawHTML: Bool = false) {
        self.allowRawHTML = allowRawHTML
    }
}

/// GitHub-flavoured Markdown through cmark-gfm: tables, strikethrough, autolinks,
/// task lists, footnotes and the tag filter; smart punctuation stays off so quotes stay verbatim.
public enum MarkdownRenderer {
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    /// The parser is not thread-safe in this cmark-gfm version: its inline parser
    /// toggles extension characters in a process-wide table. Walking and rendering are safe.
    private static let parseLock = NSLock()

    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Renders `markdown`, handing every link and image destination to `rewrite`:
    /// it returns the destination to write instead, or nil to keep the original. An image whose destination
    /// `isFigure` and that stands in a paragraph of its own becomes a figure placeholder.
    public static func render(
        _ markdown: String,
        options: MarkdownOptions = MarkdownOptions(),
        rewrite: (String) -> String? = { _ in nil },
        isFigure: (String) -> Bool = { _ in false }
    ) -> RenderedMarkdown {
        _ = registered
        var cmarkOptions = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES | CMARK_OPT_GITHUB_PRE_LANG
        if options.allowRawHTML { cmarkOptions |= CMARK_OPT_UNSAFE }

        guard let parser = cmark_parser_new(cmarkOptions) else {
            return RenderedMarkdown(html: "", links: [], headingIDs: [])
        }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }

        parseLock.lock()
        markdown.utf8CString.withUnsafeBufferPointer { buffer in
            cmark_parser_feed(parser, buffer.baseAddress, buffer.count - 1)
        }
        let document = cmark_parser_finish(parser)
        parseLock.unlock()
        guard let document else { return RenderedMarkdown(html: "", links: [], headingIDs: []) }
        defer { cmark_node_free(document) }

        // One walk over the tree finds both the links and the headings.
        var links: [MarkdownLink] = []
        var headings: [OpaquePointer] = []
        var figureImages: [OpaquePointer] = []
        forEachNode(in: document) { node in
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                var link = rewriteLink(node, isImage: type == CMARK_NODE_IMAGE, with: rewrite)
                if link.isImage, isFigure(link.destination), standsAlone(node) {
                    link.isFigure = true
                    figureImages.append(node)
                }
                links.append(link)
            } else if type == CMARK_NODE_HEADING {
                headings.append(node)
            }
        }
        let headingIDs = anchorHeadings(headings, options: cmarkOptions, extensions: cmark_parser_get_syntax_extensions(parser))
        let figures = replaceWithPlaceholders(figureImages)
        let html = takeString(cmark_render_html(document, cmarkOptions, cmark_parser_get_syntax_extensions(parser)))
        return RenderedMarkdown(html: html, links: links, headingIDs: headingIDs, figures: figures)
    }

    // MARK: - Links

    /// Records a link node and gives it the destination `rewrite` returns, if any.
    private static func rewriteLink(_ node: OpaquePointer, isImage: Bool, with rewrite: (String) -> String?) -> MarkdownLink {
        let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
        let (line, column) = position(of: node)
        if let replacement = rewrite(destination) {
            cmark_node_set_url(node, replacement)
        }
        return MarkdownLink(destination: destination, line: line, column: column, isImage: isImage)
    }

    /// Inline nodes may carry no position of their own; fall back to the nearest block that does.
    private static func position(of node: OpaquePointer) -> (line: Int, column: Int) {
        var current: OpaquePointer? = node
        while let candidate = current {
            let line = Int(cmark_node_get_start_line(candidate))
            if line > 0 { return (line, max(1, Int(cmark_node_get_start_column(candidate)))) }
            current = cmark_node_parent(candidate)
        }
        return (1, 1)
    }

    // MARK: - Figures

    /// Whether the image `node` is the only thing in its paragraph (but for spaces around it).
    private static func standsAlone(_ node: OpaquePointer) -> Bool {
        guard let paragraph = cmark_node_parent(node), cmark_node_get_type(paragraph) == CMARK_NODE_PARAGRAPH else { return false }
        var child = cmark_node_first_child(paragraph)
        while let current = child {
            if current != node {
                let type = cmark_node_get_type(current)
                let literal = cmark_node_get_literal(current).map { String(cString: $0) } ?? ""
                let isSpace = (type == CMARK_NODE_TEXT && literal.allSatisfy(\.isWhitespace)) || type == CMARK_NODE_SOFTBREAK
                if !isSpace { return false }
            }
            child = cmark_node_next(current)
        }
        return true
    }

    /// Swaps the paragraph of each image for a placeholder block; returns what each image says.
    private static func replaceWithPlaceholders(_ images: [OpaquePointer]) -> [MarkdownFigure] {
        images.enumerated().compactMap { index, image in
            guard let paragraph = cmark_node_parent(image), let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { return nil }
            let figure = MarkdownFigure(destination: cmark_node_get_url(image).map { String(cString: $0) } ?? "",
                                        alt: plainText(of: image), caption: cmark_node_get_title(image).map { String(cString: $0) } ?? "")
            cmark_node_set_on_enter(block, figurePlaceholder(index) + "\n")
            cmark_node_set_on_exit(block, "")
            cmark_node_insert_before(paragraph, block)
            cmark_node_unlink(paragraph)
            cmark_node_free(paragraph)
            return figure
        }
    }

    // MARK: - Heading anchors

    /// Gives each heading a GitHub-style `id`. cmark's HTML writer has no attributes for
    /// headings, so each heading is rendered on its own and swapped for a custom block holding that HTML.
    private static func anchorHeadings(_ headings: [OpaquePointer], options: Int32, extensions: UnsafeMutablePointer<cmark_llist>?) -> [String] {
        var slugs = SlugSet()
        var ids: [String] = []
        for heading in headings {
            let id = slugs.unique(slugify(plainText(of: heading)))
            ids.append(id)
            let level = cmark_node_get_heading_level(heading)
            var html = takeString(cmark_render_html(heading, options, extensions))
            let openTag = "<h\(level)>"
            if html.hasPrefix(openTag) {
                html = "<h\(level) id=\"\(id)\">" + html.dropFirst(openTag.count)
            }
            guard let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { continue }
            cmark_node_set_on_enter(block, html)
            cmark_node_set_on_exit(block, "")
            cmark_node_insert_before(heading, block)
            cmark_node_unlink(heading)
            cmark_node_free(heading)
        }
        return ids
    }

    private static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        forEachNode(in: node) { child in
            let type = cmark_node_get_type(child)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(child) {
                text += String(cString: literal)
            }
        }
        return text
    }

    // MARK: - Helpers

    private static func forEachNode(in root: OpaquePointer, _ body: (OpaquePointer) -> Void) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            if cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) {
                body(node)
            }
        }
    }

    private static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

// MARK: - Slugs

/// GitHub's heading anchors: lower-case, punctuation dropped, spaces to hyphens.
public func slugify(_ text: String) -> String {
    var slug = ""
    for character in text.lowercased() {
        if character.isLetter || character.isNumber || character == "-" || character == "_" {
            slug.append(character)
        } else if character == " " {
            slug.append("-")
        }
    }
    return slug.isEmpty ? "section" : slug
}

/// Makes repeated slugs unique the way GitHub does: `a`, `a-1`, `a-2`.
struct SlugSet {
    private var used: Set<String> = []

    mutating func unique(_ slug: String) -> String {
        var candidate = slug
        var counter = 0
        while used.contains(candidate) {
            counter += 1
            candidate = "\(slug)-\(counter)"
        }
        used.insert(candidate)
        return candidate
    }
}
