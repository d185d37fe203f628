import Foundation

// The front matter of each kind of content file, exactly the fields an editor may write.

/// `content/site.yaml`
public struct SiteConfig: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var description: String?
    public var language: String?
    public var baseURL: String?
    /// The date the briefing is current to.
    public var asOf: PartialDate?
    /// Pass raw HTML in Markdown through (after GFM's tag filter); omitted by default.
    public var rawHTML: Bool?
    /// How many quotes or events a list page shows before the list continues on a next page.
    public var pageSize: Int?
    /// Write compressed copies of the text files beside them (`briefing build --precompress`).
    public var precompress: Bool?
    /// The image of link previews for pages that have none of their own: an image id in `media/`.
    public var image: String?

    public static let defaultPageSize = 100

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, language, image
        case baseURL = "base_url"
        case asOf = "as_of"
        case rawHTML = "raw_html"
        case pageSize = "page_size"
        case precompress
    }
    static let kindName = "site.yaml"
    static let hasEditorialFields = false
    var requiredText: [String: String] { ["title": title] }
}

/// `content/index.md`: the overview.
public struct OverviewFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var summary: String?
    public var image: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case title, summary, image }
    static let kindName = "the overview"
    var requiredText: [String: String] { ["title": title] }
}

public enum PersonKind: String, Decodable, Sendable, Hashable, CaseIterable {
    case person, government, organisation
}

/// `content/people/ID.md`
public struct PersonFields: FrontMatterFields, Sendable, Hashable {
    public var name: String
    public var role: String
    public var kind: PersonKind?
    public var country: String?
    public var aliases: [String]?
    public var summary: String?
    /// A portrait: an image id in `media/`.
    public var image: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, role, kind, country, aliases, summary, image }
    static let kindName = "a person"
    var requiredText: [String: String] { ["name": name, "role": role] }
}

/// `content/quotes/ID.md`
public struct QuoteFields: FrontMatterFields, Sendable, Hashable {
    public var speaker: String
    public var text: String
    public var date: PartialDate
    public var source: String
    public var event: String?
    public var medium: String?
    public var topics: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable { case speaker, text, date, source, event, medium, topics }
    static let kindName = "a quote"
    var requiredText: [String: String] { ["speaker": speaker, "text": text, "source": source] }
}

/// `content/timeline/ID.md`
public struct EventFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var date: PartialDate
    public var time: String?
    /// Orders events that share a date; lower first.
    public var weight: Int?
    public var people: [String]?
    public var sources: [String]?
    public var topics: [String]?
    /// A photograph of the event: an image id in `media/`.
    public var image: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case title, date, time, weight, people, sources, topics, image }
    static let kindName = "a timeline event"
    var requiredText: [String: String] { ["title": title] }
}

/// `content/sources/ID.md`
public struct SourceFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var publisher: String
    public var url: String?
    public var date: PartialDate?
    public var image: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case title, publisher, url, date, image }
    static let kindName = "a source"
    var requiredText: [String: String] { ["title": title, "publisher": publisher] }
}

/// `content/pages/ID.md`
public struct PageFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var image: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case title, image }
    static let kindName = "a page"
    var requiredText: [String: String] { ["title": title] }
}

/// `content/topics/ID.md`: optional; a topic exists as soon as a `topics:` list names it.
public struct TopicFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var summary: String?
    public var image: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case title, summary, image }
    static let kindName = "a topic"
    var requiredText: [String: String] { ["title": title] }
}

/// `content/media/ID.yaml`: the sidecar of the image `media/ID.jpg` (or `.jpeg`, `.png`, `.webp`). Credit and licence
/// are required: a photograph is shown with both, and both go into its metadata.
public struct ImageFields: FrontMatterFields, Sendable, Hashable {
    /// What the image shows, for readers who cannot see it.
    public var alt: String
    /// As printed under the photograph, e.g. `Jane Doe/Agency`.
    public var credit: String
    /// A licence name or URL, e.g. `CC BY 4.0` or `All rights reserved; used with permission`.
    public var license: String
    public var caption: String?
    /// Who made the image, if not the credit's first name.
    public var creator: String?
    /// The copyright notice, e.g. `© 2025 Agency`.
    public var copyright: String?
    public var licenseURL: String?
    /// Where a reader can license the image.
    public var acquireLicenseURL: String?
    /// When the photograph was taken.
    public var date: PartialDate?
    /// The point to keep when cropping: across, then down, from 0 to 1, e.g. `0.5, 0.3`.
    public var focus: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case alt, credit, license, caption, creator, copyright
        case licenseURL = "license_url"
        case acquireLicenseURL = "acquire_license_url"
        case date, focus
    }
    static let kindName = "an image sidecar"
    static let hasEditorialFields = false
    var requiredText: [String: String] { ["alt": alt, "credit": credit, "license": license] }
}

/// Fields any entry may carry besides its own: publication state and the record of changes.
public struct EditorialFields: Decodable, Sendable, Hashable {
    /// Left out of the site unless built with `--drafts`.
    public var draft: Bool?
    /// When the entry last changed in substance.
    public var updated: PartialDate?
    public var corrections: [Correction]?

    enum CodingKeys: String, CodingKey, CaseIterable { case draft, updated, corrections }

    public init(draft: Bool? = nil, updated: PartialDate? = nil, corrections: [Correction]? = nil) {
        self.draft = draft
        self.updated = updated
        self.corrections = corrections
    }

    public var isDraft: Bool { draft ?? false }
}

/// A published correction: when, and what was wrong.
public struct Correction: Decodable, Sendable, Hashable {
    public var date: PartialDate
    public var note: String
}
