/// The one layout every page shares: head, skip link, header with navigation, breadcrumbs, footer.
public func layout(_ page: PageContext, main: HTML) -> HTML {
    let title = page.pageTitle.map { "\($0) · \(page.siteTitle)" } ?? page.siteTitle
    let navigation = Section.allCases.map { section -> HTML in
        // The section's own list page is the current page; its entries are merely in that section.
        let current: HTML = section != page.section ? "" : section.path == page.path ? " aria-current=\"page\"" : " aria-current=\"true\""
        return "<li><a href=\"\(page.root + section.path)\"\(current)>\(section.title)</a></li>"
    }
    return """
    <!DOCTYPE html>
    <html lang="\(page.language)">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(title)</title>
    \(page.description.html { "<meta name=\"description\" content=\"\($0)\">\n" })\
    \(page.canonicalURL.html { "<link rel=\"canonical\" href=\"\($0)\">\n" })\
    <link rel="stylesheet" href="\(page.root)assets/style.css">
    </head>
    <body>
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="site-header">
    <div class="wrap">
    <a class="site-title" href="\(page.root)index.html">\(page.siteTitle)</a>
    <nav aria-label="Sections"><ul>\(navigation)</ul></nav>
    </div>
    </header>
    \(breadcrumbs(page.breadcrumbs, current: page.pageTitle))\
    <main id="main" class="wrap">
    \(main)
    </main>
    <footer class="site-footer">
    <div class="wrap">
    \(page.asOf.map { date -> HTML in "<p>This briefing is current as of <time datetime=\"\(date.machine)\">\(date.display)</time>.</p>\n" } ?? .empty)\
    \(page.siteDescription.html { "<p>\($0)</p>\n" })\
    <p><a href="\(page.root)index.html">Overview</a> · <a href="\(page.root)sources/index.html">Sources</a></p>
    </div>
    </footer>
    </body>
    </html>

    """
}

func breadcrumbs(_ trail: [Link], current: String?) -> HTML {
    guard !trail.isEmpty, let current else { return .empty }
    let items = trail.map { link -> HTML in "<li><a href=\"\(link.url)\">\(link.title)</a></li>" }
    return """
    <nav class="breadcrumbs wrap" aria-label="Breadcrumb"><ol>\(items)<li aria-current="page">\(shortened(current))</li></ol></nav>

    """
}

/// Long titles (quote texts) are cut in breadcrumbs at a word boundary.
public func shortened(_ text: String, limit: Int = 60) -> String {
    guard text.count > limit else { return text }
    let cut = text.prefix(limit)
    let words = cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]
    return words.trimmingSuffix { $0.isPunctuation } + "…"
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return String(text)
    }
}
