/// One front matter field: its key, what the editor calls it, what kind of value it takes, and whether it is required.
///
/// The parser and the editor read the same descriptors: the parser takes the allowed keys (and the did-you-mean for a
/// misspelt one) and the required fields from them, and the editor builds its forms from them. Each kind's descriptors
/// come from its `CodingKeys`, through `FieldKey`, so a field added to the model does not compile until it is
/// described, and then appears in the form.
public struct FieldDescriptor: Sendable, Hashable {
    public enum ValueType: Sendable, Hashable {
        /// Text on one line.
        case text
        /// Text that may be long or run over lines: a quote's words, a summary.
        case longText
        /// `2025`, `2025-05` or `2025-05-11`.
        case date
        /// The id of one entry of a kind.
        case reference(ContentKind)
        /// A list of ids of entries of a kind.
        case references(ContentKind)
        /// A list of free texts, e.g. aliases.
        case texts
        /// One of a few fixed words.
        case choice([String])
        /// `true` or `false`.
        case flag
        /// An `http(s)://` address.
        case url
        /// A whole number.
        case number
        /// A list of `{date, note}`.
        case corrections
        /// The id of an image in `media/`.
        case image
        /// A point of an image: across, then down, each from 0 to 1 (`0.5, 0.3`).
        case focus
    }

    /// The front matter key, e.g. `speaker`.
    public var key: String
    /// What the form calls it, e.g. "Speaker".
    public var label: String
    public var type: ValueType
    public var isRequired: Bool
    /// One line of help shown under the field.
    public var help: String

    public init(key: String, label: String, type: ValueType, isRequired: Bool = false, help: String = "") {
        self.key = key
        self.label = label
        self.type = type
        self.isRequired = isRequired
        self.help = help
    }

    /// Whether the value is words an editor writes (not an id, a date or a number): a ` #` in it is more likely part of
    /// the text than a comment.
    var takesFreeText: Bool {
        switch type {
        case .text, .longText, .url: return true
        default: return false
        }
    }

    /// Whether the value is text the parser must find non-empty when the field is required.
    var isText: Bool {
        switch type {
        case .text, .longText, .reference, .url, .image: return true
        default: return false
        }
    }
}

/// The coding keys of a front matter type, each with its description.
protocol FieldKey: CodingKey, CaseIterable {
    var descriptor: FieldDescriptor { get }
}

extension FieldKey {
    /// A descriptor for this key.
    func field(_ label: String, _ type: FieldDescriptor.ValueType, required: Bool = false, help: String = "") -> FieldDescriptor {
        FieldDescriptor(key: stringValue, label: label, type: type, isRequired: required, help: help)
    }
}

/// The files the editor and the parser know, each with its fields.
public enum FieldSchema {
    /// The fields of `kind`'s front matter, in the order files are written: the kind's own, then `draft`, `updated`
    /// and `corrections`.
    public static func fields(of kind: ContentKind) -> [FieldDescriptor] {
        switch kind {
        case .overview: return OverviewFields.fields
        case .person: return PersonFields.fields
        case .quote: return QuoteFields.fields
        case .event: return EventFields.fields
        case .source: return SourceFields.fields
        case .page: return PageFields.fields
        case .topic: return TopicFields.fields
        }
    }

    /// The fields of `site.yaml`.
    public static var siteFields: [FieldDescriptor] { SiteConfig.fields }

    /// The fields of an image's sidecar, `media/ID.yaml`.
    public static var imageFields: [FieldDescriptor] { ImageFields.fields }
}
