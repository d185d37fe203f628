import Foundation

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
    /// Render Markdown in worker processes with a per-body deadline (the guard against input that makes cmark-gfm
    /// take minutes, and against its crashes). Nil renders in this process, unguarded; the CLI always sets it.
    public var markdownWorkers: MarkdownWorkerSettings?

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

/// The pipeline, top to bottom: load → parse → resolve → render → write.
/// Each stage collects every problem it finds; the build stops before writing if there is any.
public enum SiteBuilder {
    public static func build(_ options: BuildOptions) throws(BuildError) -> BuildReport {
        let stamp = BuildRecord.stamp(for: options)
        if let previous = BuildRecord.read(from: options.outputFolder), previous.stamp == stamp {
            return BuildReport(entries: previous.entries, pages: previous.pages,
                               write: WriteReport(written: 0, unchanged: previous.files, removed: 0))
        }
        let site = try resolveSite(options)

        let publishing = Publishing(site: site)
        let (assets, assetPaths) = fingerprint(try loadAssets(options.assetsFolder) + [publishing.searchIndex()],
                                               enabled: options.fingerprintAssets)
        let pages = PageRenderer(site: site, assets: assetPaths).renderAll(alongside: [publishing.feed, publishing.data, publishing.robots])
        let feeds = [publishing.sitemap(pages: pages.map(\.path).filter { $0.hasSuffix(".html") })]

        do {
            let files = pages + assets + feeds
            let record = BuildRecord(stamp: stamp,
                                     entries: site.people.count + site.quotes.count + site.events.count + site.sources.count + site.pages.count,
                                     pages: pages.filter { $0.path.hasSuffix(".html") }.count, files: files.count)
            let report = try OutputWriter.write(files, to: options.outputFolder, record: record,
                                                protecting: [options.contentFolder, options.assetsFolder.deletingLastPathComponent()])
            return BuildReport(entries: record.entries, pages: record.pages, write: report)
        } catch {
            throw .output(error)
        }
    }

    /// Every check a build makes, writing nothing: the problems found, none if the site would build.
    public static func check(_ options: BuildOptions) -> [Diagnostic] {
        do {
            _ = try resolveSite(options)
            return []
        } catch .content(let failure) {
            return failure.diagnostics
        } catch {
            return [Diagnostic(SourceLocation(path: options.contentDisplayPath), error.description)]
        }
    }

    /// Load, parse and resolve: every check a build makes, without writing anything.
    public static func resolveSite(_ options: BuildOptions) throws(BuildError) -> Site {
        let (content, loadProblems) = ContentLoader.load(contentFolder: options.contentFolder, displayRoot: options.contentDisplayPath)

        var configProblems: [Diagnostic] = []
        var config = SiteConfig(title: "")
        var configPath = options.contentDisplayPath + "/site.yaml"
        if let file = content.siteConfig {
            configPath = file.path
            switch FrontMatterParser.decodeFile(SiteConfig.self, yaml: file.text, path: file.path) {
            case .success(let parsed): config = parsed.fields
            case .failure(let found): configProblems = found.diagnostics
            }
        }

        let resolver = LinkResolver(contentFiles: Set(content.files.map(\.relativePath)))
        let markdownOptions = MarkdownOptions(allowRawHTML: config.rawHTML ?? false)
        let (entries, parseProblems) = EntryParser.parse(content.files, resolver: resolver, options: markdownOptions,
                                                          workers: options.markdownWorkers, displayRoot: options.contentDisplayPath)

        if let baseURL = options.baseURL { config.baseURL = baseURL }
        let drafts = options.includeDrafts ? [] : Set(entries.filter(\.editorial.isDraft).map(\.relativePath))
        let published = entries.filter { !drafts.contains($0.relativePath) }
        let resolved = SiteResolver.resolve(config: config, configPath: configPath, entries: published, resolver: resolver, drafts: drafts)
        var problems = loadProblems + configProblems + parseProblems
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
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
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
