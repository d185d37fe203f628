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

    private struct State: Sendable {
        /// The last build that succeeded.
        var built: Built?
        /// Sources changed since that build; kept until a build succeeds, so a fix after a failed save rebuilds both.
        var pending: Set<String> = []
    }

    private struct Built: Sendable {
        var parsed: ParsedContent
        var site: Site
        var assetPaths: AssetPaths
        var pagePaths: Set<String>
    }

    public init(options: BuildOptions) {
        self.options = options
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
            return report
        }
    }

    private func rebuild(after previous: Built?, changed: Set<String>) throws(BuildError) -> (Built, BuildReport) {
        guard let previous, let edited = changedEntries(changed, in: previous.parsed) else { return try fullBuild() }

        var problems: [Diagnostic] = []
        var files: [SourceFile] = []
        for relativePath in edited {
            switch ContentLoader.loadFile(relativePath, contentFolder: options.contentFolder, displayRoot: options.contentDisplayPath) {
            case .entry(let file): files.append(file)
            case .problem(let problem): problems.append(problem)
            case .siteConfig: return try fullBuild()
            }
        }
        let (entries, parseProblems) = EntryParser.parse(files, resolver: previous.parsed.resolver, options: previous.parsed.markdownOptions,
                                                          workers: options.markdownWorkers, displayRoot: options.contentDisplayPath)
        problems += parseProblems
        guard problems.isEmpty else { throw .content(BuildFailure(problems)) }

        var parsed = previous.parsed
        let replaced = Dictionary(entries.map { ($0.relativePath, $0) }, uniquingKeysWith: { a, _ in a })
        let before = Dictionary(previous.parsed.entries.filter { replaced[$0.relativePath] != nil }.map { ($0.relativePath, $0) },
                                uniquingKeysWith: { a, _ in a })
        parsed.entries = parsed.entries.map { replaced[$0.relativePath] ?? $0 }
        let site = try SiteBuilder.resolve(parsed, options)

        let publishing = Publishing(site: site)
        let searchIndex = SiteBuilder.fingerprint([publishing.searchIndex()], enabled: options.fingerprintAssets)
        let renderer = PageRenderer(site: site, assets: previous.assetPaths, notFoundRoot: options.notFoundRoot)
        let pagePaths = Self.pagePaths(site, previous.assetPaths)
        guard searchIndex.1.searchIndex == previous.assetPaths.searchIndex, pagePaths == previous.pagePaths,
              let affected = Self.affectedPages(by: entries.map { (before[$0.relativePath]!, $0) }, before: previous.site, after: site,
                                                resolver: parsed.resolver)
        else {
            return try renderEverything(parsed, site)
        }

        let rendered = renderer.render(affected)
            + [publishing.feed(), publishing.data(), publishing.sitemap(pages: pagePaths.filter { $0.hasSuffix(".html") }.sorted())]
            + searchIndex.0
        let report: WriteReport
        do {
            report = try OutputWriter.update(rendered, in: options.outputFolder)
        } catch {
            throw .output(error)
        }
        let built = Built(parsed: parsed, site: site, assetPaths: previous.assetPaths, pagePaths: pagePaths)
        return (built, BuildReport(entries: Self.entryCount(site), pages: pagePaths.count, write: report))
    }

    /// The whole pipeline, as `briefing build` runs it, keeping what later builds reuse.
    private func fullBuild() throws(BuildError) -> (Built, BuildReport) {
        let stamp = BuildRecord.stamp(for: options)
        let parsed = SiteBuilder.parse(options)
        let site = try SiteBuilder.resolve(parsed, options)
        if let record = BuildRecord.read(from: options.outputFolder), record.stamp == stamp {
            // The output already is this site (a `briefing build` would stop here too); work out only what later builds need.
            let assets = try SiteBuilder.loadAssets(options.assetsFolder) + [Publishing(site: site).searchIndex()]
            let assetPaths = SiteBuilder.fingerprint(assets, enabled: options.fingerprintAssets).1
            return (Built(parsed: parsed, site: site, assetPaths: assetPaths, pagePaths: Self.pagePaths(site, assetPaths)),
                    BuildReport(entries: record.entries, pages: record.pages, write: WriteReport(written: 0, unchanged: record.files, removed: 0)))
        }
        return try renderEverything(parsed, site, stamp: stamp)
    }

    private func renderEverything(_ parsed: ParsedContent, _ site: Site, stamp: String? = nil) throws(BuildError) -> (Built, BuildReport) {
        let rendered = try SiteBuilder.render(site, options)
        let report = try SiteBuilder.write(rendered, stamp: stamp ?? BuildRecord.stamp(for: options), options)
        return (Built(parsed: parsed, site: site, assetPaths: rendered.assetPaths, pagePaths: Self.pagePaths(site, rendered.assetPaths)), report)
    }

    private static func pagePaths(_ site: Site, _ assets: AssetPaths) -> Set<String> {
        Set(PageRenderer(site: site, assets: assets).pageJobs().map(\.path))
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
            guard parsed.resolver.contentFiles.contains(relativePath), FileManager.default.fileExists(atPath: path) else { return nil }
            relativePaths.append(relativePath)
        }
        return relativePaths.isEmpty ? nil : relativePaths
    }

    /// The pages that show anything of the edited entries, before or after the edit; nil if the edit may show on
    /// any page. Every list page is included: they all count or list entries.
    static func affectedPages(by edits: [(before: Entry, after: Entry)], before old: Site, after new: Site,
                              resolver: LinkResolver) -> Set<String>? {
        var pages = PageRenderer.listPages
        for (previous, current) in edits {
            guard previous.editorial.isDraft == current.editorial.isDraft else { return nil }
            // A draft that stays a draft is on no page.
            if current.editorial.isDraft && !(new.quotes.contains { $0.entry.relativePath == current.relativePath }
                                              || new.events.contains { $0.entry.relativePath == current.relativePath }) {
                continue
            }
            pages.insert(current.page)
            // Pages this entry links to, before and after, list it among their mentions.
            for link in previous.body.links + current.body.links {
                if case .content(_, let page, _) = resolver.resolve(link.destination, from: current.relativePath) { pages.insert(page) }
            }
            for site in [old, new] {
                switch current.kind {
                case .quote:
                    guard let index = site.quotes.firstIndex(where: { $0.id == current.id }) else { return nil }
                    pages.formUnion(neighbours(of: index, in: site.quotes).map(\.page))
                    pages.formUnion(quoteCardPages(site.quotes[index], in: site))
                case .event:
                    guard let index = site.events.firstIndex(where: { $0.id == current.id }) else { return nil }
                    let event = site.events[index]
                    pages.formUnion(neighbours(of: index, in: site.events).map(\.page))
                    pages.formUnion((event.fields.people ?? []).compactMap { site.person($0)?.page })
                    pages.formUnion((event.fields.sources ?? []).compactMap { site.source($0)?.page })
                    pages.formUnion((event.fields.topics ?? []).compactMap { site.topic($0)?.page })
                    // Quote cards name their event.
                    for quote in site.quotesByEvent[event.id] ?? [] { pages.formUnion(quoteCardPages(quote, in: site)) }
                default:
                    return nil
                }
            }
            // Quotes of one day are ordered by their events' weights: a new weight may reorder them anywhere.
            if case .event(let before) = previous.fields, case .event(let after) = current.fields, before.weight != after.weight {
                return nil
            }
        }
        return pages
    }

    /// The pages that show `quote` as a card or by name.
    private static func quoteCardPages(_ quote: Quote, in site: Site) -> [String] {
        [quote.page, site.person(quote.fields.speaker)?.page, quote.fields.event.flatMap { site.event($0)?.page },
         site.source(quote.fields.source)?.page].compactMap { $0 }
            + (quote.fields.topics ?? []).compactMap { site.topic($0)?.page }
    }

    /// The entries before and after `index`, whose pages' previous/next links name the entry.
    private static func neighbours<Fields>(of index: Int, in items: [Item<Fields>]) -> [Item<Fields>] {
        [index - 1, index + 1].filter(items.indices.contains).map { items[$0] }
    }

    private static func entryCount(_ site: Site) -> Int {
        site.people.count + site.quotes.count + site.events.count + site.sources.count + site.pages.count
    }
}
