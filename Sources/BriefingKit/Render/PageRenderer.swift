import Foundation
import Templates

/// Where the render stage finds the site's scripts and stylesheet, as paths from the root.
struct AssetPaths: Sendable, Hashable {
    var stylesheet = "assets/style.css"
    var searchScript = "assets/search.js"
    var searchIndex = "assets/search-index.js"
}

/// A file of the finished site: its path inside the output folder and its bytes.
public struct OutputFile: Sendable, Hashable {
    public var path: String
    public var contents: Data
}

/// The render stage: builds the view values of every page and calls the templates.
/// Its methods are passed on as closures (`map { dateView($0) }`), not by name (`map(dateView)`): a method named as a
/// value holds a copy of the renderer, a dozen references each retained and released from every core.
struct PageRenderer: Sendable {
    let site: Site
    let assets: AssetPaths
    /// The processed images the pages show.
    let images: ImageLibrary
    /// Overrides `base_url` as the start of the 404 page's links.
    var notFoundRoot: String?
    /// The JSON-LD of every person, source and topic as other pages refer to it, serialised once: thousands of
    /// quote and event pages refer to the same hundred people and sources.
    private(set) var references = StructuredDataReferences()
    /// Every quote's card as seen from a page `depth` folders deep (the index), made once when a build renders every
    /// page (`preparingQuoteCards`): a quote's card is on up to a dozen pages, which differ only in how far their links
    /// climb to the root. Pages at other depths make theirs from the root's as they go.
    private var preparedCards: [[QuoteCard]] = []
    /// Where each quote's card is in `preparedCards[depth]`.
    private var preparedCardIndex: [ObjectIdentifier: Int] = [:]

    init(site: Site, assets: AssetPaths, images: ImageLibrary = ImageLibrary(), notFoundRoot: String? = nil) {
        self.site = site
        self.assets = assets
        self.images = images
        self.notFoundRoot = notFoundRoot
        references = StructuredDataReferences(self)
    }

    /// Every page, with `extra` files rendered on the same cores.
    func renderAll(alongside extra: [@Sendable () -> OutputFile] = []) -> [OutputFile] {
        render(pageJobs(), alongside: extra)
    }

    private enum Work: Sendable {
        case extra(@Sendable () -> OutputFile)
        case page(PageJob)
    }

    /// Only the pages of `jobs`, as a rebuild after a small change needs, with `extra` files on the same cores.
    func render(_ jobs: [PageJob], alongside extra: [@Sendable () -> OutputFile] = []) -> [OutputFile] {
        (extra.map(Work.extra) + jobs.map(Work.page)).concurrentMap { work in
            switch work {
            case .extra(let make): return make()
            case .page(let job): return render(job)
            }
        }
    }

    /// One page of the site: where it is written and what it shows.
    struct PageJob: Sendable {
        enum Content: Sendable {
            case overview, peopleList, sourcesList, topicsList, notFound, search
            case quotesList(page: Int), timeline(page: Int)
            /// Indices into the site's lists.
            case person(Int), quote(Int), event(Int), source(Int), plain(Int)
            case topic(Int, page: Int)
        }
        var path: String
        var content: Content

        /// A page that lists many entries.
        var isList: Bool {
            switch content {
            case .overview, .quotesList, .timeline, .topic: return true
            default: return false
            }
        }
    }

    /// Every page of the site, in a fixed order.
    func pageJobs() -> [PageJob] {
        var jobs: [PageJob] = [
            PageJob(path: SitePaths.page(.overview, "index"), content: .overview),
            PageJob(path: SitePaths.list(.person), content: .peopleList),
            PageJob(path: SitePaths.list(.source), content: .sourcesList),
            PageJob(path: SitePaths.list(.topic), content: .topicsList),
            PageJob(path: SitePaths.notFound, content: .notFound),
            PageJob(path: SitePaths.search, content: .search),
        ]
        jobs += site.people.indices.map { PageJob(path: site.people[$0].page, content: .person($0)) }
        jobs += site.quotes.indices.map { PageJob(path: site.quotes[$0].page, content: .quote($0)) }
        jobs += site.events.indices.map { PageJob(path: site.events[$0].page, content: .event($0)) }
        jobs += site.sources.indices.map { PageJob(path: site.sources[$0].page, content: .source($0)) }
        jobs += site.pages.indices.map { PageJob(path: site.pages[$0].page, content: .plain($0)) }
        jobs += (1...pageCount(site.quotes.count)).map {
            PageJob(path: SitePaths.numbered(SitePaths.list(.quote), $0), content: .quotesList(page: $0))
        }
        jobs += (1...pageCount(site.events.count)).map {
            PageJob(path: SitePaths.numbered(SitePaths.list(.event), $0), content: .timeline(page: $0))
        }
        for (index, topic) in site.topics.enumerated() {
            jobs += (1...pageCount(site.quotesByTopic[topic.id]?.count ?? 0)).map {
                PageJob(path: SitePaths.numbered(topic.page, $0), content: .topic(index, page: $0))
            }
        }
        return jobs
    }

    func render(_ job: PageJob) -> OutputFile {
        let path = job.path
        let html: HTML
        switch job.content {
        case .overview: html = overview(path)
        case .peopleList: html = peopleList(path)
        case .sourcesList: html = sourcesList(path)
        case .topicsList: html = topicsList(path)
        case .notFound: html = notFound(path)
        case .search: html = search(path)
        case .quotesList(let page): html = quotesList(page: page, path)
        case .timeline(let page): html = timeline(page: page, path)
        case .person(let index): html = person(site.people[index], path)
        case .quote(let index): html = quote(at: index, path)
        case .event(let index): html = event(at: index, path)
        case .source(let index): html = source(site.sources[index], path)
        case .plain(let index): html = plain(site.pages[index], path)
        case .topic(let index, let page): html = topic(site.topics[index], page: page, path)
        }
        let contents = Data(html.utf8)
        return OutputFile(path: path, contents: images.images.isEmpty ? contents : firstImageLoadsFirst(contents))
    }

    /// The pages that count entries, or show the newest; any change to an entry may show on them. The first pages
    /// of the quotes list (its counts by speaker and topic) and of the timeline are among them; the pages of long
    /// lists that show a given entry come from `quotesListPath(at:)`, `timelinePath(at:)` and `topicPath(_:at:)`.
    static let listPages: Set<String> = [
        SitePaths.page(.overview, "index"), SitePaths.list(.person), SitePaths.list(.quote), SitePaths.list(.event),
        SitePaths.list(.source), SitePaths.list(.topic),
    ]

    // MARK: - Long lists over several pages

    var pageSize: Int { site.config.pageSize ?? SiteConfig.defaultPageSize }

    /// How many pages a list of `count` items takes; an empty list still has its first page.
    func pageCount(_ count: Int) -> Int { max(1, (count + pageSize - 1) / pageSize) }

    /// The page of the quotes list that shows the quote at `index` of `site.quotes`.
    func quotesListPath(at index: Int) -> String { SitePaths.numbered(SitePaths.list(.quote), index / pageSize + 1) }

    /// The page of the timeline that shows the event at `index` of `site.events`.
    func timelinePath(at index: Int) -> String { SitePaths.numbered(SitePaths.list(.event), index / pageSize + 1) }

    /// The page of `topic` that shows the quote at `index` of its quotes.
    func topicPath(_ topic: Topic, at index: Int) -> String { SitePaths.numbered(topic.page, index / pageSize + 1) }

    /// The items of page `number`, and where it stands among the pages of `first`.
    private func slice<T>(_ items: [T], page number: Int, first: String, from path: String) -> (ArraySlice<T>, PageNumbers) {
        let start = min(items.count, (number - 1) * pageSize)
        let shown = items[start..<min(items.count, start + pageSize)]
        let root = SitePaths.root(from: path)
        return (shown, PageNumbers(number: number, count: pageCount(items.count), url: { root + SitePaths.numbered(first, $0) },
                                   first: start + 1, last: start + shown.count, total: items.count))
    }

    /// "Quotes (page 2 of 80)" for the `<title>` of every page but the first.
    private func numberedTitle(_ title: String, _ pages: PageNumbers) -> String {
        pages.isFirst ? title : "\(title) (page \(pages.number) of \(pages.count))"
    }

    // MARK: - Pages

    private func overview(_ path: String) -> HTML {
        let overview = site.overview
        return overviewPage(context(path, title: nil, section: .overview, description: overview.fields.summary, entry: overview.entry, data: overviewData(path)),
                            title: overview.fields.title, summary: overview.fields.summary, image: figure(overview.fields.image, from: path),
                            body: markdown(overview.entry, path),
                            people: site.people.filter { $0.fields.kind != .government && $0.fields.kind != .organisation }.map { personCard($0, from: path) },
                            positions: positions(from: path), events: site.events.suffix(pageSize).map { eventItem($0, from: path) },
                            topics: topicCounts(from: path))
    }

    private func person(_ person: Person, _ path: String) -> HTML {
        let quotes = site.quotesBySpeaker[person.id] ?? []
        return personPage(context(path, title: person.fields.name, section: .people, description: person.fields.summary, trail: [.people],
                           entry: person.entry, type: "profile", data: personData(person)),
                   name: person.fields.name, role: person.fields.role, kindLabel: kindLabel(person.fields.kind),
                   country: person.fields.country, aliases: person.fields.aliases ?? [], summary: person.fields.summary,
                   portrait: figure(person.fields.image, from: path, sizes: Self.portraitSizes),
                   body: markdown(person.entry, path), topics: topicsQuoted(on: quotes, from: path),
                   quotes: mostFirst(groupedByTopic(quotes), by: { $0.topic == nil ? -1 : $0.quotes.count }).map { topic, quotes in
                       TopicQuotes(topic: topic.map { Link($0.title, url: url(path, $0.page)) }, summary: nil,
                                   quotes: quotes.map { quoteCard($0, from: path) }, total: quotes.count)
                   },
                   events: (site.eventsByPerson[person.id] ?? []).map { event in
                       // On their own page, an event names only the others who took part.
                       var item = eventItem(event, from: path)
                       item.people.removeAll { $0.url == url(path, person.page) }
                       return item
                   },
                   mentions: mentions(of: path))
    }

    private func peopleList(_ path: String) -> HTML {
        let isSide: (Person) -> Bool = { $0.fields.kind == .government || $0.fields.kind == .organisation }
        return peopleListPage(context(path, title: "People", section: .people, data: collectionData("People", path)),
                              people: site.people.filter { !isSide($0) }.map { personCard($0, from: path) },
                              sides: site.people.filter(isSide).map { personCard($0, from: path) })
    }

    private func quote(at index: Int, _ path: String) -> HTML {
        let quote = site.quotes[index]
        let neighbour: (Int) -> Link? = { i in
            site.quotes.indices.contains(i) ? Link(title(of: site.quotes[i]), url: url(path, site.quotes[i].page)) : nil
        }
        let heading = title(of: quote)
        return quotePage(context(path, title: shortened(heading), section: .quotes,
                                 description: heading, trail: [.quotes], entry: quote.entry, type: "article", data: quoteData(quote)),
                         quote: quoteCard(quote, from: path), body: markdown(quote.entry, path),
                         previous: neighbour(index - 1), next: neighbour(index + 1), mentions: mentions(of: path))
    }

    private func quotesList(page number: Int, _ path: String) -> HTML {
        let (quotes, pages) = slice(site.quotes, page: number, first: SitePaths.list(.quote), from: path)
        // Only the first page lists speakers and topics. Made for every page, they cost (quotes × people) / page size:
        // 18 times as much at 100,000 entries as at 10,000.
        let speakers = pages.isFirst ? site.people.compactMap { person -> CountedLink? in
            guard let quotes = site.quotesBySpeaker[person.id] else { return nil }
            return CountedLink(Link(person.fields.name, url: url(path, person.page)), note: counted(quotes.count, "quote"))
        } : []
        let topics = pages.isFirst ? site.topics.compactMap { topic -> CountedLink? in
            guard let quotes = site.quotesByTopic[topic.id] else { return nil }
            return CountedLink(Link(topic.title, url: url(path, topic.page)), note: counted(quotes.count, "quote"))
        } : []
        return quotesListPage(context(path, title: numberedTitle("Quotes", pages), section: .quotes, data: collectionData("Quotes", path)),
                              quotes: quotes.map { quoteCard($0, from: path) }, speakers: speakers, topics: topics, pages: pages)
    }

    private func event(at index: Int, _ path: String) -> HTML {
        let event = site.events[index]
        let neighbour: (Int) -> Link? = { i in
            site.events.indices.contains(i) ? Link(site.events[i].fields.title, url: url(path, site.events[i].page)) : nil
        }
        return eventPage(context(path, title: event.fields.title, section: .timeline, trail: [.timeline],
                                 entry: event.entry, type: "article", data: eventData(event)),
                         title: event.fields.title, date: dateView(event.fields.date), time: event.fields.time,
                         image: figure(event.fields.image, from: path), body: markdown(event.entry, path),
                         people: (event.fields.people ?? []).compactMap { site.person($0) }.map { Link($0.fields.name, url: url(path, $0.page)) },
                         quotes: (site.quotesByEvent[event.id] ?? []).map { quoteCard($0, from: path) },
                         sources: (event.fields.sources ?? []).compactMap { site.source($0) }.map { Link($0.fields.title, url: url(path, $0.page)) },
                         topics: topicLinks(event.fields.topics, from: path),
                         previous: neighbour(index - 1), next: neighbour(index + 1), mentions: mentions(of: path))
    }

    private func timeline(page number: Int, _ path: String) -> HTML {
        let (events, pages) = slice(site.events, page: number, first: SitePaths.list(.event), from: path)
        var periods: [TimelinePeriod] = []
        for event in events {
            let period = event.fields.date.monthPeriod
            let item = eventItem(event, from: path, withQuotes: true)
            if periods.last?.machine == period.description {
                periods[periods.count - 1].events.append(item)
            } else {
                periods.append(TimelinePeriod(label: period.display, machine: period.description, events: [item]))
            }
        }
        return timelinePage(context(path, title: numberedTitle("Timeline", pages), section: .timeline, data: collectionData("Timeline", path)),
                            periods: periods, pages: pages)
    }

    private func source(_ source: Source, _ path: String) -> HTML {
        sourcePage(context(path, title: source.fields.title, section: .sources, trail: [.sources],
                           entry: source.entry, type: "article", data: sourceData(source)),
                   title: source.fields.title, publisher: source.fields.publisher, url: source.fields.url,
                   date: source.fields.date.map { dateView($0) }, image: figure(source.fields.image, from: path),
                   body: markdown(source.entry, path),
                   quotes: (site.quotesBySource[source.id] ?? []).map { quoteCard($0, from: path) },
                   events: (site.eventsBySource[source.id] ?? []).map { Link($0.fields.title, url: url(path, $0.page)) },
                   mentions: mentions(of: path))
    }

    private func sourcesList(_ path: String) -> HTML {
        let sources = site.sources.map { source in
            CountedLink(Link(source.fields.title, url: url(path, source.page)),
                        note: notes(counted(site.quotesBySource[source.id]?.count ?? 0, "quote"),
                                    counted(site.eventsBySource[source.id]?.count ?? 0, "event")))
        }
        return sourcesListPage(context(path, title: "Sources", section: .sources, data: collectionData("Sources", path)), sources: sources)
    }

    private func topic(_ topic: Topic, page number: Int, _ path: String) -> HTML {
        let quotes = site.quotesByTopic[topic.id] ?? []
        let (shown, pages) = slice(quotes, page: number, first: topic.page, from: path)
        guard pages.isFirst else {
            return topicPage(context(path, title: numberedTitle(topic.title, pages), section: .topics, trail: [.topics], data: topicData(topic)),
                             title: topic.title, summary: nil, image: nil, body: .empty, speakers: [], quotes: shown.map { quoteCard($0, from: path) },
                             events: [], mentions: [], pages: pages)
        }
        let speakers = Dictionary(grouping: quotes, by: \.fields.speaker)
            .compactMap { id, quotes -> CountedLink? in
                guard let person = site.person(id) else { return nil }
                return CountedLink(Link(person.fields.name, url: url(path, person.page)), note: counted(quotes.count, "quote"))
            }
            .sorted { $0.link.title < $1.link.title }
        return topicPage(context(path, title: topic.title, section: .topics, description: topic.summary, trail: [.topics],
                                 entry: topic.entry, data: topicData(topic)),
                         title: topic.title, summary: topic.summary,
                         image: figure(topic.entry.flatMap { $0.imageID }, from: path),
                         body: topic.entry.map { markdown($0, path) } ?? .empty,
                         speakers: speakers, quotes: shown.map { quoteCard($0, from: path) },
                         events: (site.eventsByTopic[topic.id] ?? []).map { eventItem($0, from: path) },
                         mentions: mentions(of: path), pages: pages)
    }

    private func topicsList(_ path: String) -> HTML {
        topicsListPage(context(path, title: "Topics", section: .topics, data: collectionData("Topics", path)), topics: topicCounts(from: path))
    }

    private func plain(_ page: Page, _ path: String) -> HTML {
        plainPage(context(path, title: page.fields.title, section: nil, entry: page.entry, type: "article",
                          data: webPageData(page.fields.title, path)),
                  title: page.fields.title, image: figure(page.fields.image, from: path), body: markdown(page.entry, path),
                  mentions: mentions(of: path))
    }

    private func search(_ path: String) -> HTML {
        searchPage(context(path, title: "Search", section: .search, data: searchData(path)),
                   indexScript: assets.searchIndex, searchScript: assets.searchScript)
    }

    private func notFound(_ path: String) -> HTML {
        // Served for any missing URL, so its links cannot be relative to where it sits. They start from the path of
        // base_url, not from its host: the page then loads nothing from another host when the site is served at a
        // staging or preview address.
        var page = context(path, title: "Page not found", section: nil, data: webPageData("Page not found", path))
        page.root = notFoundRoot ?? SitePaths.basePath(of: site.config.baseURL)
        return notFoundPage(page)
    }

    // MARK: - Shared views

    private func context(_ path: String, title: String?, section: Section?, description: String? = nil, trail: [Section] = [],
                         entry: Entry? = nil, type: String = "website", data: JSON) -> PageContext {
        let root = SitePaths.root(from: path)
        let breadcrumbs = trail.isEmpty ? [] : [Link("Overview", url: root + "index.html")] + trail.map { Link($0.title, url: root + $0.path) }
        var page = PageContext(siteTitle: site.config.title, siteDescription: site.config.description, pageTitle: title,
                               description: description ?? site.config.description, language: site.config.language ?? "en",
                               root: root, path: path, section: section, asOf: site.config.asOf.map { dateView($0) }, breadcrumbs: breadcrumbs,
                               canonicalURL: absolute(path))
        page.stylesheet = assets.stylesheet
        page.openGraphType = type
        page.jsonLD = data.serialized()
        page.socialImage = socialImage(for: entry.flatMap { imageIDs(of: $0).isEmpty ? nil : $0 } ?? socialEntry(of: path))
        if let editorial = entry?.editorial {
            page.editorial = EditorialView(updated: editorial.updated.map { dateView($0) },
                                           corrections: (editorial.corrections ?? []).map { (dateView($0.date), $0.note) })
        }
        return page
    }

    /// Makes `preparedCards` for a build that renders every page: from the root, and from two and three folders deep,
    /// where nearly every card is shown (an entry's page is two deep, a list's later pages three; the few pages one
    /// folder deep, the lists' first pages, make theirs as they go).
    func preparingQuoteCards() -> PageRenderer {
        var prepared = self
        let rootCards = site.quotes.concurrentMap { rootCard($0) }
        prepared.preparedCards = [rootCards, []] + (2...3).map { depth in
            let root = String(repeating: "../", count: depth)
            return rootCards.concurrentMap { Self.climbing($0, root) }
        }
        prepared.preparedCardIndex = Dictionary(uniqueKeysWithValues: site.quotes.enumerated().map { (ObjectIdentifier($1), $0) })
        return prepared
    }

    /// A quote's card as seen from `path`.
    private func quoteCard(_ quote: Quote, from path: String) -> QuoteCard {
        guard let index = preparedCardIndex[ObjectIdentifier(quote)] else { return rootCard(quote, from: path) }
        let depth = SitePaths.depth(of: path)
        if depth < preparedCards.count, !preparedCards[depth].isEmpty { return preparedCards[depth][index] }
        return Self.climbing(preparedCards[0][index], SitePaths.root(from: path))
    }

    /// A card from the root as seen from a page whose way to the root is `root`: each link climbs there first.
    private static func climbing(_ card: QuoteCard, _ root: String) -> QuoteCard {
        func climbing(_ link: Link) -> Link { Link(link.title, url: root + link.url) }
        return QuoteCard(text: card.text, url: root + card.url,
                         // "#" stands for a speaker with no page.
                         speaker: card.speaker.url == "#" ? card.speaker : climbing(card.speaker),
                         speakerRole: card.speakerRole, date: card.date, medium: card.medium,
                         source: card.source.map(climbing), event: card.event.map(climbing), topics: card.topics.map(climbing))
    }

    /// A quote's card as seen from the page at `path`; from the root (the default) each link is the path of the page it points to.
    private func rootCard(_ quote: Quote, from path: String = "") -> QuoteCard {
        let speaker = site.person(quote.fields.speaker)
        let event = quote.fields.event.flatMap { site.event($0) }
        let source = site.source(quote.fields.source)
        return QuoteCard(text: quote.fields.text, url: url(path, quote.page),
                         speaker: Link(speaker?.fields.name ?? quote.fields.speaker, url: speaker.map { url(path, $0.page) } ?? "#"),
                         speakerRole: speaker?.fields.role, date: dateView(quote.fields.date), medium: quote.fields.medium,
                         source: source.map { Link($0.fields.title, url: url(path, $0.page)) },
                         event: event.map { Link($0.fields.title, url: url(path, $0.page)) },
                         topics: topicLinks(quote.fields.topics, from: path))
    }

    private func eventItem(_ event: Event, from path: String, withQuotes: Bool = false) -> EventItem {
        EventItem(title: event.fields.title, url: url(path, event.page), date: dateView(event.fields.date), time: event.fields.time,
                  people: (event.fields.people ?? []).compactMap { site.person($0) }.map { Link($0.fields.name, url: url(path, $0.page)) },
                  quotes: withQuotes ? (site.quotesByEvent[event.id] ?? []).map { quoteCard($0, from: path) } : [],
                  photo: eventPhoto(event.fields.image, from: path))
    }

    private func personCard(_ person: Person, from path: String) -> PersonCard {
        PersonCard(name: person.fields.name, url: url(path, person.page), role: person.fields.role, summary: person.fields.summary,
                   kindLabel: kindLabel(person.fields.kind), quoteCount: site.quotesBySpeaker[person.id]?.count ?? 0,
                   portrait: portrait(person.fields.image, from: path))
    }

    /// The entry whose picture a page without an image of its own previews with: a quote's event, else its speaker.
    private func socialEntry(of path: String) -> Entry? {
        guard case .quote(let quote)? = site.entriesByPage[path]?.fields else { return nil }
        let candidates = [quote.event.flatMap { site.event($0)?.entry }, site.person(quote.speaker)?.entry].compactMap { $0 }
        return candidates.first { !imageIDs(of: $0).isEmpty }
    }

    /// The overview's positions: per topic, each speaker's latest quote filed under it; the most voices first.
    private func positions(from path: String) -> [TopicQuotes] {
        let shownTopics = 6, shownSpeakers = 6
        let groups = groupedByTopic(site.quotes).compactMap { topic, quotes -> TopicQuotes? in
            guard let topic else { return nil }
            var speakers: [String] = []
            var latest: [String: Quote] = [:]
            for quote in quotes.reversed() where latest[quote.fields.speaker] == nil {
                latest[quote.fields.speaker] = quote
                speakers.append(quote.fields.speaker)
            }
            // Newest voices are kept when there are too many; they read oldest first, as the timeline does.
            let shown = speakers.prefix(shownSpeakers).reversed().compactMap { latest[$0] }
            return TopicQuotes(topic: Link(topic.title, url: url(path, topic.page)), summary: topic.summary,
                               quotes: shown.map { quoteCard($0, from: path) }, total: speakers.count)
        }
        return Array(mostFirst(groups, by: \.total).prefix(shownTopics))
    }

    /// A stable sort, largest `measure` first.
    private func mostFirst<Element>(_ items: [Element], by measure: (Element) -> Int) -> [Element] {
        items.enumerated().sorted { (-measure($0.element), $0.offset) < (-measure($1.element), $1.offset) }.map(\.element)
    }

    /// Quotes filed under their first topic, in topic order; those without a topic come last, under nil.
    private func groupedByTopic(_ quotes: [Quote]) -> [(topic: Topic?, quotes: [Quote])] {
        let groups = Dictionary(grouping: quotes) { $0.fields.topics?.first }
        var result: [(topic: Topic?, quotes: [Quote])] = site.topics.compactMap { topic in groups[topic.id].map { (topic, $0) } }
        if let untopical = groups[nil] { result.append((nil, untopical)) }
        return result
    }

    /// Every topic a list of quotes touches, in topic order.
    private func topicsQuoted(on quotes: [Quote], from path: String) -> [Link] {
        let ids = Set(quotes.flatMap { $0.fields.topics ?? [] })
        return site.topics.filter { ids.contains($0.id) }.map { Link($0.title, url: url(path, $0.page)) }
    }

    private func topicLinks(_ ids: [String]?, from path: String) -> [Link] {
        (ids ?? []).compactMap { site.topic($0) }.map { Link($0.title, url: url(path, $0.page)) }
    }

    private func topicCounts(from path: String) -> [CountedLink] {
        site.topics.map { topic in
            CountedLink(Link(topic.title, url: url(path, topic.page)),
                        note: notes(counted(site.quotesByTopic[topic.id]?.count ?? 0, "quote"),
                                    counted(site.eventsByTopic[topic.id]?.count ?? 0, "event")))
        }
    }

    private func mentions(of path: String) -> [Link] {
        (site.mentions[path] ?? []).map { entry in Link(shortened(title(of: entry)), url: url(path, entry.page)) }
    }

    private func markdown(_ entry: Entry, _ path: String) -> HTML {
        bodyHTML(entry, from: path)
    }

    private func url(_ from: String, _ to: String) -> String {
        SitePaths.relative(from: from, to: to)
    }

    private func kindLabel(_ kind: PersonKind?) -> String? {
        switch kind {
        case .government: return "Government"
        case .organisation: return "Organisation"
        case .person, .none: return nil
        }
    }

    func absolute(_ path: String) -> String {
        absoluteURL(base: site.config.baseURL ?? "/", path: path)
    }

    func dateView(_ date: PartialDate) -> DateView {
        DateView(machine: date.description, display: date.display, isPartial: !date.isFullDate)
    }

    /// How an entry is named in lists and links; a quote by its speaker and words.
    func title(of entry: Entry) -> String {
        guard case .quote(let quote) = entry.fields else { return entry.title }
        return quoteTitle(speaker: quote.speaker, text: quote.text)
    }

    /// The same for a quote, from its typed fields: without copying the entry's whole `fields` out of it.
    func title(of quote: Quote) -> String {
        quoteTitle(speaker: quote.fields.speaker, text: quote.fields.text)
    }

    private func quoteTitle(speaker: String, text: String) -> String {
        "\(site.person(speaker)?.fields.name ?? speaker): “\(text)”"
    }

    /// "1 quote", "3 quotes", or nil for none.
    private func counted(_ count: Int, _ noun: String) -> String? {
        count == 0 ? nil : "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private func notes(_ parts: String?...) -> String? {
        let present = parts.compactMap { $0 }
        return present.isEmpty ? nil : present.joined(separator: ", ")
    }
}

/// `https://example.org/briefing/` + `people/x/index.html` → `https://example.org/briefing/people/x/`.
func absoluteURL(base: String, path: String) -> String {
    let prefix = base.hasSuffix("/") ? base : base + "/"
    let pretty = path == "index.html" ? "" : path.hasSuffix("/index.html") ? String(path.dropLast("index.html".count)) : path
    return prefix + pretty
}
