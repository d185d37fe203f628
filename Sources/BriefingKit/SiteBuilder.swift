import Foundation

/// Where a build reads from and writes to.
public struct BuildOptions: Sendable {
    public var contentFolder: URL
    /// How the content folder is named in messages, e.g. `content`.
    public var contentDisplayPath: String
    public var assetsFolder: URL
    public var outputFolder: URL

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
        let site = try resolveSite(options)

        let pages = PageRenderer(site: site).renderAll()
        let assets = try loadAssets(options.assetsFolder)

        do {
            let report = try OutputWriter.write(pages + assets, to: options.outputFolder,
                                                protecting: [options.contentFolder, options.assetsFolder.deletingLastPathComponent()])
            return BuildReport(entries: site.people.count + site.quotes.count + site.events.count + site.sources.count + site.pages.count,
                               pages: pages.count, write: report)
        } catch {
            throw .output(error)
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
        let (entries, parseProblems) = EntryParser.parse(content.files, resolver: resolver, options: markdownOptions)

        let resolved = SiteResolver.resolve(config: config, configPath: configPath, entries: entries, resolver: resolver)
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
