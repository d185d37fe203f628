/// The resolve stage's checks of one entry against the rest of the site: its typed references, its topics and its
/// Markdown links. The full resolve runs them on every entry; the preview's editor runs them on a draft alone, so a
/// draft is told exactly what `briefing check` would say of it without the whole site being resolved again.
struct EntryChecks: Sendable {
    let resolver: LinkResolver
    /// Files left out of this build: a published entry may not point at one.
    let drafts: Set<String>
    /// Topics with a file; once there is one, every topic used needs one.
    let declaredTopics: Set<String>
    /// Every published entry by its output page, for the headings a link's `#anchor` may name.
    let entriesByPage: [String: Entry]
    /// The images of `media/`, which `image:` fields and figures name.
    var media = MediaLibrary()

    func problems(of entry: Entry) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        switch entry.fields {
        case .page where SitePaths.reservedPageIDs.contains(entry.id):
            problems.append(Diagnostic(SourceLocation(path: entry.path), "page id '\(entry.id)' is taken by \(SitePaths.reservedPageReason(entry.id)): rename the file"))
        case .source(let source):
            if let url = source.url, let problem = SiteResolver.urlProblem(url) {
                problems.append(Diagnostic(entry.lines.location("url"), "field 'url': \(problem)"))
            }
        case .quote(let quote):
            reference(quote.speaker, kind: .person, field: "speaker", of: entry, into: &problems)
            reference(quote.source, kind: .source, field: "source", of: entry, into: &problems)
            if let event = quote.event { reference(event, kind: .event, field: "event", of: entry, into: &problems) }
            for (index, topic) in (quote.topics ?? []).enumerated() { self.topic(topic, item: index, of: entry, into: &problems) }
        case .event(let event):
            for (index, person) in (event.people ?? []).enumerated() {
                reference(person, kind: .person, field: "people", item: index, of: entry, into: &problems)
            }
            for (index, source) in (event.sources ?? []).enumerated() {
                reference(source, kind: .source, field: "sources", item: index, of: entry, into: &problems)
            }
            for (index, topic) in (event.topics ?? []).enumerated() { self.topic(topic, item: index, of: entry, into: &problems) }
        default:
            break
        }
        if let id = entry.imageID, let problem = imageProblem(id, field: "image") {
            problems.append(Diagnostic(entry.lines.location("image"), problem))
        }
        links(of: entry, into: &problems)
        return problems
    }

    /// What is wrong with showing image `id` (named in `field`): none there, or still a draft; nil if nothing. An image
    /// whose file has a problem of its own is not reported again.
    func imageProblem(_ id: String, field: String) -> String? {
        guard media.ids.contains(id) else {
            return "unknown image '\(id)' in '\(field)'\(didYouMean(id, in: media.ids)): no file media/\(id)\(ImageFormat.extensionList)"
        }
        if let image = media.images[id], image.isDraft {
            return "image '\(id)' is a draft: its sidecar \(image.sidecarPath) still holds '\(NewImage.placeholder)'; write its alt, credit and license first"
        }
        return nil
    }

    /// The images `entry` shows: its `image:` and its figures.
    func imagesShown(by entry: Entry) -> [String] {
        var ids = entry.imageID.map { [$0] } ?? []
        for (link, target) in zip(entry.body.links, entry.linkTargets) {
            if case .image(let id) = target, link.isFigure { ids.append(id) }
        }
        return ids
    }

    /// Whether a topic named in a `topics:` list is a topic of the site: a valid id, not a draft, and declared by a
    /// file if any topic is.
    func isTopic(_ id: String) -> Bool {
        ContentLoader.isValidID(id) && !drafts.contains("topics/\(id).md") && (declaredTopics.isEmpty || declaredTopics.contains(id))
    }

    /// A typed reference. A file that exists but failed to parse has its own error; references to it are not reported again.
    private func reference(_ id: String, kind: ContentKind, field: String, item: Int? = nil, of entry: Entry, into problems: inout [Diagnostic]) {
        let folder = kind.folder!
        if drafts.contains("\(folder)/\(id).md") {
            problems.append(Diagnostic(entry.lines.location(field, item: item), Self.draftMessage("\(folder)/\(id).md")))
            return
        }
        guard !resolver.contentFiles.contains("\(folder)/\(id).md") else { return }
        let known = resolver.contentFiles.filter { $0.hasPrefix(folder + "/") }.map { String($0.dropFirst(folder.count + 1).dropLast(3)) }
        problems.append(Diagnostic(entry.lines.location(field, item: item),
                                   "unknown \(Self.kindNoun(kind)) '\(id)' in '\(field)'\(didYouMean(id, in: known)): no file \(folder)/\(id).md"))
    }

    private func topic(_ id: String, item: Int, of entry: Entry, into problems: inout [Diagnostic]) {
        let location = entry.lines.location("topics", item: item)
        if !ContentLoader.isValidID(id) {
            problems.append(Diagnostic(location, "invalid topic '\(id)': use lower-case letters a-z, digits and single hyphens, e.g. '\(ContentLoader.suggestedID(id))'"))
        } else if drafts.contains("topics/\(id).md") {
            problems.append(Diagnostic(location, Self.draftMessage("topics/\(id).md")))
        } else if !declaredTopics.isEmpty, !declaredTopics.contains(id) {
            problems.append(Diagnostic(location, "unknown topic '\(id)'\(didYouMean(id, in: declaredTopics)): add topics/\(id).md or use an existing topic"))
        }
    }

    /// Every content link must reach a file and, with an #anchor, a heading in it.
    private func links(of entry: Entry, into problems: inout [Diagnostic]) {
        for (link, target) in zip(entry.body.links, entry.linkTargets) {
            let location = entry.location(of: link)
            switch target {
            case .external:
                break
            case .sameDocument(let anchor):
                if !anchor.isEmpty, !entry.body.headingIDs.contains(anchor) {
                    problems.append(Diagnostic(location, "link to missing anchor '#\(anchor)' on this page\(didYouMean(anchor, in: entry.body.headingIDs))"))
                }
            case .content(let relativePath, _, _) where drafts.contains(relativePath):
                problems.append(Diagnostic(location, Self.draftMessage(relativePath)))
            case .content(let relativePath, let page, let anchor):
                if let anchor, !anchor.isEmpty, let anchors = entriesByPage[page]?.body.headingIDs, !anchors.contains(anchor) {
                    problems.append(Self.missingAnchor(anchor, in: relativePath, anchors: anchors, at: location))
                }
            case .missing(let relativePath):
                problems.append(Diagnostic(location, "broken link '\(link.destination)': no file \(relativePath) in the content folder\(didYouMean(relativePath, in: resolver.contentFiles))"))
            case .notContent(let destination):
                problems.append(Diagnostic(location, "link '\(destination)' is not to a content file: link to the Markdown file, e.g. '../people/vladimir-putin.md', or to a full http(s) URL"))
            case .unsafe(let scheme):
                problems.append(Diagnostic(location, "unsafe link scheme '\(scheme):' in '\(link.destination)': only http, https and mailto links are allowed"))
            case .image(let id):
                if !link.isImage {
                    problems.append(Diagnostic(location, "link to the image file '\(link.destination)': show the image with "
                        + "'![description](\(link.destination))' in a paragraph of its own"))
                } else if !link.isFigure {
                    problems.append(Diagnostic(location, "image inside a line of text: put '![…](\(link.destination))' in a paragraph of its own, "
                        + "where it is shown as a figure with its credit"))
                } else if let problem = imageProblem(id, field: "![…](\(link.destination))") {
                    problems.append(Diagnostic(location, problem))
                }
            }
        }
    }

    static func missingAnchor(_ anchor: String, in relativePath: String, anchors: [String], at location: SourceLocation) -> Diagnostic {
        Diagnostic(location, "link to missing anchor '#\(anchor)' in \(relativePath)\(didYouMean(anchor, in: anchors))")
    }

    static func draftMessage(_ relativePath: String) -> String {
        "\(relativePath) is a draft, so its page is not built: publish it (remove 'draft: true') or build with --drafts"
    }

    static func kindNoun(_ kind: ContentKind) -> String {
        switch kind {
        case .event: return "timeline event"
        default: return kind.rawValue
        }
    }
}
