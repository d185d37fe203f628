import Foundation
import Templates

/// Files for hosts, crawlers, feed readers and other tools: sitemap, robots.txt, Atom feed,
/// the whole graph as data.json, and the search index.
struct Publishing: Sendable {
    let site: Site
    var images = ImageLibrary()

    private var baseURL: String { site.config.baseURL ?? "/" }

    func absolute(_ path: String) -> String { absoluteURL(base: baseURL, path: path) }

    // MARK: - Sitemap and robots.txt

    /// Every page but the 404 page, by absolute URL, with the images each shows large (`images(page)`, absolute URLs).
    func sitemap(pages: [String], images: (String) -> [String] = { _ in [] }) -> OutputFile {
        let lastModified = Dictionary(allEntries.compactMap { entry in
            entry.editorial.updated.flatMap { $0.isFullDate ? (entry.page, $0.description) : nil }
        }, uniquingKeysWith: { a, _ in a })
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""
            + (self.images.images.isEmpty ? "" : " xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\"") + ">\n"
        for page in pages.sorted() where page != SitePaths.notFound {
            xml += "<url><loc>\(xmlEscape(absolute(page)))</loc>"
            if let date = lastModified[page] { xml += "<lastmod>\(date)</lastmod>" }
            for image in self.images.images.isEmpty ? [] : images(page) {
                xml += "<image:image><image:loc>\(xmlEscape(image))</image:loc></image:image>"
            }
            xml += "</url>\n"
        }
        xml += "</urlset>\n"
        return OutputFile(path: "sitemap.xml", contents: Data(xml.utf8))
    }

    func robots() -> OutputFile {
        OutputFile(path: "robots.txt", contents: Data("User-agent: *\nAllow: /\n\nSitemap: \(absolute("sitemap.xml"))\n".utf8))
    }

    // MARK: - Atom feed

    /// How many entries the feed carries: feed readers poll it often, and what they need is what is new.
    static let feedLimit = 50

    /// The newest timeline events and quotes, newest first (RFC 4287). Dates carry no time of day, so each is
    /// given as midnight UTC; a partial date as the first day of its period.
    func feed() -> OutputFile {
        struct Item {
            var entry: Entry
            var title: String
            var summary: String
            var published: PartialDate
        }
        // Only the newest few are kept, and only they get their titles and summaries written out.
        typealias Dated = (entry: Entry, published: PartialDate, changed: PartialDate)
        func newer(_ a: Dated, _ b: Dated) -> Bool { a.changed != b.changed ? a.changed > b.changed : a.entry.page < b.entry.page }
        var kept: [Dated] = []
        func consider(_ entry: Entry, _ published: PartialDate) {
            let item = (entry: entry, published: published, changed: entry.editorial.updated ?? published)
            if kept.count == Self.feedLimit {
                guard newer(item, kept[kept.count - 1]) else { return }
                kept.removeLast()
            }
            kept.insert(item, at: kept.firstIndex { newer(item, $0) } ?? kept.endIndex)
        }
        for event in site.events { consider(event.entry, event.fields.date) }
        for quote in site.quotes { consider(quote.entry, quote.fields.date) }
        let items = kept.map { entry, published, _ -> Item in
            switch entry.fields {
            case .quote(let quote):
                let speaker = site.person(quote.speaker)?.fields.name ?? quote.speaker
                return Item(entry: entry, title: "\(speaker): “\(quote.text)”", summary: "“\(quote.text)” — \(speaker), \(quote.date.display)", published: published)
            default:
                return Item(entry: entry, title: entry.title, summary: "\(published.display): \(entry.title)", published: published)
            }
        }

        let newest = items.first.map { $0.entry.editorial.updated ?? $0.published } ?? site.config.asOf ?? PartialDate(year: 1970)
        let feedUpdated = max(newest, site.config.asOf ?? newest)
        var xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(xmlEscape(site.config.language ?? "en"))">
        <title>\(xmlEscape(site.config.title))</title>

        """
        if let description = site.config.description { xml += "<subtitle>\(xmlEscape(description))</subtitle>\n" }
        xml += """
        <id>\(xmlEscape(absolute("index.html")))</id>
        <link rel="self" type="application/atom+xml" href="\(xmlEscape(absolute("feed.xml")))"/>
        <link rel="alternate" type="text/html" href="\(xmlEscape(absolute("index.html")))"/>
        <updated>\(timestamp(feedUpdated))</updated>
        <author><name>\(xmlEscape(site.config.title))</name></author>

        """
        for item in items {
            let url = absolute(item.entry.page)
            var content = feedHTML(item.entry)
            for correction in item.entry.editorial.corrections ?? [] {
                content += "<p><strong>Correction, \(HTML.escape(correction.date.display)):</strong> \(HTML.escape(correction.note))</p>\n"
            }
            xml += """
            <entry>
            <title>\(xmlEscape(item.title))</title>
            <link rel="alternate" type="text/html" href="\(xmlEscape(url))"/>
            <id>\(xmlEscape(url))</id>
            <published>\(timestamp(item.published))</published>
            <updated>\(timestamp(item.entry.editorial.updated ?? item.published))</updated>
            <summary>\(xmlEscape(item.summary))</summary>

            """
            if !content.isEmpty {
                xml += "<content type=\"html\" xml:base=\"\(xmlEscape(url))\">\(xmlEscape(content))</content>\n"
            }
            xml += "</entry>\n"
        }
        xml += "</feed>\n"
        return OutputFile(path: "feed.xml", contents: Data(xml.utf8))
    }

    /// An entry's body for the feed: each figure as a plain image at its absolute URL, with its credit, since feed readers
    /// show neither `<picture>` nor the site's styles reliably.
    private func feedHTML(_ entry: Entry) -> String {
        var html = entry.body.html
        for (index, figure) in entry.body.figures.enumerated() {
            let name = (figure.destination.split(separator: "#").first.map(String.init) ?? "") as NSString
            let id = (name.lastPathComponent as NSString).deletingPathExtension
            var replacement = ""
            if let image = images.images[id], let variant = image.widths(.jpeg).last(where: { $0.width <= 960 }) ?? image.widths(.jpeg).first {
                let fields = image.image.fields
                let alt = figure.alt.isEmpty ? fields.alt : figure.alt
                let caption = [figure.caption.isEmpty ? fields.caption : figure.caption, fields.credit].compactMap { $0 }.joined(separator: " ")
                replacement = "<figure><img src=\"\(HTML.escape(absolute(image.outputPath(variant))))\" width=\"\(variant.width)\" "
                    + "height=\"\(variant.height)\" alt=\"\(HTML.escape(alt))\"><figcaption>\(HTML.escape(caption))</figcaption></figure>"
            }
            html = html.replacingOccurrences(of: figurePlaceholder(index), with: replacement)
        }
        return html
    }

    private func timestamp(_ date: PartialDate) -> String {
        PartialDate(year: date.year, month: date.month ?? 1, day: date.day ?? 1).description + "T00:00:00Z"
    }

    // MARK: - data.json

    /// The whole briefing as data, ids and relations included, for other tools.
    func data() -> OutputFile {
        func date(_ value: PartialDate?) -> JSON? { value.map { .string($0.description) } }
        func ids<T>(_ items: [Item<T>]?) -> JSON { .strings((items ?? []).map(\.id)) }
        let people = site.people.map { person in
            JSON.object([
                "id": .string(person.id), "url": .string(absolute(person.page)), "name": .string(person.fields.name),
                "role": .string(person.fields.role), "kind": .string((person.fields.kind ?? .person).rawValue),
                "country": .string(person.fields.country), "aliases": .strings(person.fields.aliases ?? []),
                "summary": .string(person.fields.summary), "image": .string(person.fields.image),
                "quotes": ids(site.quotesBySpeaker[person.id]), "events": ids(site.eventsByPerson[person.id]),
            ])
        }
        let quotes = site.quotes.map { quote in
            JSON.object([
                "id": .string(quote.id), "url": .string(absolute(quote.page)), "speaker": .string(quote.fields.speaker),
                "text": .string(quote.fields.text), "date": date(quote.fields.date), "source": .string(quote.fields.source),
                "event": .string(quote.fields.event), "medium": .string(quote.fields.medium),
                "topics": .strings(quote.fields.topics ?? []), "updated": date(quote.entry.editorial.updated),
            ])
        }
        let events = site.events.map { event in
            JSON.object([
                "id": .string(event.id), "url": .string(absolute(event.page)), "title": .string(event.fields.title),
                "date": date(event.fields.date), "time": .string(event.fields.time),
                "people": .strings(event.fields.people ?? []), "sources": .strings(event.fields.sources ?? []),
                "topics": .strings(event.fields.topics ?? []), "quotes": ids(site.quotesByEvent[event.id]),
                "updated": date(event.entry.editorial.updated), "image": .string(event.fields.image),
            ])
        }
        let sources = site.sources.map { source in
            JSON.object([
                "id": .string(source.id), "url": .string(absolute(source.page)), "title": .string(source.fields.title),
                "publisher": .string(source.fields.publisher), "link": .string(source.fields.url), "date": date(source.fields.date),
                "quotes": ids(site.quotesBySource[source.id]), "events": ids(site.eventsBySource[source.id]),
                "image": .string(source.fields.image),
            ])
        }
        let topics = site.topics.map { topic in
            JSON.object([
                "id": .string(topic.id), "url": .string(absolute(topic.page)), "title": .string(topic.title),
                "summary": .string(topic.summary),
                "quotes": ids(site.quotesByTopic[topic.id]), "events": ids(site.eventsByTopic[topic.id]),
            ])
        }
        let imageList = images.images.keys.sorted().map { id -> JSON in
            let image = images.images[id]!
            let fields = image.image.fields
            let variants = image.processed.variants.sorted { ($0.name, $0.format.rawValue) < ($1.name, $1.format.rawValue) }
            return JSON.object([
                "id": .string(id), "width": .int(image.processed.width), "height": .int(image.processed.height),
                "alt": .string(fields.alt), "caption": .string(fields.caption), "credit": .string(fields.credit),
                "creator": .string(fields.creator), "copyright": .string(fields.copyright), "license": .string(fields.license),
                "license_url": .string(fields.licenseURL), "acquire_license_url": .string(fields.acquireLicenseURL),
                "date": date(fields.date),
                "variants": .array(variants.map { variant in
                    .object(["url": .string(absolute(image.outputPath(variant))), "name": .string(variant.name),
                             "type": .string(variant.format.mediaType), "width": .int(variant.width), "height": .int(variant.height)])
                }),
            ])
        }
        let document = JSON.object([
            "site": .object([
                "title": .string(site.config.title), "description": .string(site.config.description),
                "language": .string(site.config.language ?? "en"), "base_url": .string(site.config.baseURL),
                "as_of": date(site.config.asOf), "image": .string(site.config.image),
            ]),
            "people": .array(people), "quotes": .array(quotes), "events": .array(events),
            "sources": .array(sources), "topics": .array(topics), "images": .array(imageList),
        ])
        return OutputFile(path: "data.json", contents: Data(document.serializedUTF8() + [UInt8(ascii: "\n")]))
    }

    // MARK: - Search index

    /// A script that sets `briefingSearchIndex`: a script rather than JSON, because pages opened
    /// from disk may load scripts but not fetch files. URLs are relative to the site root.
    func searchIndex() -> OutputFile {
        var items: [JSON] = site.people.map { person in
            .object(["kind": "Person", "title": .string(person.fields.name), "detail": .string(person.fields.role),
                     "terms": .string(([person.fields.summary ?? ""] + (person.fields.aliases ?? [])).joined(separator: " ")),
                     "url": .string(person.page)])
        }
        items += site.quotes.map { quote in
            let speaker = site.person(quote.fields.speaker)
            return .object(["kind": "Quote", "title": .string("“\(quote.fields.text)”"),
                            "detail": .string("\(speaker?.fields.name ?? quote.fields.speaker), \(quote.fields.date.display)"),
                            "terms": .string((speaker?.fields.aliases ?? []).joined(separator: " ") + " " + (quote.fields.medium ?? "")),
                            "url": .string(quote.page)])
        }
        items += site.events.map { event in
            let people = (event.fields.people ?? []).compactMap { site.person($0)?.fields.name }
            return .object(["kind": "Event", "title": .string(event.fields.title), "detail": .string(event.fields.date.display),
                            "terms": .string(people.joined(separator: " ")), "url": .string(event.page)])
        }
        items += site.topics.map { topic in
            .object(["kind": "Topic", "title": .string(topic.title), "detail": .string(topic.summary ?? ""), "terms": "", "url": .string(topic.page)])
        }
        let script = Array("window.briefingSearchIndex = ".utf8) + JSON.array(items).serializedUTF8() + Array(";\n".utf8)
        return OutputFile(path: "assets/search-index.js", contents: Data(script))
    }

    private var allEntries: [Entry] {
        [site.overview.entry] + site.people.map(\.entry) + site.quotes.map(\.entry) + site.events.map(\.entry)
            + site.sources.map(\.entry) + site.pages.map(\.entry) + site.topics.compactMap(\.entry)
    }
}

/// Escapes text for XML content and attribute values.
func xmlEscape(_ text: String) -> String {
    let bytes = text.utf8
    func needsWork(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
    guard bytes.contains(where: needsWork) else { return text }
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count + bytes.count / 8)
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "&"): output += Array("&amp;".utf8)
        case UInt8(ascii: "<"): output += Array("&lt;".utf8)
        case UInt8(ascii: ">"): output += Array("&gt;".utf8)
        case UInt8(ascii: "\""): output += Array("&quot;".utf8)
        case UInt8(ascii: "'"): output += Array("&apos;".utf8)
        case UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): output.append(byte)
        // Other control characters are not allowed in XML 1.0 at all.
        case 0..<0x20: output += Array("\u{FFFD}".utf8)
        default: output.append(byte)
        }
    }
    return String(decoding: output, as: UTF8.self)
}
