import Foundation

/// What the preview's editor asks of the site in memory: the entries for its lists and pickers, the checks of a draft
/// against the rest of the site, a body's preview, and who refers to an entry.
extension SiteSession {
    /// The site as the editor sees it: the last good build, or the content on disk read afresh when there is none.
    public struct Snapshot: Sendable {
        /// Every entry that parsed, drafts included, in file order.
        public let entries: [Entry]
        /// The resolved site; nil when the content on disk does not build.
        public let site: Site?
        let parsed: ParsedContent
        let drafts: Set<String>

        /// The images of `media/` that passed their checks, by id.
        public var images: [String: MediaImage] { parsed.media.images }
    }

    public func snapshot() -> Snapshot {
        if let built = latest.withLock({ $0 }) {
            return Snapshot(entries: built.parsed.entries, site: built.site, parsed: built.parsed, drafts: built.drafts)
        }
        let parsed = SiteBuilder.parse(options)
        let site = try? SiteBuilder.resolve(parsed, options)
        return Snapshot(entries: parsed.entries, site: site, parsed: parsed,
                        drafts: Set(parsed.entries.filter(\.editorial.isDraft).map(\.relativePath)))
    }

    /// Every problem `briefing check` would report if the file at `relativePath` (inside the content folder) held
    /// `text` and the rest of the site were as in memory. Problems of other files are included: a draft can break them.
    public func check(_ text: String, at relativePath: String, in snapshot: Snapshot? = nil) -> [Diagnostic] {
        let snapshot = snapshot ?? self.snapshot()
        var parsed = snapshot.parsed
        let displayPath = options.contentDisplayPath + "/" + relativePath
        var problems = parsed.problems.filter { $0.location.path != displayPath }

        if let id = EditedFile.sidecarID(relativePath) {
            // An image's sidecar: checked as the media stage checks it, then the site resolved with it, so a page that
            // shows an image still holding placeholders is reported as the build reports it.
            switch MediaLoader.decodeSidecar(text, path: displayPath) {
            case .failure(let failure):
                return failure.diagnostics
            case .success(let sidecar):
                guard let old = parsed.media.images[id] else { return [] }
                parsed.media.images[id] = MediaImage(id: id, path: old.path, relativePath: old.relativePath, format: old.format,
                                                     fields: sidecar.fields, focus: sidecar.focus, sidecarPath: displayPath,
                                                     sidecarLines: sidecar.lines, filePath: old.filePath, identity: old.identity)
            }
            parsed.problems = problems
            do {
                _ = try SiteBuilder.resolve(parsed, options)
                return []
            } catch .content(let failure) {
                return failure.diagnostics
            } catch {
                return [Diagnostic(SourceLocation(path: displayPath), error.description)]
            }
        }

        switch ContentLoader.name(relativePath) {
        case .problem(let message):
            return [Diagnostic(SourceLocation(path: displayPath), message)]
        case .siteConfig:
            switch FrontMatterParser.decodeFile(SiteConfig.self, yaml: text, path: displayPath) {
            case .success(let decoded):
                parsed.config = decoded.fields
                parsed.configPath = displayPath
                if let pageSize = decoded.fields.pageSize, pageSize < 1 {
                    problems.append(Diagnostic(decoded.lines.location("page_size"),
                                               "field 'page_size' must be 1 or more (how many quotes or events a list page shows), found \(pageSize)"))
                }
            case .failure(let failure):
                problems += failure.diagnostics
            }
        case .entry(let kind, let id):
            let file = SourceFile(path: displayPath, relativePath: relativePath, kind: kind, id: id, text: text, identity: "")
            let (entries, parseProblems) = EntryParser.parse([file], resolver: parsed.resolver, options: parsed.markdownOptions,
                                                             workers: options.markdownWorkers, pool: pool(for: parsed),
                                                             displayRoot: options.contentDisplayPath)
            problems += parseProblems
            let index = parsed.entries.firstIndex { $0.relativePath == relativePath }
            if let site = snapshot.site, let index {
                let old = parsed.entries[index]
                guard let entry = entries.first else {
                    // Nothing refers to a file that does not parse (its own error says why), so nothing else changes.
                    return parseProblems
                }
                // An edit that changes no other entry's checks (the same kind, published or not as before, not a topic,
                // whose file decides what counts as a topic) is checked alone, against the site in memory.
                if old.kind == entry.kind, old.editorial.isDraft == entry.editorial.isDraft, kind != .topic {
                    return draftProblems(entry, replacing: old, in: site, snapshot)
                }
            }
            if let entry = entries.first {
                if let index { parsed.entries[index] = entry } else { parsed.entries.append(entry) }
            } else if let index {
                parsed.entries.remove(at: index)
            }
        }
        parsed.problems = problems
        do {
            _ = try SiteBuilder.resolve(parsed, options)
            return []
        } catch .content(let failure) {
            return failure.diagnostics
        } catch {
            return [Diagnostic(SourceLocation(path: displayPath), error.description)]
        }
    }

    /// What the resolve stage finds in `entry`, in place of `old` in `site`: its own references and links, and the links
    /// of other pages to headings of its page.
    private func draftProblems(_ entry: Entry, replacing old: Entry, in site: Site, _ snapshot: Snapshot) -> [Diagnostic] {
        guard options.includeDrafts || !entry.editorial.isDraft else { return [] }
        var entriesByPage = site.entriesByPage
        entriesByPage[entry.page] = entry
        let declared = Set(site.topics.compactMap { $0.entry?.id })
        let checks = EntryChecks(resolver: snapshot.parsed.resolver, drafts: options.includeDrafts ? [] : snapshot.drafts,
                                 declaredTopics: declared, entriesByPage: entriesByPage, media: snapshot.parsed.media)
        var problems = checks.problems(of: entry)
        if old.body.headingIDs != entry.body.headingIDs {
            for linker in site.mentions[entry.page] ?? [] where linker !== old {
                for (link, target) in zip(linker.body.links, linker.linkTargets) {
                    guard case .content(let path, let page, let anchor?) = target, page == entry.page, !anchor.isEmpty,
                          !entry.body.headingIDs.contains(anchor) else { continue }
                    problems.append(EntryChecks.missingAnchor(anchor, in: path, anchors: entry.body.headingIDs, at: linker.location(of: link)))
                }
            }
        }
        return BuildFailure(problems).diagnostics
    }

    /// The images of `media/` that passed their checks, by id.
    public func images(in snapshot: Snapshot? = nil) -> [String: MediaImage] {
        (snapshot ?? self.snapshot()).parsed.media.images
    }

    /// A small picture of image `id` for the editor's lists: the narrowest full-frame variant the last good build made
    /// as JPEG (its path in the image cache and its media type); nil when the site in memory shows no such image.
    public func thumbnail(of id: String) -> (path: String, mediaType: String)? {
        guard let image = latest.withLock({ $0?.images.images[id] }), let variant = image.widths(.jpeg).first else { return nil }
        return (image.folder + "/" + variant.fileName, variant.format.mediaType)
    }

    /// A body rendered as the site renders it, links rewritten for the page of the entry at `relativePath`.
    public func preview(body: String, at relativePath: String, in snapshot: Snapshot? = nil) -> String {
        let snapshot = snapshot ?? self.snapshot()
        guard let page = SitePaths.page(forContentPath: relativePath) else { return "" }
        let parsed = snapshot.parsed
        if options.markdownWorkers != nil, let pool = pool(for: parsed) {
            switch pool.render([MarkdownJob(body: body, relativePath: relativePath, page: page)]).first {
            case .success(let rendered)?: return rendered.html
            case .failure(let failure)?: return "<p>" + failure.message.replacingOccurrences(of: "<", with: "&lt;") + "</p>"
            case nil: return ""
            }
        }
        return MarkdownRenderer.render(body, options: parsed.markdownOptions) { destination in
            parsed.resolver.outputURL(for: destination, from: relativePath, page: page)
        }.html
    }

    /// The entries that refer to the file at `relativePath` by a typed reference or a link, in file order.
    public func referrers(of relativePath: String, in snapshot: Snapshot? = nil) -> [Entry] {
        let snapshot = snapshot ?? self.snapshot()
        if let id = EditedFile.sidecarID(relativePath) {
            return snapshot.entries.filter { entry in
                entry.imageID == id || entry.linkTargets.contains { target in
                    if case .image(id) = target { return true }
                    return false
                }
            }
        }
        guard case .entry(let kind, let id) = ContentLoader.name(relativePath) else { return [] }
        return snapshot.entries.filter { entry in
            guard entry.relativePath != relativePath else { return false }
            let linked = entry.linkTargets.contains { target in
                if case .content(let path, _, _) = target { return path == relativePath }
                return false
            }
            return linked || Self.references(entry.fields, kind: kind, id: id)
        }
    }

    private static func references(_ fields: EntryFields, kind: ContentKind, id: String) -> Bool {
        switch (fields, kind) {
        case (.quote(let quote), .person): return quote.speaker == id
        case (.quote(let quote), .source): return quote.source == id
        case (.quote(let quote), .event): return quote.event == id
        case (.quote(let quote), .topic): return quote.topics?.contains(id) ?? false
        case (.event(let event), .person): return event.people?.contains(id) ?? false
        case (.event(let event), .source): return event.sources?.contains(id) ?? false
        case (.event(let event), .topic): return event.topics?.contains(id) ?? false
        default: return false
        }
    }
}
