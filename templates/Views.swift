// Plain values the render stage fills in and the templates read. URLs are already relative to the page.

public struct Link: Sendable, Hashable {
    public var title: String
    public var url: String

    public init(_ title: String, url: String) {
        self.title = title
        self.url = url
    }
}

public struct DateView: Sendable, Hashable {
    /// For `<time datetime>`: `2025`, `2025-05` or `2025-05-11`.
    public var machine: String
    /// "2025", "May 2025", "11 May 2025".
    public var display: String
    /// Only a year or a month is known.
    public var isPartial: Bool

    public init(machine: String, display: String, isPartial: Bool) {
        self.machine = machine
        self.display = display
        self.isPartial = isPartial
    }

    /// What a partial date leaves out, said in words: a tooltip alone is invisible on a phone.
    public var precisionNote: String? {
        guard isPartial else { return nil }
        return machine.count <= 4 ? "exact date unknown" : "exact day unknown"
    }
}

/// Everything the layout needs besides the page's own content.
public struct PageContext: Sendable {
    public var siteTitle: String
    public var siteDescription: String?
    /// The `<title>` of this page, before the site title.
    public var pageTitle: String?
    public var description: String?
    public var language: String
    /// Relative path from this page to the site root, "" or "../../".
    public var root: String
    /// This page's output path, e.g. `people/index.html`.
    public var path: String
    public var section: Section?
    public var asOf: DateView?
    /// Trail from the overview to this page's parent.
    public var breadcrumbs: [Link]
    /// Absolute URL of this page, when the site has a `base_url`.
    public var canonicalURL: String?
    /// The stylesheet's path from the root, e.g. `assets/style.1a2b3c4d5e.css`.
    public var stylesheet = "assets/style.css"
    /// `website`, `article` or `profile`.
    public var openGraphType = "website"
    /// The page's structured data as JSON; escaped for `<script>` by the layout.
    public var jsonLD: String?
    public var editorial: EditorialView?
    /// The picture link previews show: the page's own image, else the site's.
    public var socialImage: SocialImageView?

    public init(siteTitle: String, siteDescription: String?, pageTitle: String?, description: String?, language: String,
                root: String, path: String, section: Section?, asOf: DateView?, breadcrumbs: [Link], canonicalURL: String? = nil) {
        self.siteTitle = siteTitle
        self.siteDescription = siteDescription
        self.pageTitle = pageTitle
        self.description = description
        self.language = language
        self.root = root
        self.path = path
        self.section = section
        self.asOf = asOf
        self.breadcrumbs = breadcrumbs
        self.canonicalURL = canonicalURL
    }
}

/// The sections in the main navigation.
public enum Section: String, Sendable, CaseIterable {
    case overview, people, quotes, timeline, topics, sources, search

    public var title: String {
        switch self {
        case .overview: return "Overview"
        case .people: return "People"
        case .quotes: return "Quotes"
        case .timeline: return "Timeline"
        case .topics: return "Topics"
        case .sources: return "Sources"
        case .search: return "Search"
        }
    }

    /// Path from the root to the section's page.
    public var path: String {
        self == .overview ? "index.html" : "\(rawValue)/index.html"
    }
}

/// When an entry last changed and what was corrected.
public struct EditorialView: Sendable {
    public var updated: DateView?
    public var corrections: [(date: DateView, note: String)]

    public init(updated: DateView?, corrections: [(date: DateView, note: String)]) {
        self.updated = updated
        self.corrections = corrections
    }
}

/// A quote as a card shows it. A class, not a struct: a build makes a quote's card once for each folder depth most pages
/// are at, and a page then holds a reference to it instead of copying its dozen strings (an atomic retain each, on data
/// every core reads).
public final class QuoteCard: Sendable {
    public let text: String
    public let url: String
    public let speaker: Link
    public let speakerRole: String?
    public let date: DateView
    public let medium: String?
    public let source: Link?
    public let event: Link?
    public let topics: [Link]

    public init(text: String, url: String, speaker: Link, speakerRole: String?, date: DateView, medium: String?, source: Link?, event: Link?, topics: [Link]) {
        self.text = text
        self.url = url
        self.speaker = speaker
        self.speakerRole = speakerRole
        self.date = date
        self.medium = medium
        self.source = source
        self.event = event
        self.topics = topics
    }
}

public struct EventItem: Sendable {
    public var title: String
    public var url: String
    public var date: DateView
    public var time: String?
    public var people: [Link]
    public var quotes: [QuoteCard]
    /// The event's photograph, cropped to the card shape.
    public var photo: PictureView?

    public init(title: String, url: String, date: DateView, time: String?, people: [Link], quotes: [QuoteCard], photo: PictureView? = nil) {
        self.title = title
        self.url = url
        self.date = date
        self.time = time
        self.people = people
        self.quotes = quotes
        self.photo = photo
    }
}

public struct PersonCard: Sendable {
    public var name: String
    public var url: String
    public var role: String
    public var summary: String?
    public var kindLabel: String?
    public var quoteCount: Int
    /// The person's portrait, cropped square.
    public var portrait: PictureView?

    public init(name: String, url: String, role: String, summary: String?, kindLabel: String?, quoteCount: Int, portrait: PictureView? = nil) {
        self.name = name
        self.url = url
        self.role = role
        self.summary = summary
        self.kindLabel = kindLabel
        self.quoteCount = quoteCount
        self.portrait = portrait
    }
}

/// A link with a note on what it leads to, for filter lists: "Vladimir Putin (2 quotes)".
public struct CountedLink: Sendable {
    public var link: Link
    public var note: String?

    public init(_ link: Link, note: String?) {
        self.link = link
        self.note = note
    }
}

/// Where a page stands in a long list split over several pages: page `number` of `count`, holding items
/// `first`–`last` of `total`.
public struct PageNumbers: Sendable {
    public var number: Int
    public var count: Int
    /// The URL of page `n` (1-based), relative to the current page. A function, not a list: a list of 1,000 pages
    /// would otherwise carry 1,000 URLs on each of its pages.
    public var url: @Sendable (Int) -> String
    public var first: Int
    public var last: Int
    public var total: Int

    public init(number: Int, count: Int, url: @escaping @Sendable (Int) -> String, first: Int, last: Int, total: Int) {
        self.number = number
        self.count = count
        self.url = url
        self.first = first
        self.last = last
        self.total = total
    }

    public var isFirst: Bool { number == 1 }
}

/// A group of timeline events: a month, or a year where only the year is known.
public struct TimelinePeriod: Sendable {
    public var label: String
    public var machine: String
    public var events: [EventItem]

    public init(label: String, machine: String, events: [EventItem]) {
        self.label = label
        self.machine = machine
        self.events = events
    }
}

/// Quotes filed under the topic they mainly address (their first topic), or under none.
public struct TopicQuotes: Sendable {
    /// Nil for quotes without a topic.
    public var topic: Link?
    public var summary: String?
    public var quotes: [QuoteCard]
    /// How many quotes there are on the topic in all, when `quotes` shows only some of them.
    public var total: Int

    public init(topic: Link?, summary: String?, quotes: [QuoteCard], total: Int) {
        self.topic = topic
        self.summary = summary
        self.quotes = quotes
        self.total = total
    }
}

/// One `<source>` of a picture: a format's variants.
public struct PictureSource: Sendable, Hashable {
    /// e.g. `image/webp`.
    public var type: String
    /// `url 320w, url 640w, …`
    public var srcset: String

    public init(type: String, srcset: String) {
        self.type = type
        self.srcset = srcset
    }
}

/// An image in its variants, URLs relative to the page: `<picture>` with a `<source>` per compact format and a JPEG `<img>`.
public struct PictureView: Sendable, Hashable {
    public var sources: [PictureSource]
    public var src: String
    public var srcset: String
    /// How wide the layout shows the image, for the browser to choose a variant.
    public var sizes: String
    /// Of `src`: the browser keeps the room for the image before it arrives.
    public var width: Int
    public var height: Int
    public var alt: String

    public init(sources: [PictureSource], src: String, srcset: String, sizes: String, width: Int, height: Int, alt: String) {
        self.sources = sources
        self.src = src
        self.srcset = srcset
        self.sizes = sizes
        self.width = width
        self.height = height
        self.alt = alt
    }
}

/// A photograph or figure with what is printed under it.
public struct FigureView: Sendable, Hashable {
    public var picture: PictureView
    public var caption: String?
    public var credit: String
    public var license: String
    /// The licence's page, if the sidecar gives one.
    public var licenseURL: String?

    public init(picture: PictureView, caption: String?, credit: String, license: String, licenseURL: String?) {
        self.picture = picture
        self.caption = caption
        self.credit = credit
        self.license = license
        self.licenseURL = licenseURL
    }
}

/// The picture of link previews (`og:image`): absolute URL, size and description.
public struct SocialImageView: Sendable, Hashable {
    public var url: String
    public var width: Int
    public var height: Int
    public var alt: String

    public init(url: String, width: Int, height: Int, alt: String) {
        self.url = url
        self.width = width
        self.height = height
        self.alt = alt
    }
}
