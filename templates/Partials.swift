// Pieces shared by several pages.

public func dateTag(_ date: DateView) -> HTML {
    let partial: HTML = date.isPartial ? " class=\"partial-date\" title=\"Exact day not known\"" : ""
    let note: HTML = date.precisionNote.html { " <span class=\"date-note\">(\($0))</span>" }
    return "<time datetime=\"\(date.machine)\"\(partial)>\(date.display)</time>\(note)"
}

/// A quotation with who said it, when, where and in which source; `<figcaption>` holds all of that,
/// since a figure allows nothing after its caption.
/// Under a heading that names a topic, `filedUnder` leaves that topic out and lists the rest as "Also on".
public func quoteCard(_ quote: QuoteCard, showSpeaker: Bool = true, showEvent: Bool = true, filedUnder: Link? = nil) -> HTML {
    var details: [HTML] = [dateTag(quote.date)]
    if let medium = quote.medium { details.append("<span class=\"medium\">\(medium)</span>") }
    if let source = quote.source { details.append("<cite><a href=\"\(source.url)\">\(source.title)</a></cite>") }
    let speaker: HTML = showSpeaker
        ? "<p class=\"speaker\"><a href=\"\(quote.speaker.url)\">\(quote.speaker.title)</a>\(quote.speakerRole.html { ", <span class=\"role\">\($0)</span>" })</p>\n"
        : .empty
    let event: HTML = showEvent ? quote.event.map { "<p class=\"quote-event\">During: <a href=\"\($0.url)\">\($0.title)</a></p>\n" } ?? .empty : .empty
    let otherTopics = quote.topics.filter { $0 != filedUnder }
    let topics: HTML = otherTopics.isEmpty ? .empty
        : "<p class=\"quote-topics\">\(filedUnder == nil ? "On" : "Also on") \(linkSentence(otherTopics))</p>\n"
    return """
    <figure class="quote-card">
    <blockquote><p><a class="quote-link" href="\(quote.url)">\(quote.text)</a></p></blockquote>
    <figcaption>
    \(speaker)<p class="quote-meta">\(details.joined(separator: " <span class=\"sep\" aria-hidden=\"true\">·</span> "))</p>
    \(event)\(topics)</figcaption>
    </figure>

    """
}

/// One speaker's words on a topic, compact, for the positions view.
func stanceItem(_ quote: QuoteCard) -> HTML {
    """
    <li class="stance">
    <p class="stance-speaker"><a href="\(quote.speaker.url)">\(quote.speaker.title)</a> <span class="sep" aria-hidden="true">·</span> \(dateTag(quote.date))</p>
    <blockquote><p><a class="quote-link" href="\(quote.url)">\(quote.text)</a></p></blockquote>
    </li>

    """
}

public func eventItem(_ event: EventItem, showQuotes: Bool = false) -> HTML {
    let time: HTML = event.time.html { " <span class=\"event-time\">(\($0))</span>" }
    let people: HTML = event.people.isEmpty ? .empty : "<p class=\"event-people\">\(linkSentence(event.people))</p>\n"
    let quotes: HTML = showQuotes && !event.quotes.isEmpty
        ? "<div class=\"event-quotes\">\(event.quotes.map { quoteCard($0, showEvent: false) })</div>\n" : .empty
    return """
    <li class="event\(event.photo == nil ? "" : " has-photo")">
    \(event.photo.map { photo -> HTML in "<div class=\"event-photo\">\(picture(photo))</div>\n" } ?? .empty)<p class="event-date">\(dateTag(event.date))\(time)</p>
    <h3 class="event-title"><a href="\(event.url)">\(event.title)</a></h3>
    \(people)\(quotes)</li>

    """
}

/// "A, B and C" as links.
public func linkSentence(_ links: [Link]) -> HTML {
    let anchors = links.map { link -> HTML in "<a href=\"\(link.url)\">\(link.title)</a>" }
    guard anchors.count > 1 else { return anchors.joined() }
    return "\(Array(anchors.dropLast()).joined(separator: ", ")) and \(anchors.last!)"
}

public func linkList(_ links: [Link], className: String = "link-list") -> HTML {
    let items = links.map { link -> HTML in "<li><a href=\"\(link.url)\">\(link.title)</a></li>\n" }
    return "<ul class=\"\(className)\">\n\(items)</ul>\n"
}

/// A titled section that is left out when it would be empty.
public func section(_ title: String, id: String, _ content: HTML, when present: Bool = true) -> HTML {
    guard present else { return .empty }
    return """
    <section class="related" aria-labelledby="\(id)">
    <h2 id="\(id)">\(title)</h2>
    \(content)</section>

    """
}

public func mentionedIn(_ links: [Link]) -> HTML {
    section("Mentioned in", id: "mentioned-in", linkList(links), when: !links.isEmpty)
}

/// `heading` is the card's heading level: 2 when the cards are the page's main list, 3 inside a section.
func personCard(_ person: PersonCard, heading: Int = 3) -> HTML {
    let kind: HTML = person.kindLabel.html { " <span class=\"badge\">\($0)</span>" }
    let count: HTML = person.quoteCount == 0 ? .empty
        : "<p class=\"count\">\(person.quoteCount) \(person.quoteCount == 1 ? "quote" : "quotes")</p>\n"
    return """
    <li class="person-card\(person.portrait == nil ? "" : " has-portrait")">
    \(person.portrait.map { portrait -> HTML in "<div class=\"portrait\">\(picture(portrait))</div>\n" } ?? .empty)<h\(heading)><a href="\(person.url)">\(person.name)</a>\(kind)</h\(heading)>
    <p class="role">\(person.role)</p>
    \(person.summary.html { "<p class=\"summary\">\($0)</p>\n" })\(count)</li>

    """
}

func countedLinks(_ links: [CountedLink]) -> HTML {
    let items = links.map { item -> HTML in
        "<li><a href=\"\(item.link.url)\">\(item.link.title)</a>\(item.note.html { " <span class=\"count\">(\($0))</span>" })</li>\n"
    }
    return "<ul class=\"filter-list\">\n\(items)</ul>\n"
}

func body(_ markdown: HTML) -> HTML {
    markdown.isEmpty ? .empty : "<div class=\"prose\">\n\(markdown)</div>\n"
}

// MARK: - Images

/// A picture in its variants. Every image is lazy; the render stage makes the first of a page load first
/// (`firstImageLoadsFirst`), since it is usually in view at once.
public func picture(_ picture: PictureView) -> HTML {
    let sources = picture.sources.map { source -> HTML in
        "<source type=\"\(source.type)\" srcset=\"\(source.srcset)\" sizes=\"\(picture.sizes)\">"
    }
    return "<picture>\(sources)<img src=\"\(picture.src)\" srcset=\"\(picture.srcset)\" sizes=\"\(picture.sizes)\" width=\"\(picture.width)\" height=\"\(picture.height)\" alt=\"\(picture.alt)\"\(lazyImage)></picture>"
}

/// What every `<img>` carries until the render stage gives the first of a page `fetchpriority="high"` instead.
public let lazyImage: HTML = " loading=\"lazy\" decoding=\"async\""
public let eagerImage: HTML = " fetchpriority=\"high\""

/// A photograph with its caption, credit and licence: the credit is journalism, so it is always printed.
public func figure(_ figure: FigureView, className: String = "photo") -> HTML {
    let license: HTML = figure.licenseURL.map { "<a href=\"\($0)\" rel=\"license\">\(figure.license)</a>" } ?? "\(figure.license)"
    return """
    <figure class="\(className)">
    \(picture(figure.picture))
    <figcaption>\(figure.caption.html { "<span class=\"caption\">\($0)</span> " })<span class="credit"><span class="visually-hidden">Credit: </span>\(figure.credit)</span> <span class="license"><span class="visually-hidden">Licence: </span>\(license)</span></figcaption>
    </figure>

    """
}
