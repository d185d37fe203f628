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

    enum CodingKeys: String, FieldKey {
        case title, description, language
        case baseURL = "base_url"
        case asOf = "as_of"
        case rawHTML = "raw_html"
        case pageSize = "page_size"
        case precompress, image

        var descriptor: FieldDescriptor {
            switch self {
            case .title: field("Title", .text, required: true, help: "The briefing's name, shown on every page.")
            case .description: field("Description", .longText, help: "One or two sentences for search engines and link previews.")
            case .language: field("Language", .text, help: "A language tag such as en or en-GB; en if left empty.")
            case .baseURL: field("Address (base URL)", .url, help: "Where the site is published, e.g. https://news.example/briefing/")
            case .asOf: field("Current as of", .date, help: "The date the briefing is current to, shown on every page.")
            case .rawHTML: field("Allow raw HTML in Markdown", .flag, help: "Only if every editor may put scripts into pages.")
            case .pageSize: field("Items per list page", .number, help: "How many quotes or events a list page shows; 100 if left empty.")
            case .precompress: field("Write compressed copies", .flag,
                                     help: "Gzip and Brotli copies of the text files beside them, for servers that send them as they are.")
            case .image: field("Image", .image, help: "The id of an image in media/: the picture of link previews for pages without one.")
            }
        }
    }
    static let kindName = "site.yaml"
    static let fields = describedFields()
    static let hasEditorialFields = false
}

/// `content/index.md`: the overview.
public struct OverviewFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var summary: String?
    public var image: String?

    enum CodingKeys: String, FieldKey {
        case title, summary, image

        var descriptor: FieldDescriptor {
            switch self {
            case .title: field("Title", .text, required: true)
            case .summary: field("Summary", .longText, help: "The story in a sentence or two, shown at the top of the overview.")
            case .image: field("Image", .image, help: "The id of an image in media/, shown under the heading.")
            }
        }
    }
    static let kindName = "the overview"
    static let fields = describedFields()
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

    enum CodingKeys: String, FieldKey {
        case name, role, kind, country, aliases, summary, image

        var descriptor: FieldDescriptor {
            switch self {
            case .name: field("Name", .text, required: true)
            case .role: field("Role", .text, required: true, help: "Their position at the time of the story, e.g. President of Russia.")
            case .kind: field("Kind", .choice(PersonKind.allCases.map(\.rawValue)),
                              help: "person unless the reporting attributes words to a side, such as a government.")
            case .country: field("Country", .text)
            case .aliases: field("Also known as", .texts, help: "Other names the reporting uses.")
            case .summary: field("Summary", .longText, help: "Where they stand, in a sentence.")
            case .image: field("Image", .image, help: "A portrait: the id of an image in media/.")
            }
        }
    }
    static let kindName = "a person"
    static let fields = describedFields()
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

    enum CodingKeys: String, FieldKey {
        case speaker, text, date, source, event, medium, topics

        var descriptor: FieldDescriptor {
            switch self {
            case .speaker: field("Speaker", .reference(.person), required: true, help: "Who said it.")
            case .text: field("Words", .longText, required: true, help: "Verbatim, as the source gives them.")
            case .date: field("Date", .date, required: true, help: "When it was said, as precisely as the source allows.")
            case .source: field("Source", .reference(.source), required: true, help: "Where it was reported.")
            case .event: field("Event", .reference(.event), help: "The timeline event it belongs to, if any.")
            case .medium: field("Medium", .text, help: "How it was said, e.g. Truth Social post.")
            case .topics: field("Topics", .references(.topic), help: "The main topic first.")
            }
        }
    }
    static let kindName = "a quote"
    static let fields = describedFields()
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

    enum CodingKeys: String, FieldKey {
        case title, date, time, weight, people, sources, topics, image

        var descriptor: FieldDescriptor {
            switch self {
            case .title: field("Title", .text, required: true)
            case .date: field("Date", .date, required: true, help: "As precisely as the reporting allows.")
            case .time: field("Time of day", .text, help: "In words, e.g. late night.")
            case .weight: field("Order within the day", .number, help: "Events of the same date are shown lower number first.")
            case .people: field("People", .references(.person))
            case .sources: field("Sources", .references(.source))
            case .topics: field("Topics", .references(.topic))
            case .image: field("Image", .image, help: "A photograph of the event: the id of an image in media/.")
            }
        }
    }
    static let kindName = "a timeline event"
    static let fields = describedFields()
}

/// `content/sources/ID.md`
public struct SourceFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var publisher: String
    public var url: String?
    public var date: PartialDate?
    public var image: String?

    enum CodingKeys: String, FieldKey {
        case title, publisher, url, date, image

        var descriptor: FieldDescriptor {
            switch self {
            case .title: field("Title", .text, required: true)
            case .publisher: field("Publisher", .text, required: true)
            case .url: field("Address (URL)", .url, help: "http or https.")
            case .date: field("Date", .date, help: "When it was published.")
            case .image: field("Image", .image, help: "The id of an image in media/.")
            }
        }
    }
    static let kindName = "a source"
    static let fields = describedFields()
}

/// `content/pages/ID.md`
public struct PageFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var image: String?

    enum CodingKeys: String, FieldKey {
        case title, image

        var descriptor: FieldDescriptor {
            switch self {
            case .title: field("Title", .text, required: true)
            case .image: field("Image", .image, help: "The id of an image in media/, shown under the title.")
            }
        }
    }
    static let kindName = "a page"
    static let fields = describedFields()
}

/// `content/topics/ID.md`: optional; a topic exists as soon as a `topics:` list names it.
public struct TopicFields: FrontMatterFields, Sendable, Hashable {
    public var title: String
    public var summary: String?
    public var image: String?

    enum CodingKeys: String, FieldKey {
        case title, summary, image

        var descriptor: FieldDescriptor {
            switch self {
            case .title: field("Title", .text, required: true)
            case .summary: field("Summary", .longText, help: "The position in a sentence.")
            case .image: field("Image", .image, help: "The id of an image in media/.")
            }
        }
    }
    static let kindName = "a topic"
    static let fields = describedFields()
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

    enum CodingKeys: String, FieldKey {
        case alt, credit, license, caption, creator, copyright
        case licenseURL = "license_url"
        case acquireLicenseURL = "acquire_license_url"
        case date, focus

        var descriptor: FieldDescriptor {
            switch self {
            case .alt: field("Description (alt text)", .longText, required: true, help: "What the image shows, for readers who cannot see it: the people, place and action that matter to the story, in a sentence or two. Do not start with \"Image of\", and leave the credit and caption out: they are printed beside it.")
            case .credit: field("Credit", .text, required: true, help: "As printed under the image, e.g. Jane Doe/Agency.")
            case .license: field("Licence", .text, required: true, help: "A licence name or URL, e.g. CC BY 4.0.")
            case .caption: field("Caption", .longText, help: "Printed under the image, before the credit.")
            case .creator: field("Creator", .text, help: "Who made it.")
            case .copyright: field("Copyright notice", .text, help: "e.g. © 2025 Agency.")
            case .licenseURL: field("Licence page", .url, help: "The licence's address; the printed licence links to it.")
            case .acquireLicenseURL: field("Where to license it", .url, help: "A page where readers can license the image.")
            case .date: field("Date taken", .date)
            case .focus: field("Focus point", .focus, help: "The point crops keep: across, then down, from 0 to 1, e.g. 0.5, 0.3.")
            }
        }
    }
    static let kindName = "an image sidecar"
    static let fields = describedFields()
    static let hasEditorialFields = false
}

/// Fields any entry may carry besides its own: publication state and the record of changes.
public struct EditorialFields: Decodable, Sendable, Hashable {
    /// Left out of the site unless built with `--drafts`.
    public var draft: Bool?
    /// When the entry last changed in substance.
    public var updated: PartialDate?
    public var corrections: [Correction]?

    enum CodingKeys: String, FieldKey {
        case draft, updated, corrections

        var descriptor: FieldDescriptor {
            switch self {
            case .draft: field("Draft", .flag, help: "Left out of the site until this is unticked.")
            case .updated: field("Updated", .date, help: "When it last changed in substance.")
            case .corrections: field("Corrections", .corrections, help: "Each with its date and what was wrong.")
            }
        }
    }

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
