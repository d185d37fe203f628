import Foundation
import Synchronization

/// Where a build reads from and writes to.
public struct BuildOptions: Sendable {
    public var contentFolder: URL
    /// How the content folder is named in messages, e.g. `content`.
    public var contentDisplayPath: String
    public var assetsFolder: URL
    public var outputFolder: URL
    /// Include entries marked `draft: true`.
    public var includeDrafts = false
    /// Overrides `base_url` from site.yaml.
    public var baseURL: String?
    /// Name CSS and JS files after their contents (`style.1a2b3c4d5e.css`) so hosts can cache them forever.
    public var fingerprintAssets = true
    /// Where the links of `404.html` start. It is served for any missing URL, so they cannot be relative; by default they
    /// start at `base_url`. The preview server, which serves the site at `/`, sets `/`.
    public var notFoundRoot: String?
    /// Called with the lock file's path when another build into the same output folder holds it;
    /// the build then waits for that one to finish.
    public var waitingForOutput: (@Sendable (String) -> Void)?
    /// Render Markdown in worker processes with a per-body deadline (the guard against input that makes cmark-gfm
    /// take minutes, and against its crashes). Nil renders in this process, unguarded; the CLI always sets it.
    public var markdownWorkers: MarkdownWorkerSettings?
    /// Write compressed copies (`.br`, `.gz`) beside every text file (`Precompression`), for servers that send them as
    /// they are. Nil leaves it to `precompress` in site.yaml, off by default.
    public var precompress: Bool?
    /// The process exits once the build is done (the `briefing build` command): the built site is then left to the
    /// exit to release, at once, instead of freed entry by entry on one core (5 % of a 10,000-entry build).
    public var exitsAfterBuild = false
    /// How images are processed and cached.
    public var images = ImageOptions()

    /// Paths are taken relative to the current folder; `contentDisplayPath` defaults to `contentFolder` as given.
    public init(contentFolder: String = "content", assetsFolder: String = "templates/assets", outputFolder: String = "public",
                contentDisplayPath: String? = nil) {
        self.contentFolder = URL(fileURLWithPath: contentFolder)
        var display = contentDisplayPath ?? contentFolder
        while display.count > 1, display.hasSuffix("/") { display.removeLast() }
        self.contentDisplayPath = display
        self.assetsFolder = URL(fileURLWithPath: assetsFolder)
        self.outputFolder = URL(fileURLWithPath: outputFolder)
    }
}

/// Content after the load and parse stages: what the resolve stage works on.
struct ParsedContent: Sendable {
    var config: SiteConfig
    var configPath: String
    var resolver: LinkResolver
    var markdownOptions: MarkdownOptions
    /// Every entry, drafts included, in file order.
    var entries: [Entry]
    /// The images of `media/` with their sidecars.
    var media: MediaLibrary
    var problems: [Diagnostic]
    /// Each file of the content folder with its identity as read (see `BuildRecord.stamp`); nil if one was not read.
    var filesRead: [(path: String, identity: String)]?
}

/// What a finished build did.
public struct BuildReport: Sendable {
    public var entries: Int
    public var pages: Int
    public var write: WriteReport
}

public enum BuildError: Error, Sendable, CustomStringConvertible {
    case content(BuildFailure)
    case output(OutputError)

    public var description: String {
        switch self {
        case .content(let failure): return failure.description
        case .output(let error): return "error: \(error.description)"
        }
    }
}

/// The pipeline, top to bottom: load → parse → resolve → images → render → write.
/// Each stage collects every problem it finds; the build stops before writing if there is any.
public enum SiteBuilder {
    @discardableResult
    public static func build(_ options: BuildOptions) throws(BuildError) -> BuildReport {
        // One build at a time per output folder, from the stamp check to the swap: a second build waits,
        // then finds the first one's stamp.
        let lock = try lockOutput(options)
        defer { OutputWriter.unlock(lock) }

        // With a record of the last build, the stamp comes first: if it is the same, the build stops here. With none
        // (a first build, or one into a new folder) it is made from the files as they are read: a stat of every file
        // before the build took 70 ms of a 10,000-entry build.
        let previous = BuildRecord.read(from: options.outputFolder)
        let stampBefore = previous.map { _ in BuildRecord.stamp(for: options) }
        if let previous, previous.stamp == stampBefore {
            return BuildReport(entries: previous.entries, pages: previous.pages,
                               write: WriteReport(written: 0, unchanged: previous.files, removed: 0))
        }
        let staging = try makeStaging(options)
        let site: Site
        let stamp: String
        let images: ImageLibrary
        do {
            let parsed = parse(options)
            // Not in the spare: it must stay as it is until the write stage, in case the content has problems.
            if parsed.problems.isEmpty, !staging.isSpare { staging.makeFolders(entryPageFolders(parsed, options)) }
            site = try resolve(parsed, options)
            images = try processImages(site, options)
            stamp = stampBefore ?? BuildRecord.stamp(for: options, content: parsed.filesRead)
        } catch {
            staging.discard()
            throw error
        }
        defer { if options.exitsAfterBuild { keptUntilExit.withLock { $0.append(site) } } }
        return try renderAndWrite(site, images: images, stamp: stamp, options, staging: staging).report
    }

    /// The image stage: every image the site shows, from the cache or processed into it.
    static func processImages(_ site: Site, _ options: BuildOptions) throws(BuildError) -> ImageLibrary {
        switch ImageStage.run(site, options) {
        case .success(let library): return library
        case .failure(let failure): throw .content(failure)
        }
    }

    /// The folder the build assembles the new site in: the spare, or a new folder made before the site is resolved so
    /// that the entries' folders can be made in it meanwhile (see `StagingFolder`).
    static func makeStaging(_ options: BuildOptions) throws(BuildError) -> StagingFolder {
        do {
            return try StagingFolder.open(for: options.outputFolder)
        } catch {
            throw .output(error)
        }
    }

    /// The folders of the pages of the entries a build publishes, in file order.
    static func entryPageFolders(_ parsed: ParsedContent, _ options: BuildOptions) -> [String] {
        parsed.entries.filter { isPublished($0, options) }.map { OutputWriter.folder(of: $0.page) }
    }

    /// Whether a build with `options` gives `entry` a page: drafts only with `--drafts`.
    static func isPublished(_ entry: Entry, _ options: BuildOptions) -> Bool {
        options.includeDrafts || !entry.editorial.isDraft
    }

    /// Sites of `exitsAfterBuild` builds, never freed.
    private static let keptUntilExit = Mutex<[Site]>([])

    /// Checks the output folder is one briefing may replace, and takes its lock (waiting while another build holds it).
    static func lockOutput(_ options: BuildOptions) throws(BuildError) -> Int32 {
        do {
            try OutputWriter.checkSafe(options.outputFolder.standardizedFileURL, protecting: protectedFolders(options))
            return try OutputWriter.lock(options.outputFolder, whileWaiting: options.waitingForOutput)
        } catch {
            throw .output(error)
        }
    }

    /// The folders an output folder may not overlap: the content and the project around the assets.
    static func protectedFolders(_ options: BuildOptions) -> [URL] {
        [options.contentFolder, options.assetsFolder.deletingLastPathComponent()]
    }

    /// Every check a build makes, writing nothing to the output: the problems found, none if the site would build,
    /// and warnings (images no page shows). Images new to the cache are processed into it, since a damaged file shows
    /// only when it is decoded.
    public static func check(_ options: BuildOptions) -> [Diagnostic] {
        do {
            let site = try resolveSite(options)
            _ = try processImages(site, options)
            let used = Set(site.usedImages)
            return site.images.values.filter { !used.contains($0.id) }.map { image in
                Diagnostic(SourceLocation(path: image.path), "image not shown on any published page: use it with 'image: \(image.id)' "
                    + "or '![…](../media/\((image.relativePath as NSString).lastPathComponent))', or remove it and its sidecar", severity: .warning)
            }.sorted()
        } catch .content(let failure) {
            return failure.diagnostics
        } catch {
            return [Diagnostic(SourceLocation(path: options.contentDisplayPath), error.description)]
        }
    }

    /// Load, parse and resolve: every check a build makes, without writing anything.
    public static func resolveSite(_ options: BuildOptions) throws(BuildError) -> Site {
        try resolve(parse(options), options)
    }

    /// The load and parse stages.
    static func parse(_ options: BuildOptions) -> ParsedContent {
        let listing = ContentLoader.list(contentFolder: options.contentFolder, displayRoot: options.contentDisplayPath)
        // site.yaml first: it says how Markdown renders, and the Markdown workers start while the other files are read.
        let (configFile, configLoadProblems) = ContentLoader.read(listing.paths.filter { $0 == "site.yaml" }, of: listing)
        var configProblems = configLoadProblems
        var config = SiteConfig(title: "")
        var configPath = options.contentDisplayPath + "/site.yaml"
        if let file = configFile.siteConfig {
            configPath = file.path
            switch FrontMatterParser.decodeFile(SiteConfig.self, yaml: file.text, path: file.path) {
            case .success(let parsed):
                config = parsed.fields
                if let pageSize = config.pageSize, pageSize < 1 {
                    configProblems.append(Diagnostic(parsed.lines.location("page_size"),
                                                     "field 'page_size' must be 1 or more (how many quotes or events a list page shows), found \(pageSize)"))
                }
            case .failure(let found): configProblems += found.diagnostics
            }
        }
        let markdownOptions = MarkdownOptions(allowRawHTML: config.rawHTML ?? false)

        let entryPaths = listing.linkablePaths
        // Starting a worker takes tens of milliseconds, and the resolver's table of pages as long: both are made while
        // the files are read.
        let starting = Background { MarkdownWorkerPool.start(options.markdownWorkers, contentFiles: entryPaths, options: markdownOptions) }
        let resolving = Background { LinkResolver(contentFiles: entryPaths) }
        let (content, loadProblems) = ContentLoader.read(listing.entryCandidates, of: listing)
        let (media, mediaProblems) = MediaLoader.load(listing.mediaPaths, contentFolder: listing.folder, displayRoot: options.contentDisplayPath,
                                                      settings: options.images.settings)
        let resolver = resolving.value
        let workers = starting.value
        defer { if case .success(let pool?) = workers { pool.shutDown() } }

        var parseProblems: [Diagnostic] = []
        var entries: [Entry] = []
        switch workers {
        case .success(let pool):
            (entries, parseProblems) = EntryParser.parse(content.files, resolver: resolver, options: markdownOptions, pool: pool,
                                                         displayRoot: options.contentDisplayPath)
        case .failure(let failure):
            parseProblems = [Diagnostic(SourceLocation(path: options.contentDisplayPath), failure.message)]
        }
        var identities: [String: String] = [:]
        for file in content.files + [configFile.siteConfig].compactMap({ $0 }) { identities[file.relativePath] = file.identity }
        for (path, identity) in media.filesRead { identities[path] = identity }
        let filesRead = listing.paths.map { path in identities[path].map { (path, $0) } }
        return ParsedContent(config: config, configPath: configPath, resolver: resolver, markdownOptions: markdownOptions,
                             entries: entries, media: media,
                             problems: listing.problems + loadProblems + mediaProblems + configProblems + parseProblems,
                             filesRead: filesRead.contains { $0 == nil } ? nil : filesRead.compactMap { $0 })
    }

    /// The resolve stage, over parsed content: the site, or every problem found on the way.
    static func resolve(_ parsed: ParsedContent, _ options: BuildOptions) throws(BuildError) -> Site {
        var config = parsed.config
        if let baseURL = options.baseURL { config.baseURL = baseURL }
        let published = parsed.entries.filter { isPublished($0, options) }
        let drafts = Set(parsed.entries.filter { !isPublished($0, options) }.map(\.relativePath))
        let resolved = SiteResolver.resolve(config: config, configPath: parsed.configPath, entries: published, resolver: parsed.resolver,
                                            drafts: drafts, media: parsed.media)
        var problems = parsed.problems
        switch resolved {
        case .success(let site) where problems.isEmpty:
            return site
        case .success:
            break
        case .failure(let found):
            problems += found.diagnostics
        }
        throw .content(BuildFailure(problems))
    }

    /// The render and write stages, together: each page is rendered on the core that writes it, just before writing
    /// it, so rendering overlaps the file system's work and no more than a page per core is held in memory.
    /// The site is assembled in `staging`, made here if nil.
    static func renderAndWrite(_ site: Site, images: ImageLibrary, stamp: String, _ options: BuildOptions, staging: StagingFolder? = nil) throws(BuildError)
        -> (report: BuildReport, assetPaths: AssetPaths, pagePaths: [String]) {
        let publishing = Publishing(site: site, images: images)
        let loadedAssets: [OutputFile]
        do {
            loadedAssets = try loadAssets(options.assetsFolder)
        } catch {
            staging?.discard()
            throw error
        }
        let (assets, assetPaths) = fingerprint(loadedAssets + [publishing.searchIndex()], enabled: options.fingerprintAssets)
        let renderer = PageRenderer(site: site, assets: assetPaths, images: images, notFoundRoot: options.notFoundRoot).preparingQuoteCards()
        let jobs = renderer.pageJobs()
        let pagePaths = jobs.map(\.path)
        // The large files first, so they do not hold up the end of the build.
        let published: [(path: String, make: @Sendable () -> OutputFile)] = [
            ("data.json", publishing.data), ("feed.xml", publishing.feed), ("robots.txt", publishing.robots),
            ("sitemap.xml", { publishing.sitemap(pages: pagePaths, images: renderer.imagesShown(on:)) }),
        ]
        let variants = images.files
        // The image variants are linked from the cache, not made here, but hosts serve them too (and cache them for a year).
        let served = published.map(\.path) + assets.map(\.path) + pagePaths + variants.map(\.path)
        let made = published + HostFiles(baseURL: site.config.baseURL).files(paths: served)
        let paths = made.map(\.path) + assets.map(\.path) + pagePaths
        let precompress = options.precompress ?? site.config.precompress ?? false
        let record = BuildRecord(stamp: stamp, entries: site.people.count + site.quotes.count + site.events.count + site.sources.count + site.pages.count,
                                 pages: jobs.count, files: paths.count + variants.count, precompression: precompress ? Precompression.settings : nil)
        do {
            let report = try OutputWriter.write(paths: paths, to: options.outputFolder, record: record, protecting: protectedFolders(options),
                                                   staging: staging, linking: variants) { index in
                if index < made.count { return made[index].make().contents }
                if index < made.count + assets.count { return assets[index - made.count].contents }
                return renderer.render(jobs[index - made.count - assets.count]).contents
            }
            return (BuildReport(entries: record.entries, pages: record.pages, write: report), assetPaths, pagePaths)
        } catch {
            throw .output(error)
        }
    }

    /// Renames CSS and JS files after a hash of their bytes, and says where the pages find them.
    static func fingerprint(_ assets: [OutputFile], enabled: Bool) -> ([OutputFile], AssetPaths) {
        var renamed: [String: String] = [:]
        let files = assets.map { asset -> OutputFile in
            let name = asset.path as NSString
            guard enabled, ["css", "js"].contains(name.pathExtension) else { return asset }
            let path = "\(name.deletingPathExtension).\(contentHash(asset.contents)).\(name.pathExtension)"
            renamed[asset.path] = path
            return OutputFile(path: path, contents: asset.contents)
        }
        var paths = AssetPaths()
        paths.stylesheet = renamed[paths.stylesheet] ?? paths.stylesheet
        paths.searchScript = renamed[paths.searchScript] ?? paths.searchScript
        paths.searchIndex = renamed[paths.searchIndex] ?? paths.searchIndex
        return (files, paths)
    }


    /// 64-bit FNV-1a, as 10 hex digits: a cache key, not a security measure.
    static func contentHash(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        // Over the raw bytes: Data's iterator costs a call per byte, and the search index is megabytes.
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(10))
    }

    static func loadAssets(_ folder: URL) throws(BuildError) -> [OutputFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .output(OutputError("assets folder \(folder.path) not found: run briefing from the project root or pass --assets"))
        }
        var files: [OutputFile] = []
        for path in ContentLoader.listFiles(in: folder) {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) else {
                throw .output(OutputError("cannot read asset \(folder.appendingPathComponent(path).path)"))
            }
            files.append(OutputFile(path: "assets/" + path, contents: data))
        }
        return files
    }
}
