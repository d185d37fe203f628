import Foundation
import Synchronization

/// A site kept in memory between builds, so that the preview server rebuilds only what a save affects.
///
/// The first build runs the whole pipeline and keeps the parsed entries and the resolved site. After that, a save
/// of existing quotes or timeline events re-reads and re-parses only those files, resolves the site again (every
/// reference is still checked), re-renders only the pages that show them and writes only files whose bytes changed.
/// Anything else — a person, source, topic, page or the overview (their names appear all over the site),
/// site.yaml, an asset, a file added or removed, a draft published — re-renders every page from the entries
/// already in memory; a change the session cannot place runs the whole pipeline again.
public final class SiteSession: Sendable {
    public let options: BuildOptions
    private let state = Mutex(State())
    /// The last good build, for the editor's checks, which must not wait for a rebuild to finish.
    let latest = Mutex<Built?>(nil)

    private struct State: Sendable {
        /// The last build that succeeded.
        var built: Built?
        /// Sources changed since that build; kept until a build succeeds, so a fix after a failed save rebuilds both.
        var pending: Set<String> = []
    }

    struct Built: Sendable {
        var parsed: ParsedContent
        var site: Site
        var images: ImageLibrary
        var assetPaths: AssetPaths
        /// Every page, in the renderer's order: compared as a list first, which is cheap for paths that are the same
        /// strings, and as a set when a save has reordered them.
        var pagePaths: [String]
        /// Where each file's entry is in `parsed.entries`, by path inside the content folder.
        var entryIndex: [String: Int]
        /// The files left out as drafts (a save that publishes or withdraws one re-renders everything, and records them again).
        var drafts: Set<String>

        init(parsed: ParsedContent, site: Site, images: ImageLibrary, assetPaths: AssetPaths, pagePaths: [String]) {
            self.parsed = parsed
            self.site = site
            self.images = images
            self.assetPaths = assetPaths
            self.pagePaths = pagePaths
            entryIndex = Dictionary(parsed.entries.enumerated().map { ($1.relativePath, $0) }, uniquingKeysWith: { a, _ in a })
            drafts = Set(parsed.entries.filter(\.editorial.isDraft).map(\.relativePath))
        }

        /// After a small save: the same files, so the same places.
        init(updating previous: Built, parsed: ParsedContent, site: Site) {
            self = previous
            self.parsed = parsed
            self.site = site
        }
    }

    /// One Markdown worker kept running between saves: starting a process costs more than rendering a body.
    private let workerPool = Mutex<MarkdownWorkerPool?>(nil)

    public init(options: BuildOptions) {
        self.options = options
    }

    deinit {
        workerPool.withLock { $0?.shutDown() }
    }

    /// The kept worker, started on first use; nil when Markdown renders in process.
    func pool(for parsed: ParsedContent) -> MarkdownWorkerPool? {
        guard var settings = options.markdownWorkers else { return nil }
        return workerPool.withLock { pool in
            if let pool, pool.serves(contentFiles: parsed.resolver.contentFiles, options: parsed.markdownOptions) { return pool }
            pool?.shutDown()
            settings.workers = 1
            pool = try? MarkdownWorkerPool(settings: settings, contentFiles: parsed.resolver.contentFiles, options: parsed.markdownOptions)
            return pool
        }
    }

    /// Builds the site; `changedSources` are the absolute paths of the content and asset files changed since the
    /// last call (empty: anything may have changed). Returns what was written; on failure, the output is untouched.
    @discardableResult
    public func build(changedSources: Set<String>) throws(BuildError) -> BuildReport {
        try state.withLock { state throws(BuildError) -> BuildReport in
            // The output's lock, as `briefing build` takes it: a build run by hand meanwhile waits for this one.
            let lock = try SiteBuilder.lockOutput(options)
            defer { OutputWriter.unlock(lock) }
            if changedSources.isEmpty { state.built = nil }
            state.pending.formUnion(changedSources)
            let (built, report) = try rebuild(after: state.built, changed: state.pending)
            state = State(built: built, pending: [])
            latest.withLock { $0 = built }
            return report
        }
    }

    private func rebuild(after previous: Built?, changed: Set<String>) throws(BuildError) -> (Built, BuildReport) {
        if let previous, isMediaOnly(changed) { return try rebuildImages(after: previous) }
        guard let previous, let edited = changedEntries(changed, in: previous.parsed) else { return try fullBuild() }

        var problems: [Diagnostic] = []
        var files: [SourceFile] = []
        for relativePath in edited {
            switch ContentLoader.loadFile(relativePath, contentFolder: options.contentFolder.path, displayRoot: options.contentDisplayPath) {
            case .entry(let file): files.append(file)
            case .problem(let problem): problems.append(problem)
            case .siteConfig: return try fullBuild()
            }
        }
        let (entries, parseProblems) = EntryParser.parse(files, resolver: previous.parsed.resolver, options: previous.parsed.markdownOptions,
                                                          workers: options.markdownWorkers, pool: pool(for: previous.parsed),
                                                          displayRoot: options.contentDisplayPath)
        problems += parseProblems
        guard problems.isEmpty else { throw .content(BuildFailure(problems)) }

        var parsed = previous.parsed
        var edits: [(before: Entry, after: Entry)] = []
        for entry in entries {
            guard let index = previous.entryIndex[entry.relativePath] else { return try fullBuild() }
            edits.append((parsed.entries[index], entry))
            parsed.entries[index] = entry
        }
        let site = try resolve(parsed, after: previous.site, edits: edits, drafts: previous.drafts)
        // An edit that shows another image (a new `image:` or figure) needs it processed; the rest come from the cache.
        var images = previous.images
        if site.usedImages != previous.site.usedImages { images = try SiteBuilder.processImages(site, options) }
        guard images.images.keys.sorted() == previous.images.images.keys.sorted() else { return try renderEverything(parsed, site, images) }
        let publishing = Publishing(site: site, images: images)
        let renderer = PageRenderer(site: site, assets: previous.assetPaths, images: images, notFoundRoot: options.notFoundRoot)
        let jobs = renderer.pageJobs()
        let pagePaths = jobs.map(\.path)
        // data.json and the search index hold fields and relations, never bodies: an edit of a body leaves them be.
        let fieldsChanged = edits.contains { $0.before.fields != $0.after.fields || $0.before.editorial != $0.after.editorial }
        // With names made from their contents, a new search index may be a new name on every page: it is made first. With
        // fixed names (the preview's), it is made beside the pages, on the other core.
        let searchIndex = fieldsChanged && options.fingerprintAssets
            ? SiteBuilder.fingerprint([publishing.searchIndex()], enabled: true) : nil
        guard searchIndex.map({ $0.1.searchIndex == previous.assetPaths.searchIndex }) ?? true,
              pagePaths == previous.pagePaths || Set(pagePaths) == Set(previous.pagePaths),
              let affected = Self.affectedPages(by: edits, before: previous.site, after: site, assets: previous.assetPaths)
        else {
            return try renderEverything(parsed, site, images)
        }

        var alongside: [@Sendable () -> OutputFile] = [publishing.feed]
        if fieldsChanged { alongside.append(publishing.data) }
        if fieldsChanged && !options.fingerprintAssets { alongside.append(publishing.searchIndex) }
        // The sitemap lists the pages, which are the same as before, and the dates they were updated.
        if edits.contains(where: { $0.before.editorial.updated != $0.after.editorial.updated }) {
            alongside.append { publishing.sitemap(pages: pagePaths.filter { $0.hasSuffix(".html") }.sorted()) }
        }
        // Pages of long lists first: they take longest, and the small ones fill in beside them.
        let pages = jobs.filter { affected.contains($0.path) }.sorted { $0.isList && !$1.isList }
        let rendered = renderer.render(pages, alongside: alongside) + (searchIndex?.0 ?? [])
        let report: WriteReport
        do {
            report = try OutputWriter.update(rendered, in: options.outputFolder)
        } catch {
            throw .output(error)
        }
        var built = Built(updating: previous, parsed: parsed, site: site)
        built.images = images
        return (built, BuildReport(entries: Self.entryCount(site), pages: pagePaths.count, write: report))
    }

    /// The site after `edits`: worked out from the previous site for a single everyday save, else resolved whole.
    private func resolve(_ parsed: ParsedContent, after previous: Site, edits: [(before: Entry, after: Entry)],
                         drafts: Set<String>) throws(BuildError) -> Site {
        if edits.count == 1, !options.includeDrafts,
           let site = SiteUpdate.replacing(edits[0].before, with: edits[0].after, in: previous, drafts: drafts) {
            return site
        }
        return try SiteBuilder.resolve(parsed, options)
    }

    /// The whole pipeline, as `briefing build` runs it, keeping what later builds reuse.
    private func fullBuild() throws(BuildError) -> (Built, BuildReport) {
        let stamp = BuildRecord.stamp(for: options)
        let parsed = SiteBuilder.parse(options)
        let site = try SiteBuilder.resolve(parsed, options)
        let images = try SiteBuilder.processImages(site, options)
        if let record = BuildRecord.read(from: options.outputFolder), record.stamp == stamp {
            // The output already is this site (a `briefing build` would stop here too); work out only what later builds need.
            let assets = try SiteBuilder.loadAssets(options.assetsFolder) + [Publishing(site: site).searchIndex()]
            let assetPaths = SiteBuilder.fingerprint(assets, enabled: options.fingerprintAssets).1
            return (Built(parsed: parsed, site: site, images: images, assetPaths: assetPaths, pagePaths: Self.pagePaths(site, assetPaths)),
                    BuildReport(entries: record.entries, pages: record.pages, write: WriteReport(written: 0, unchanged: record.files, removed: 0)))
        }
        return try renderEverything(parsed, site, images, stamp: stamp)
    }

    private func renderEverything(_ parsed: ParsedContent, _ site: Site, _ images: ImageLibrary, stamp: String? = nil) throws(BuildError)
        -> (Built, BuildReport) {
        let written = try SiteBuilder.renderAndWrite(site, images: images, stamp: stamp ?? BuildRecord.stamp(for: options), options)
        return (Built(parsed: parsed, site: site, images: images, assetPaths: written.assetPaths, pagePaths: written.pagePaths), written.report)
    }

    private static func pagePaths(_ site: Site, _ assets: AssetPaths) -> [String] {
        PageRenderer(site: site, assets: assets).pageJobs().map(\.path)
    }

    /// After a save of images or sidecars in `media/` only: the images read and checked again, the site resolved again
    /// from the entries in memory, the new or replaced images processed (the rest come from the cache), and every page
    /// rendered. An image added or removed changes what links can point at, which the whole pipeline works out.
    private func rebuildImages(after previous: Built) throws(BuildError) -> (Built, BuildReport) {
        let listing = ContentLoader.list(contentFolder: options.contentFolder, displayRoot: options.contentDisplayPath)
        guard listing.problems.isEmpty, listing.linkablePaths == previous.parsed.resolver.contentFiles else { return try fullBuild() }
        let (media, problems) = MediaLoader.load(listing.mediaPaths, contentFolder: listing.folder, displayRoot: options.contentDisplayPath,
                                                 settings: options.images.settings)
        guard problems.isEmpty else { throw .content(BuildFailure(problems)) }
        var parsed = previous.parsed
        parsed.media = media
        let site = try SiteBuilder.resolve(parsed, options)
        return try renderEverything(parsed, site, try SiteBuilder.processImages(site, options))
    }

    /// Whether every path of `changed` is in the content folder's `media/`.
    private func isMediaOnly(_ changed: Set<String>) -> Bool {
        let folder = options.contentFolder.standardizedFileURL
        let roots = [folder.path, folder.resolvingSymlinksInPath().path].map { $0 + "/" + MediaLoader.folder + "/" }
        return !changed.isEmpty && changed.allSatisfy { path in roots.contains { path.hasPrefix($0) } }
    }

    /// The content files (relative paths) behind `changed`, if every change is an edit of an existing Markdown entry;
    /// nil when anything else changed (site.yaml, an asset, a file added or removed), which needs the whole pipeline.
    private func changedEntries(_ changed: Set<String>, in parsed: ParsedContent) -> [String]? {
        let folder = options.contentFolder.standardizedFileURL
        let roots = Set([folder.path, folder.resolvingSymlinksInPath().path])
        var relativePaths: [String] = []
        for path in changed.sorted() {
            guard let root = roots.first(where: { path.hasPrefix($0 + "/") }) else { return nil }
            let relativePath = String(path.dropFirst(root.count + 1))
            guard relativePath.hasSuffix(".md"), parsed.resolver.contentFiles.contains(relativePath),
                  FileManager.default.fileExists(atPath: path) else { return nil }
            relativePaths.append(relativePath)
        }
        return relativePaths.isEmpty ? nil : relativePaths
    }

    /// The pages that show anything of the edited entries, before or after the edit; nil if the edit may show on
    /// any page. The pages that count entries or show the newest are always included.
    static func affectedPages(by edits: [(before: Entry, after: Entry)], before old: Site, after new: Site,
                              assets: AssetPaths) -> Set<String>? {
        var pages = PageRenderer.listPages
        let renderers = (old: PageRenderer(site: old, assets: assets), new: PageRenderer(site: new, assets: assets))
        for (previous, current) in edits {
            guard previous.editorial.isDraft == current.editorial.isDraft else { return nil }
            // A draft that stays a draft is on no page.
            if current.editorial.isDraft && !(new.quotes.contains { $0.entry.relativePath == current.relativePath }
                                              || new.events.contains { $0.entry.relativePath == current.relativePath }) {
                continue
            }
            pages.insert(current.page)
            // Pages this entry links to, before and after, list it among their mentions.
            for target in previous.linkTargets + current.linkTargets {
                if case .content(_, let page, _) = target { pages.insert(page) }
            }
            for (site, renderer) in [(old, renderers.old), (new, renderers.new)] {
                switch current.kind {
                case .quote:
                    guard let index = site.quotes.firstIndex(where: { $0.id == current.id }) else { return nil }
                    pages.formUnion(neighbours(of: index, in: site.quotes).map(\.page))
                    pages.formUnion(quoteCardPages(site.quotes[index], in: site, renderer))
                case .event:
                    guard let index = site.events.firstIndex(where: { $0.id == current.id }) else { return nil }
                    let event = site.events[index]
                    pages.formUnion(neighbours(of: index, in: site.events).map(\.page))
                    pages.insert(renderer.timelinePath(at: index))
                    pages.formUnion((event.fields.people ?? []).compactMap { site.person($0)?.page })
                    pages.formUnion((event.fields.sources ?? []).compactMap { site.source($0)?.page })
                    pages.formUnion((event.fields.topics ?? []).compactMap { site.topic($0)?.page })
                    // Quote cards name their event.
                    for quote in site.quotesByEvent[event.id] ?? [] { pages.formUnion(quoteCardPages(quote, in: site, renderer)) }
                default:
                    return nil
                }
            }
            // An event that moves on the timeline (a new date) shifts every event in between by one place.
            if current.kind == .event {
                pages.formUnion(shiftedPages(current.id, in: old.events, new.events, pageOf: renderers.new.timelinePath(at:)))
            }
            if current.kind == .quote {
                // A quote that moves in a long list (a new date, a topic added or dropped) shifts every quote between
                // where it was and where it is by one place, across the pages in between.
                pages.formUnion(shiftedPages(current.id, in: old.quotes, new.quotes, pageOf: renderers.new.quotesListPath(at:)))
                for topic in Set(new.topics.map(\.id) + old.topics.map(\.id)) {
                    guard let shown = new.topic(topic) ?? old.topic(topic) else { continue }
                    pages.formUnion(shiftedPages(current.id, in: old.quotesByTopic[topic] ?? [], new.quotesByTopic[topic] ?? [],
                                                 pageOf: { renderers.new.topicPath(shown, at: $0) }))
                }
            }
            // Quotes of one day are ordered by their events' weights: a new weight may reorder them anywhere.
            if case .event(let before) = previous.fields, case .event(let after) = current.fields, before.weight != after.weight {
                return nil
            }
        }
        return pages
    }

    /// The pages of a long list whose items change when the item `id` moves from its place in `before` to its place
    /// in `after`: those in between, or to the end of the list when it joins or leaves it.
    private static func shiftedPages<Fields>(_ id: String, in before: [Item<Fields>], _ after: [Item<Fields>],
                                             pageOf: (Int) -> String) -> Set<String> {
        let was = before.firstIndex { $0.id == id }, now = after.firstIndex { $0.id == id }
        let range: ClosedRange<Int>
        switch (was, now) {
        case let (was?, now?): range = min(was, now)...max(was, now)
        case let (was?, nil): range = was...max(was, before.count - 1)
        case let (nil, now?): range = now...max(now, after.count - 1)
        case (nil, nil): return []
        }
        var pages: Set<String> = []
        var index = range.lowerBound
        while index <= range.upperBound {
            pages.insert(pageOf(index))
            index += 1
        }
        return pages
    }

    /// The pages that show `quote` as a card or by name: its own, its speaker's, event's and source's, and the pages
    /// of the quotes list, the timeline and its topics where its card is.
    private static func quoteCardPages(_ quote: Quote, in site: Site, _ renderer: PageRenderer) -> [String] {
        var pages = [quote.page, site.person(quote.fields.speaker)?.page, quote.fields.event.flatMap { site.event($0)?.page },
                     site.source(quote.fields.source)?.page].compactMap { $0 }
        if let index = site.quotes.firstIndex(where: { $0.id == quote.id }) { pages.append(renderer.quotesListPath(at: index)) }
        if let event = quote.fields.event, let index = site.events.firstIndex(where: { $0.id == event }) {
            pages.append(renderer.timelinePath(at: index))
        }
        for id in quote.fields.topics ?? [] {
            guard let topic = site.topic(id) else { continue }
            pages.append(topic.page)
            if let index = site.quotesByTopic[id]?.firstIndex(where: { $0.id == quote.id }) { pages.append(renderer.topicPath(topic, at: index)) }
        }
        return pages
    }

    /// The entries before and after `index`, whose pages' previous/next links name the entry.
    private static func neighbours<Fields>(of index: Int, in items: [Item<Fields>]) -> [Item<Fields>] {
        [index - 1, index + 1].filter(items.indices.contains).map { items[$0] }
    }

    private static func entryCount(_ site: Site) -> Int {
        site.people.count + site.quotes.count + site.events.count + site.sources.count + site.pages.count
    }
}
