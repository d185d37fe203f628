import Foundation

/// How a build processes images: the settings, where the cache is, and which program serves as image worker.
public struct ImageOptions: Sendable {
    public var settings = ImageSettings()
    /// The processed images' cache; nil: `.briefing-cache/images` beside the output folder.
    public var cacheFolder: URL?
    /// The program run as `PROGRAM image-worker`; nil: the running executable (`briefing`).
    public var worker: URL?
    /// How many images are processed at once, each in a worker process of its own.
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    /// The cache folder for a build into `output`.
    func cache(for output: URL) -> ImageCache {
        ImageCache(folder: cacheFolder ?? output.standardizedFileURL.deletingLastPathComponent().appendingPathComponent(".briefing-cache/images"))
    }
}

/// An image ready for pages: its sidecar, its variants and where they are.
public struct PublishedImage: Sendable, Hashable {
    public let image: MediaImage
    public let processed: ProcessedImage
    /// The cache key's first characters, in every variant's name: a new photograph under the same id gets new URLs.
    let key: String
    /// The cache folder of its variants.
    let folder: String

    /// Where `variant` is in the output, e.g. `media/talks.1a2b3c4d5e.640.webp`.
    public func outputPath(_ variant: ImageVariant) -> String {
        "\(MediaLoader.folder)/\(image.id).\(key.prefix(10)).\(variant.fileName)"
    }

    /// The full-frame variants in `format`, narrowest first.
    func widths(_ format: VariantFormat) -> [ImageVariant] {
        processed.variants.filter { $0.format == format && Int($0.name) != nil }.sorted { $0.width < $1.width }
    }

    /// The crop `name`'s variants, one per format.
    func crop(_ name: String) -> [ImageVariant] {
        processed.variants.filter { $0.name == name }
    }
}

/// The images of a build, processed.
struct ImageLibrary: Sendable {
    var images: [String: PublishedImage] = [:]

    /// Every variant's output path and the cache file it is linked from.
    var files: [(path: String, source: String)] {
        images.keys.sorted().flatMap { id -> [(path: String, source: String)] in
            let image = images[id]!
            return image.processed.variants.map { (image.outputPath($0), image.folder + "/" + $0.fileName) }
        }
    }
}

/// The image stage, between resolve and render: every image of `media/`, taken from the cache or processed into it in
/// worker processes; the library it returns holds those the site shows. Images no page shows are processed too: a
/// damaged file is reported when it is added, not when a page first shows it, and the variants are ready by then.
/// A build whose images are all cached reads no image and starts no worker.
enum ImageStage {
    static func run(_ site: Site, _ options: BuildOptions) -> Result<ImageLibrary, BuildFailure> {
        let all = site.images.keys.sorted().compactMap { site.images[$0] }
        let cache = options.images.cache(for: options.outputFolder)
        // A site without images makes no cache folder.
        guard !all.isEmpty || FileManager.default.fileExists(atPath: cache.folder.path) else { return .success(ImageLibrary()) }
        guard let lock = cache.lock() else {
            return .failure([Diagnostic(SourceLocation(path: options.contentDisplayPath), "cannot create the image cache \(cache.folder.path)")])
        }
        defer { close(lock) }

        let settings = options.images.settings
        let settingsDescription = settings.outputDescription + " libvips " + ImageProcessor.libraryVersion
        let recorded = cache.recordedDigests()
        // The digest of each source: recorded if its file is unchanged, else read (on all cores).
        let digests = all.concurrentMap { image -> String? in
            if let known = recorded[image.relativePath], known.identity == image.identity { return known.digest }
            return ImageCache.digest(ofFile: image.filePath)
        }
        var problems: [Diagnostic] = []
        var keys: [String: String] = [:]
        var newDigests: [String: (identity: String, digest: String)] = [:]
        for (image, digest) in zip(all, digests) {
            guard let digest else {
                problems.append(Diagnostic(SourceLocation(path: image.path), "cannot read the image file"))
                continue
            }
            newDigests[image.relativePath] = (image.identity, digest)
            let description = "\(digest) focus \(image.focus) \(settingsDescription)"
            keys[image.id] = SiteBuilder.contentHash(Data(description.utf8)) + String(description.utf8.count, radix: 16)
        }

        var library = ImageLibrary()
        var toProcess: [MediaImage] = []
        for image in all {
            guard let key = keys[image.id] else { continue }
            if let processed = cache.lookup(id: image.id, key: key) {
                library.images[image.id] = PublishedImage(image: image, processed: processed, key: key, folder: cache.entryPath(id: image.id, key: key))
            } else {
                toProcess.append(image)
            }
        }

        if !toProcess.isEmpty {
            let pool = ImageWorkerPool(executable: options.images.worker ?? MarkdownWorkerSettings.currentExecutable().executable,
                                       workers: min(options.images.workers, toProcess.count), settings: settings)
            defer { pool.shutDown() }
            // Largest first, so a big file does not start last and hold up the end.
            let ordered = toProcess.sorted { ($0.identity.split(separator: " ").first.flatMap { Int($0) } ?? 0)
                > ($1.identity.split(separator: " ").first.flatMap { Int($0) } ?? 0) }
            let jobKeys = keys
            let results = ordered.concurrentMap(threads: options.images.workers) { image in
                process(image, key: jobKeys[image.id]!, pool: pool, cache: cache, settings: settings)
            }
            for (image, result) in zip(ordered, results) {
                switch result {
                case .success(let published): library.images[image.id] = published
                case .failure(let problem): problems.append(Diagnostic(SourceLocation(path: image.path), problem.message))
                }
            }
        }
        guard problems.isEmpty else { return .failure(BuildFailure(problems)) }

        // Only after a build that succeeded: a failed one leaves the cache as it was, but for images it made.
        cache.record(newDigests)
        cache.prune(keeping: Set(keys.map { ImageCache.entryName(id: $0.key, key: $0.value) }))
        let shown = Set(site.usedImages)
        library.images = library.images.filter { shown.contains($0.key) }
        return .success(library)
    }

    private static func process(_ image: MediaImage, key: String, pool: ImageWorkerPool, cache: ImageCache,
                                settings: ImageSettings) -> Result<PublishedImage, ImageProblem> {
        guard let temporary = cache.temporaryFolder(for: image.id) else { return .failure(.cannotWrite("cannot make a folder in \(cache.folder.path)")) }
        let source = URL(fileURLWithPath: image.filePath).standardizedFileURL.path
        switch pool.process(ImageJob(source: source, folder: temporary, focus: image.focus, settings: settings)) {
        case .success(let processed):
            guard cache.store(processed, from: temporary, id: image.id, key: key) else {
                cache.discard(temporary)
                return .failure(.cannotWrite("cannot move the variants into \(cache.folder.path)"))
            }
            return .success(PublishedImage(image: image, processed: processed, key: key, folder: cache.entryPath(id: image.id, key: key)))
        case .failure(let problem):
            cache.discard(temporary)
            return .failure(problem)
        }
    }
}
