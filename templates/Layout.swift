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
    \(socialMeta(page))\
    <link rel="stylesheet" href="\(page.root + page.stylesheet)">
    <link rel="icon" href="\(page.root)assets/icon.svg" type="image/svg+xml">
    <link rel="alternate" type="application/atom+xml" title="\(page.siteTitle)" href="\(page.root)feed.xml">
    \(page.jsonLD.html(jsonLDScript))\
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
    \(main)\(editorialNotes(page.editorial))
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

/// OpenGraph and Twitter card metadata, for links shared in chat apps and social media.
func socialMeta(_ page: PageContext) -> HTML {
    let title = page.pageTitle ?? page.siteTitle
    var tags: [HTML] = [
        "<meta property=\"og:type\" content=\"\(page.openGraphType)\">",
        "<meta property=\"og:title\" content=\"\(title)\">",
        "<meta property=\"og:site_name\" content=\"\(page.siteTitle)\">",
        "<meta name=\"twitter:card\" content=\"\(page.socialImage == nil ? "summary" : "summary_large_image")\">",
        "<meta name=\"twitter:title\" content=\"\(title)\">",
    ]
    if let image = page.socialImage {
        tags += [
            "<meta property=\"og:image\" content=\"\(image.url)\">",
            "<meta property=\"og:image:type\" content=\"image/jpeg\">",
            "<meta property=\"og:image:width\" content=\"\(image.width)\">",
            "<meta property=\"og:image:height\" content=\"\(image.height)\">",
            "<meta property=\"og:image:alt\" content=\"\(image.alt)\">",
            "<meta name=\"twitter:image\" content=\"\(image.url)\">",
            "<meta name=\"twitter:image:alt\" content=\"\(image.alt)\">",
        ]
    }
    if let url = page.canonicalURL { tags.append("<meta property=\"og:url\" content=\"\(url)\">") }
    if let description = page.description {
        tags.append("<meta property=\"og:description\" content=\"\(description)\">")
        tags.append("<meta name=\"twitter:description\" content=\"\(description)\">")
    }
    return "\(tags.joined(separator: "\n"))\n"
}

/// JSON inside `<script>` ends at the first `</script>`, whatever the JSON says; escaping `<`, `>`
/// and `&` as JSON unicode escapes keeps the data intact and inert.
public func jsonLDScript(_ json: String) -> HTML {
    guard needsScriptEscaping(json) else {
        return HTML(renderedMarkdown: "<script type=\"application/ld+json\">\(json)</script>\n")
    }
    var safe = ""
    for scalar in json.unicodeScalars {
        switch scalar {
        case "<": safe += "\\u003c"
        case ">": safe += "\\u003e"
        case "&": safe += "\\u0026"
        case "\u{7F}"..."\u{9F}": safe += "\\u00" + String(scalar.value, radix: 16)
        case "\u{2028}": safe += "\\u2028"
        case "\u{2029}": safe += "\\u2029"
        default: safe.unicodeScalars.append(scalar)
        }
    }
    return HTML(renderedMarkdown: "<script type=\"application/ld+json\">\(safe)</script>\n")
}

/// Whether `json` holds any of what `jsonLDScript` escapes: `<`, `>`, `&`, DEL, a C1 control (C2 80 to C2 9F) or
/// U+2028/U+2029 (E2 80 A8/A9). Most structured data has none, and is then used as it is.
private func needsScriptEscaping(_ json: String) -> Bool {
    var json = json
    return json.withUTF8 { bytes in
        scriptEscapeLeads.withUnsafeBufferPointer { isLead in
            // Looked up byte by byte; only a lead byte is looked at further. JSON-LD is on every page.
            for index in bytes.indices where isLead[Int(bytes[index])] {
                switch bytes[index] {
                case 0xC2: if index + 1 < bytes.count && (0x80..<0xA0).contains(bytes[index + 1]) { return true }
                case 0xE2: if index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9) { return true }
                default: return true
                }
            }
            return false
        }
    }
}

/// The bytes that start what `jsonLDScript` escapes: `<`, `>`, `&`, DEL, and the lead bytes of C1 controls and U+2028/U+2029.
private let scriptEscapeLeads: [Bool] = (0...255).map { [0x3C, 0x3E, 0x26, 0x7F, 0xC2, 0xE2].contains($0) }

/// "Updated" and the corrections of an entry, at the end of its page.
func editorialNotes(_ editorial: EditorialView?) -> HTML {
    guard let editorial, editorial.updated != nil || !editorial.corrections.isEmpty else { return .empty }
    let updated: HTML = editorial.updated.map { "<p class=\"updated\">Updated <time datetime=\"\($0.machine)\">\($0.display)</time></p>\n" } ?? .empty
    let corrections = editorial.corrections.map { correction -> HTML in
        "<li><p><strong>\(dateTag(correction.date)):</strong> \(correction.note)</p></li>\n"
    }
    let list: HTML = corrections.isEmpty ? .empty : "<h2 id=\"corrections\">Corrections</h2>\n<ol class=\"corrections\">\n\(corrections)</ol>\n"
    return """
    <aside class="editorial" aria-label="Changes to this page">
    \(updated)\(list)</aside>

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
    // No more bytes than `limit` is no more characters: most titles end here.
    guard text.utf8.count > limit else { return text }
    // Where every scalar up to the cut, and the one after it, is a character on its own, the cut is found by counting
    // scalars, without the grapheme rules: true of most text in Latin, Greek or Cyrillic letters.
    let scalars = text.unicodeScalars
    var end = scalars.startIndex
    var counted = 0
    while counted < limit, end < scalars.endIndex, standsAlone(scalars[end]) {
        scalars.formIndex(after: &end)
        counted += 1
    }
    let cut: Substring
    let lastSpace: String.Index?
    if end == scalars.endIndex {
        return text
    } else if counted == limit, standsAlone(scalars[end]) {
        cut = text[..<end]
        lastSpace = cut.utf8.lastIndex(of: UInt8(ascii: " "))
    } else {
        // Walks at most `limit` characters: counting a long text's characters walks all of it.
        guard let end = text.index(text.startIndex, offsetBy: limit, limitedBy: text.endIndex), end < text.endIndex else { return text }
        cut = text[..<end]
        lastSpace = cut.lastIndex(of: " ")
    }
    let words = cut[..<(lastSpace ?? cut.endIndex)]
    return words.trimmingSuffix { $0.isPunctuation } + "…"
}

/// Whether `scalar` is a character by itself whatever is next to it: printable ASCII, and the letters, punctuation and
/// symbols of Latin, Greek and Cyrillic text, general punctuation (curly quotes, dashes) and currency signs; no
/// combining mark, joiner, control or line break is among them.
private func standsAlone(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x20...0x7E, 0xA0...0x2FF, 0x370...0x482, 0x48A...0x52F, 0x2010...0x2027, 0x2030...0x205E, 0x20A0...0x20C0: return true
    default: return false
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return String(text)
    }
}
