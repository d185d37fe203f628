import Foundation

/// An entry together with its typed fields. A class for the same reason as `Entry`: the resolved site files each
/// item in several lists and maps.
public final class Item<Fields: Sendable>: Sendable {
    public let entry: Entry
    public let fields: Fields

    init(entry: Entry, fields: Fields) {
        self.entry = entry
        self.fields = fields
    }

    public var id: String { entry.id }
    public var page: String { entry.page }
}

public typealias Person = Item<PersonFields>
public typealias Quote = Item<QuoteFields>
public typealias Event = Item<EventFields>
public typealias Source = Item<SourceFields>
public typealias Page = Item<PageFields>

/// A topic named in `topics:` lists, with its optional description file.
public struct Topic: Sendable {
    public var id: String
    public var title: String
    public var summary: String?
    public var entry: Entry?

    public var page: String { SitePaths.page(.topic, id) }
}

/// The whole briefing, resolved: every reference checked, inverse relations derived, lists ordered.
public struct Site: Sendable {
    public var config: SiteConfig
    public var overview: Item<OverviewFields>
    /// By name.
    public var people: [Person]
    /// In date order, oldest first.
    public var quotes: [Quote]
    /// In date order, oldest first; events of one date by `weight`.
    public var events: [Event]
    /// By title.
    public var sources: [Source]
    public var pages: [Page]
    /// By title.
    public var topics: [Topic]

    // Relations derived from the references; each list is in the order of the lists above.
    public var quotesBySpeaker: [String: [Quote]]
    public var quotesByEvent: [String: [Quote]]
    public var eventsByPerson: [String: [Event]]
    /// Source id to the quotes and events that cite it.
    public var quotesBySource: [String: [Quote]]
    public var eventsBySource: [String: [Event]]
    public var quotesByTopic: [String: [Quote]]
    public var eventsByTopic: [String: [Event]]
    /// Output page to the entries whose Markdown links to it.
    public var mentions: [String: [Entry]]
    /// Every image of `media/` that passed its checks, by id.
    public var images: [String: MediaImage] = [:]
    /// The ids of the images the site shows (published entries' `image:` fields and figures, site.yaml's `image`), sorted.
    public var usedImages: [String] = []

    public func person(_ id: String) -> Person? { peopleByID[id] }
    public func event(_ id: String) -> Event? { eventsByID[id] }
    public func source(_ id: String) -> Source? { sourcesByID[id] }
    public func topic(_ id: String) -> Topic? { topicsByID[id] }

    var peopleByID: [String: Person] = [:]
    var eventsByID: [String: Event] = [:]
    var sourcesByID: [String: Source] = [:]
    var topicsByID: [String: Topic] = [:]
    /// Every published entry by its output page.
    var entriesByPage: [String: Entry] = [:]
}

/// The orders of the resolved site's lists, as sort keys: the full resolve and the preview's in-place update
/// (`SiteUpdate`) must file entries exactly alike.
enum SiteOrder {
    /// Events by date; those of one date by `weight`, lower first.
    static func event(_ event: Event) -> (PartialDate, Int, String) {
        (event.fields.date, event.fields.weight ?? 0, event.id)
    }

    /// Quotes by date; those of one date by their events' weights.
    static func quote(_ quote: Quote, events: [String: Event]) -> (PartialDate, Int, String) {
        (quote.fields.date, quote.fields.event.flatMap { events[$0]?.fields.weight } ?? 0, quote.id)
    }

    /// A page's mentions by kind, then title; an entry's kind and id name it uniquely.
    static func mention(_ entry: Entry) -> (ContentKind, String, String) {
        (entry.kind, entry.title, entry.id)
    }
}

/// The resolve stage: checks every reference and link, and derives what points where.
enum SiteResolver {
    /// `drafts` are files left out of this build: a published entry may not point at one.
    static func resolve(config: SiteConfig, configPath: String, entries: [Entry], resolver: LinkResolver,
                        drafts: Set<String> = [], media: MediaLibrary = MediaLibrary()) -> Result<Site, BuildFailure> {
        var problems: [Diagnostic] = []
        var overview: Item<OverviewFields>?
        var people: [Person] = [], quotes: [Quote] = [], events: [Event] = []
        var sources: [Source] = [], pages: [Page] = [], topicFiles: [Topic] = []
        for entry in entries {
            switch entry.fields {
            case .overview(let fields): overview = Item(entry: entry, fields: fields)
            case .person(let fields): people.append(Item(entry: entry, fields: fields))
            case .quote(let fields): quotes.append(Item(entry: entry, fields: fields))
            case .event(let fields): events.append(Item(entry: entry, fields: fields))
            case .source(let fields): sources.append(Item(entry: entry, fields: fields))
            case .page(let fields): pages.append(Item(entry: entry, fields: fields))
            case .topic(let fields): topicFiles.append(Topic(id: entry.id, title: fields.title, summary: fields.summary, entry: entry))
            }
        }

        // An empty title means site.yaml itself was missing or unreadable, which is reported already.
        if !config.title.isEmpty { problems += checkConfig(config, path: configPath) }
        if drafts.contains("index.md") {
            problems.append(Diagnostic(SourceLocation(path: configPath.replacingOccurrences(of: "site.yaml", with: "index.md")),
                                       "the overview cannot be a draft: remove 'draft: true'"))
        }
        let peopleByID = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let eventsByID = Dictionary(events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let sourcesByID = Dictionary(sources.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let entriesByPage = Dictionary(entries.map { ($0.page, $0) }, uniquingKeysWith: { a, _ in a })

        // Every entry's references and links, each entry on its own (the editor checks a draft the same way).
        let checks = EntryChecks(resolver: resolver, drafts: drafts, declaredTopics: Set(topicFiles.map(\.id)), entriesByPage: entriesByPage,
                                 media: media)
        for entry in entries { problems += checks.problems(of: entry) }
        if let id = config.image, let problem = checks.imageProblem(id, field: "image") { problems.append(Diagnostic(SourceLocation(path: configPath), problem)) }

        // Topics: defined by use; once any topic has a description file, every topic needs one (catches typos).
        var topicsByID = Dictionary(topicFiles.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for quote in quotes {
            for topic in quote.fields.topics ?? [] where checks.isTopic(topic) && topicsByID[topic] == nil {
                topicsByID[topic] = Topic(id: topic, title: titleFromID(topic), summary: nil, entry: nil)
            }
        }
        for event in events {
            for topic in event.fields.topics ?? [] where checks.isTopic(topic) && topicsByID[topic] == nil {
                topicsByID[topic] = Topic(id: topic, title: titleFromID(topic), summary: nil, entry: nil)
            }
        }

        // Mentions: every published page an entry's links reach, once per entry.
        var mentions: [String: [Entry]] = [:]
        for entry in entries {
            var mentioned: Set<String> = []
            for target in entry.linkTargets {
                guard case .content(let relativePath, let page, _) = target, !drafts.contains(relativePath), page != entry.page,
                      mentioned.insert(page).inserted else { continue }
                mentions[page, default: []].append(entry)
            }
        }

        guard problems.isEmpty, let overview else { return .failure(BuildFailure(problems)) }

        // Orders: people and sources by name, dated entries by date then weight.
        people.sort { ($0.fields.name, $0.id) < ($1.fields.name, $1.id) }
        sources.sort { ($0.fields.title, $0.id) < ($1.fields.title, $1.id) }
        pages.sort { ($0.fields.title, $0.id) < ($1.fields.title, $1.id) }
        events.sort { SiteOrder.event($0) < SiteOrder.event($1) }
        // Sort keys worked out once per quote, not once per comparison.
        let quoteKeys = quotes.map { SiteOrder.quote($0, events: eventsByID) }
        quotes = quotes.indices.sorted { quoteKeys[$0] < quoteKeys[$1] }.map { quotes[$0] }
        let topics = topicsByID.values.sorted { ($0.title, $0.id) < ($1.title, $1.id) }
        mentions = mentions.mapValues { entries in
            let keys = entries.map(SiteOrder.mention)
            return entries.indices.sorted { keys[$0] < keys[$1] }.map { entries[$0] }
        }

        var site = Site(
            config: config, overview: overview, people: people, quotes: quotes, events: events,
            sources: sources, pages: pages, topics: topics,
            quotesBySpeaker: Dictionary(grouping: quotes, by: \.fields.speaker),
            quotesByEvent: Dictionary(grouping: quotes.filter { $0.fields.event != nil }, by: { $0.fields.event! }),
            eventsByPerson: groupMany(events) { $0.fields.people ?? [] },
            quotesBySource: Dictionary(grouping: quotes, by: \.fields.source),
            eventsBySource: groupMany(events) { $0.fields.sources ?? [] },
            quotesByTopic: groupMany(quotes) { $0.fields.topics ?? [] },
            eventsByTopic: groupMany(events) { $0.fields.topics ?? [] },
            mentions: mentions)
        site.peopleByID = peopleByID
        site.eventsByID = eventsByID
        site.sourcesByID = sourcesByID
        site.topicsByID = Dictionary(topics.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        site.entriesByPage = entriesByPage
        site.images = media.images
        let shown = ([config.image].compactMap { $0 } + entries.flatMap { checks.imagesShown(by: $0) }).filter { media.images[$0] != nil }
        site.usedImages = Set(shown).sorted()
        return .success(site)
    }

    // MARK: - Helpers

    private static func groupMany<T>(_ items: [T], _ keys: (T) -> [String]) -> [String: [T]] {
        var groups: [String: [T]] = [:]
        for item in items {
            for key in Set(keys(item)) { groups[key, default: []].append(item) }
        }
        return groups
    }

    /// "ceasefire-first" reads as "Ceasefire first".
    static func titleFromID(_ id: String) -> String {
        let words = id.split(separator: "-").map(String.init).joined(separator: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    static func urlProblem(_ url: String) -> String? {
        guard let scheme = LinkResolver.scheme(of: url) else { return "'\(url)' is not a full URL: write it with https://" }
        guard ["http", "https"].contains(scheme.lowercased()) else { return "unsafe URL scheme '\(scheme):': only http and https are allowed" }
        guard let parsed = URL(string: url), parsed.host?.isEmpty == false else { return "'\(url)' is not a valid URL" }
        return nil
    }

    private static func checkConfig(_ config: SiteConfig, path: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if config.baseURL == nil {
            problems.append(Diagnostic(SourceLocation(path: path), "missing base_url: sitemap.xml, feed.xml and canonical links need the site's address; add 'base_url: https://…' to site.yaml or pass --base-url"))
        }
        if let baseURL = config.baseURL, let problem = urlProblem(baseURL) {
            problems.append(Diagnostic(SourceLocation(path: path), "field 'base_url': \(problem)"))
        }
        if let language = config.language,
           !language.split(separator: "-").allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }) {
            problems.append(Diagnostic(SourceLocation(path: path), "field 'language': '\(language)' is not a language tag such as 'en' or 'en-GB'"))
        }
        return problems
    }
}
