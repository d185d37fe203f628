import ArgumentParser
import BriefingKit
import Foundation

@main
struct Briefing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turns a news story kept as Markdown into a cross-linked briefing site.",
        subcommands: [Build.self, Check.self, New.self, Serve.self, MarkdownWorkerCommand.self, ImageWorkerCommand.self],
        defaultSubcommand: Build.self
    )
}

/// The folders every subcommand reads and writes, relative to where it runs.
struct Paths: ParsableArguments {
    @Option(help: "The content folder: site.yaml, index.md, people/, quotes/, timeline/, sources/, pages/, topics/.")
    var content = "content"

    @Option(help: "The folder whose files are copied into the site's assets/ (CSS, scripts, icons).")
    var assets = "templates/assets"

    @Option(help: "The folder the site is written to. It is replaced whole on every successful build.")
    var output = "public"

    @Flag(help: "Include entries marked 'draft: true'.")
    var drafts = false

    @Option(name: .customLong("base-url"), help: "The site's address for sitemap, feed and canonical links, instead of base_url in site.yaml.")
    var baseURL: String?

    @Option(name: .customLong("markdown-timeout"),
            help: ArgumentHelp("Seconds one file's Markdown may take to render before it is stopped and reported as an error.",
                               valueName: "seconds"))
    var markdownTimeout: Double = Double(MarkdownWorkerSettings.defaultDeadline.components.seconds)

    @Option(name: .customLong("image-cache"),
            help: ArgumentHelp("Where processed images are kept between builds (default: .briefing-cache/images beside the output folder).",
                               valueName: "folder"))
    var imageCache: String?

    @Flag(help: "Also make AVIF variants of every image (about nine times slower to make than WebP).")
    var avif = false

    func validate() throws {
        guard markdownTimeout > 0, markdownTimeout <= 86_400 else {
            throw ValidationError("--markdown-timeout must be between 0 and 86400 seconds")
        }
    }

    var buildOptions: BuildOptions {
        var options = BuildOptions(contentFolder: content, assetsFolder: assets, outputFolder: output)
        options.includeDrafts = drafts
        options.baseURL = baseURL
        options.waitingForOutput = { [output] lockFile in
            FileHandle.standardError.write(Data("waiting for another build into \(output)/ to finish (it holds \(lockFile))\n".utf8))
        }
        // Markdown always renders in worker processes of this binary, so hostile input costs at most the timeout.
        options.markdownWorkers = .currentExecutable(deadline: .milliseconds(Int64((markdownTimeout * 1000).rounded())))
        options.images.cacheFolder = imageCache.map { URL(fileURLWithPath: $0) }
        options.images.settings.avif = avif
        return options
    }
}

/// The other end of the Markdown worker pool (`MarkdownWorkerPool`): not for people, so not in the help.
struct MarkdownWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "markdown-worker", shouldDisplay: false)

    func run() throws {
        if !MarkdownWorker.serve() { throw ExitCode.failure }
    }
}

/// The other end of the image worker pool (`ImageWorkerPool`): not for people, so not in the help.
struct ImageWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "image-worker", shouldDisplay: false)

    func run() throws {
        if !ImageWorker.serve() { throw ExitCode.failure }
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the site from the content folder into the output folder.",
        discussion: "Every problem in the content is listed as path:line:col: error: message, and the output folder is left as it was."
    )

    @OptionGroup var paths: Paths

    @Flag(inversion: .prefixedNo,
          help: "Write .br and .gz copies beside every HTML, CSS, JS, JSON, XML, SVG and text file above 1 KB, for servers that send them as they are (nginx gzip_static and brotli_static, Apache). Default: 'precompress' in site.yaml, else off.")
    var precompress: Bool?

    func run() throws {
        let start = Date()
        do {
            var options = paths.buildOptions
            options.precompress = precompress
            options.exitsAfterBuild = true
            let report = try SiteBuilder.build(options)
            let milliseconds = Int(Date().timeIntervalSince(start) * 1000)
            let compressed = report.write.compressed + report.write.compressedReused == 0 ? ""
                : "; \(report.write.compressed) compressed copies made, \(report.write.compressedReused) reused"
            print("Built \(report.pages) pages from \(report.entries) entries into \(paths.output)/ in \(milliseconds) ms "
                + "(\(report.write.written) written, \(report.write.unchanged) unchanged, \(report.write.removed) removed\(compressed)).")
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
    }
}
