import Foundation

// JSON-LD (schema.org) for each kind of page, built from the typed model.
extension PageRenderer {
    private static let context: JSON = "https://schema.org"

    func overviewData(_ path: String) -> JSON {
        let overview = site.overview
        return .object([
            "@context": Self.context,
            "@graph": .array([
                .object([
                    "@type": "WebSite", "name": .string(site.config.title), "url": .string(absolute(path)),
                    "description": .string(site.config.description), "inLanguage": .string(site.config.language ?? "en"),
                ]),
                .object([
                    "@type": "NewsArticle", "headline": .string(overview.fields.title), "url": .string(absolute(path)),
                    "description": .string(overview.fields.summary),
                    "dateModified": .string((overview.entry.editorial.updated ?? site.config.asOf)?.description),
                    "inLanguage": .string(site.config.language ?? "en"),
                    "about": .array(site.people.map { personReference($0) }),
                    "image": imageObject(overview.fields.image ?? imageIDs(of: overview.entry).first),
                    "publisher": .object(["@type": "Organization", "name": .string(site.config.title)]),
                ]),
            ]),
        ])
    }

    func personData(_ person: Person) -> JSON {
        let type: JSON
        switch person.fields.kind {
        case .government: type = "GovernmentOrganization"
        case .organisation: type = "Organization"
        case .person, .none: type = "Person"
        }
        let isPerson = type == "Person"
        return .object([
            "@context": Self.context, "@type": type, "name": .string(person.fields.name), "url": .string(absolute(person.page)),
            "jobTitle": isPerson ? .string(person.fields.role) : nil,
            "description": .string(person.fields.summary ?? (isPerson ? nil : person.fields.role)),
            "nationality": isPerson ? person.fields.country.map { .object(["@type": "Country", "name": .string($0)]) } : nil,
            "alternateName": (person.fields.aliases ?? []).isEmpty ? nil : .strings(person.fields.aliases ?? []),
            "image": imageObject(person.fields.image),
        ])
    }

    func quoteData(_ quote: Quote) -> JSON {
        let speaker = site.person(quote.fields.speaker).map { personReference($0) }
        let source = site.source(quote.fields.source)
        return .object([
            "@context": Self.context, "@type": "Quotation", "text": .string(quote.fields.text), "url": .string(absolute(quote.page)),
            "creator": speaker, "spokenByCharacter": speaker,
            "dateCreated": .string(quote.fields.date.description),
            "isBasedOn": source.map { sourceReference($0) },
            "about": topicReferences(quote.fields.topics),
        ])
    }

    func eventData(_ event: Event) -> JSON {
        .object([
            "@context": Self.context, "@type": "Event", "name": .string(event.fields.title), "url": .string(absolute(event.page)),
            "startDate": .string(event.fields.date.description),
            "eventStatus": event.fields.date > (site.config.asOf ?? event.fields.date) ? "https://schema.org/EventScheduled" : nil,
            "performer": (event.fields.people ?? []).isEmpty ? nil : .array((event.fields.people ?? []).compactMap { site.person($0) }.map { personReference($0) }),
            "subjectOf": (event.fields.sources ?? []).isEmpty ? nil : .array((event.fields.sources ?? []).compactMap { site.source($0) }.map { sourceReference($0) }),
            "about": topicReferences(event.fields.topics),
            "image": imageObject(event.fields.image ?? imageIDs(of: event.entry).first),
        ])
    }

    func sourceData(_ source: Source) -> JSON {
        var reference = makeSourceReference(source)
        if case .object(var members) = reference {
            members.insert(JSON.Member(key: "@context", value: Self.context), at: 0)
            reference = .object(members)
        }
        return reference
    }

    func topicData(_ topic: Topic) -> JSON {
        .object([
            "@context": Self.context, "@type": "CollectionPage", "name": .string(topic.title), "url": .string(absolute(topic.page)),
            "description": .string(topic.summary),
            "about": .object(["@type": "DefinedTerm", "name": .string(topic.title)]),
        ])
    }

    func collectionData(_ name: String, _ path: String) -> JSON {
        .object(["@context": Self.context, "@type": "CollectionPage", "name": .string(name), "url": .string(absolute(path)),
                 "isPartOf": .object(["@type": "WebSite", "name": .string(site.config.title), "url": .string(absolute("index.html"))])])
    }

    func webPageData(_ name: String, _ path: String) -> JSON {
        .object(["@context": Self.context, "@type": "WebPage", "name": .string(name), "url": .string(absolute(path))])
    }

    func searchData(_ path: String) -> JSON {
        .object(["@context": Self.context, "@type": "SearchResultsPage", "name": "Search", "url": .string(absolute(path))])
    }

    // MARK: - References

    private func personReference(_ person: Person) -> JSON {
        references.people[person.id] ?? makePersonReference(person)
    }

    private func sourceReference(_ source: Source) -> JSON {
        references.sources[source.id] ?? makeSourceReference(source)
    }

    private func topicReference(_ topic: Topic) -> JSON {
        references.topics[topic.id] ?? makeTopicReference(topic)
    }

    fileprivate func makePersonReference(_ person: Person) -> JSON {
        let type: JSON = person.fields.kind == .government ? "GovernmentOrganization" : person.fields.kind == .organisation ? "Organization" : "Person"
        return .object(["@type": type, "name": .string(person.fields.name), "url": .string(absolute(person.page))])
    }

    fileprivate func makeSourceReference(_ source: Source) -> JSON {
        .object([
            "@type": "CreativeWork", "name": .string(source.fields.title), "url": .string(absolute(source.page)),
            "sameAs": .string(source.fields.url),
            "publisher": .object(["@type": "Organization", "name": .string(source.fields.publisher)]),
            "datePublished": .string(source.fields.date?.description),
        ])
    }

    private func topicReferences(_ ids: [String]?) -> JSON? {
        let topics = (ids ?? []).compactMap { site.topic($0) }
        guard !topics.isEmpty else { return nil }
        return .array(topics.map { topicReference($0) })
    }

    fileprivate func makeTopicReference(_ topic: Topic) -> JSON {
        .object(["@type": "Thing", "name": .string(topic.title), "url": .string(absolute(topic.page))])
    }
}

/// See `PageRenderer.references`.
struct StructuredDataReferences: Sendable {
    var people: [String: JSON] = [:]
    var sources: [String: JSON] = [:]
    var topics: [String: JSON] = [:]

    init() {}

    init(_ renderer: PageRenderer) {
        for person in renderer.site.people { people[person.id] = .serialized(renderer.makePersonReference(person).serializedUTF8()) }
        for source in renderer.site.sources { sources[source.id] = .serialized(renderer.makeSourceReference(source).serializedUTF8()) }
        for topic in renderer.site.topics { topics[topic.id] = .serialized(renderer.makeTopicReference(topic).serializedUTF8()) }
    }
}
