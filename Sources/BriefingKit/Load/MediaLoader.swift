import Foundation

/// An image of `content/media/` with its sidecar, checked as far as it can be without decoding it: its name, size,
/// first bytes and sidecar.
public struct MediaImage: Sendable, Hashable {
    public let id: String
    /// As shown in messages, e.g. `content/media/talks.jpg`.
    public let path: String
    /// Inside the content folder, e.g. `media/talks.jpg`.
    public let relativePath: String
    public let format: ImageFormat
    public let fields: ImageFields
    public let focus: ImageFocus
    /// The sidecar as shown in messages, e.g. `content/media/talks.yaml`.
    public let sidecarPath: String
    let sidecarLines: FieldLines
    /// The image file's own path, to read it.
    let filePath: String
    /// Its size and modification time (`BuildRecord.identity`).
    let identity: String

    /// The required fields still hold `briefing new image`'s placeholder: no page may show the image yet.
    public var isDraft: Bool {
        [fields.alt, fields.credit, fields.license].contains { $0.contains(NewImage.placeholder) }
    }
}

/// What `media/` holds: the images that passed every check, and the ids of every image file, good or not (references
/// to an image with a problem of its own are not reported again).
struct MediaLibrary: Sendable {
    var images: [String: MediaImage] = [:]
    var ids: Set<String> = []
    /// Each file read, with its identity, for the build's stamp.
    var filesRead: [(path: String, identity: String)] = []
}

/// The load and parse stages for `content/media/`: images are paired with their sidecars, their first bytes checked
/// against their names, and the sidecars decoded. No decoder sees a file here: that is the image stage's work, in
/// worker processes.
enum MediaLoader {
    static let folder = "media"

    /// Reads `paths` (files of `media/`, relative to `contentFolder`).
    static func load(_ paths: [String], contentFolder: String, displayRoot: String, settings: ImageSettings) -> (MediaLibrary, [Diagnostic]) {
        var problems: [Diagnostic] = []
        var imageFiles: [String: (relativePath: String, format: ImageFormat)] = [:]
        var sidecars: [String: String] = [:]
        for relativePath in paths {
            let location = SourceLocation(path: displayRoot + "/" + relativePath)
            let name = String(relativePath.dropFirst(folder.count + 1))
            guard !name.contains("/") else {
                problems.append(Diagnostic(location, "unexpected subfolder: images go directly in 'media/'"))
                continue
            }
            let fileExtension = (name as NSString).pathExtension
            let id = (name as NSString).deletingPathExtension
            let format = ImageFormat.named(fileExtension)
            guard format != nil || fileExtension == "yaml" else {
                problems.append(Diagnostic(location, unexpectedFileMessage(name, fileExtension: fileExtension.lowercased())))
                continue
            }
            guard ContentLoader.isValidID(id) else {
                problems.append(Diagnostic(location, "invalid file name '\(name)': use lower-case letters a-z, digits and single hyphens, "
                    + "e.g. '\(ContentLoader.suggestedID(id)).\(fileExtension)'"))
                continue
            }
            if let format {
                if let other = imageFiles[id] {
                    problems.append(Diagnostic(location, "two images named '\(id)': \(other.relativePath) and \(relativePath); "
                        + "an id names one image: rename or remove one"))
                    continue
                }
                imageFiles[id] = (relativePath, format)
            } else {
                sidecars[id] = relativePath
            }
        }

        var library = MediaLibrary(ids: Set(imageFiles.keys))
        let pairs = imageFiles.sorted { $0.key < $1.key }.map { (id: $0.key, file: $0.value, sidecar: sidecars[$0.key]) }
        let checked = pairs.concurrentMap { pair in
            check(id: pair.id, pair.file, contentFolder: contentFolder, displayRoot: displayRoot, sidecar: pair.sidecar, settings: settings)
        }
        for result in checked {
            library.filesRead += result.filesRead
            switch result.outcome {
            case .success(let image): library.images[image.id] = image
            case .failure(let found): problems += found.diagnostics
            }
        }
        for (id, relativePath) in sidecars where imageFiles[id] == nil {
            problems.append(Diagnostic(SourceLocation(path: displayRoot + "/" + relativePath),
                                       "sidecar without an image: no media/\(id)\(ImageFormat.extensionList) beside it"
                                       + didYouMean(id, in: imageFiles.keys)))
        }
        return (library, problems)
    }

    private struct Checked: Sendable {
        var outcome: Result<MediaImage, BuildFailure>
        var filesRead: [(path: String, identity: String)]
    }

    /// One image file and its sidecar.
    private static func check(id: String, _ file: (relativePath: String, format: ImageFormat), contentFolder: String, displayRoot: String,
                              sidecar: String?, settings: ImageSettings) -> Checked {
        let path = displayRoot + "/" + file.relativePath
        let filePath = contentFolder + "/" + file.relativePath
        var problems: [Diagnostic] = []
        var filesRead: [(path: String, identity: String)] = []
        let identity: String?
        switch inspect(filePath, format: file.format, id: id, settings: settings) {
        case .success(let found):
            identity = found
            filesRead.append((file.relativePath, found))
        case .failure(let problem):
            identity = nil
            problems.append(Diagnostic(SourceLocation(path: path), problem.message))
        }

        guard let sidecar else {
            problems.append(Diagnostic(SourceLocation(path: path), "image without a sidecar: add media/\(id).yaml with its alt, credit "
                + "and license (`briefing new image FILE` writes one)"))
            return Checked(outcome: .failure(BuildFailure(problems)), filesRead: filesRead)
        }
        let sidecarPath = displayRoot + "/" + sidecar
        var decoded: Sidecar?
        switch ContentLoader.readTextAndIdentity(contentFolder + "/" + sidecar, path: sidecarPath) {
        case .success(let (text, sidecarIdentity)):
            filesRead.append((sidecar, sidecarIdentity))
            switch decodeSidecar(text, path: sidecarPath) {
            case .success(let found): decoded = found
            case .failure(let found): problems += found.diagnostics
            }
        case .failure(let problem):
            problems.append(problem)
        }
        guard problems.isEmpty, let decoded, let identity else { return Checked(outcome: .failure(BuildFailure(problems)), filesRead: filesRead) }
        let image = MediaImage(id: id, path: path, relativePath: file.relativePath, format: file.format, fields: decoded.fields,
                               focus: decoded.focus, sidecarPath: sidecarPath, sidecarLines: decoded.lines, filePath: filePath, identity: identity)
        return Checked(outcome: .success(image), filesRead: filesRead)
    }

    /// A sidecar's fields, their lines, and its focus point.
    struct Sidecar: Sendable {
        var fields: ImageFields
        var lines: FieldLines
        var focus: ImageFocus
    }

    /// Decodes and checks a sidecar's text: its fields, its focus point and its addresses. The editor's live check of a
    /// sidecar runs this too, so it says what the build says.
    static func decodeSidecar(_ text: String, path sidecarPath: String) -> Result<Sidecar, BuildFailure> {
        let decoded: FrontMatter<ImageFields>
        switch FrontMatterParser.decodeFile(ImageFields.self, yaml: text, path: sidecarPath) {
        case .success(let frontMatter): decoded = frontMatter
        case .failure(let found): return .failure(found)
        }
        var problems: [Diagnostic] = []
        var focus = ImageFocus.centre
        let fields = decoded.fields, lines = decoded.lines
        if let text = fields.focus {
            if let parsed = ImageFocus(parsing: text) {
                focus = parsed
            } else {
                problems.append(Diagnostic(lines.location("focus"), "field 'focus': '\(text)' is not a point: write two numbers from 0 to 1, "
                    + "across then down from the top left, e.g. '0.5, 0.3'"))
            }
        }
        for (key, url) in [("license_url", fields.licenseURL), ("acquire_license_url", fields.acquireLicenseURL)] {
            if let url, let problem = SiteResolver.urlProblem(url) {
                problems.append(Diagnostic(lines.location(key), "field '\(key)': \(problem)"))
            }
        }
        guard problems.isEmpty else { return .failure(BuildFailure(problems)) }
        return .success(Sidecar(fields: fields, lines: lines, focus: focus))
    }

    private struct FileProblem: Error {
        var message: String
    }

    /// The file's identity, once its type, size and first bytes are right for an image named as a `format` file.
    private static func inspect(_ filePath: String, format: ImageFormat, id: String, settings: ImageSettings) -> Result<String, FileProblem> {
        let descriptor = open(filePath, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(FileProblem(message: "cannot read file: \(String(cString: strerror(errno)))")) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(FileProblem(message: "cannot read file: \(String(cString: strerror(errno)))")) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(FileProblem(message: "not a regular file (a device, pipe or socket): images must be ordinary files"))
        }
        guard info.st_size <= settings.sizeLimit else {
            return .failure(FileProblem(message: "image file too large: \(info.st_size) bytes; the limit is \(settings.sizeLimit) bytes "
                + "(\(settings.sizeLimit / (1024 * 1024)) MiB): scale it down or save it with more compression"))
        }
        var head = [UInt8](repeating: 0, count: 64)
        let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, 64) }
        let sniffed = SniffedFormat(head.prefix(max(0, count)))
        let rename = "\(id).\(format.extensions[0])"
        switch sniffed {
        case .accepted(format):
            return .success(BuildRecord.identity(info))
        case .accepted(let actual):
            return .failure(FileProblem(message: "the file holds a \(actual.name) image but is named as \(format.name): "
                + "rename it to \(id).\(actual.extensions[0])"))
        case .empty:
            return .failure(FileProblem(message: "empty file: not an image; replace it with the image, or remove it and its sidecar"))
        case .svg:
            return .failure(FileProblem(message: "the file holds an SVG image, which is refused (SVG can carry scripts): export it as PNG and name it \(id).png"))
        case .unknown:
            return .failure(FileProblem(message: "not an image: the file does not start as a JPEG, PNG or WebP file does; "
                + "export the picture again as \(rename)"))
        default:
            return .failure(FileProblem(message: "the file holds a \(sniffed.name) image, not \(format.name): briefing accepts JPEG, PNG and WebP; "
                + "export it again as \(rename)"))
        }
    }

    private static func unexpectedFileMessage(_ name: String, fileExtension: String) -> String {
        switch fileExtension {
        case "svg", "svgz":
            return "SVG images are refused (an SVG file can carry scripts): export '\(name)' as PNG"
        case "gif":
            return "GIF images are not accepted (animated, or limited to 256 colours): save '\(name)' as PNG, or a photograph as JPEG"
        case "yml":
            return "unexpected file '\(name)': a sidecar ends in .yaml"
        default:
            return "unexpected file '\(name)' in media/: images are \(ImageFormat.extensionList) files, each with a sidecar ID.yaml"
        }
    }
}
