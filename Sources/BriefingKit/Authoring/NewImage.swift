import Foundation

/// `briefing new image FILE`, and the editor's **New image**: an image copied into `media/` with its sidecar of
/// placeholders. An image whose sidecar still holds a placeholder is a draft: a page that shows it is an error until the
/// placeholders are replaced.
public enum NewImage {
    /// What the sidecar's required fields hold until an editor writes them.
    static let placeholder = "(to be written)"

    /// An image about to be added: its id, its format (from its first bytes), and the files it becomes.
    public struct Planned: Sendable, Hashable {
        public var id: String
        public var format: ImageFormat

        public init(id: String, format: ImageFormat) {
            self.id = id
            self.format = format
        }
        /// `ID.EXT`, inside `media/`.
        public var imageName: String { "\(id).\(format.extensions[0])" }
        /// `ID.yaml`, inside `media/`.
        public var sidecarName: String { "\(id).yaml" }
        /// The sidecar's text: placeholders in the required fields, the optional ones as comments.
        public var sidecar: String {
            """
            # The sidecar of \(imageName). Replace each \(NewImage.placeholder); until then a page that shows the image is an error.
            alt: "\(NewImage.placeholder)"
            credit: "\(NewImage.placeholder)"
            license: "\(NewImage.placeholder)"
            # caption: "What the photograph shows, in a sentence, as printed under it"
            # creator: "Who took it"
            # copyright: "© Year Holder"
            # license_url: "https://…"
            # acquire_license_url: "https://…"
            # date: "YYYY-MM-DD"
            # focus: "0.5, 0.5"

            """
        }
    }

    /// Checks an image before it is added: `head` (its first bytes) must be a JPEG, PNG or WebP file, `size` within the
    /// build's limit; the id is `id` if given (it must follow the id rules), else made from `fileName`. `shownName` names
    /// the file in messages.
    public static func plan(head: some Collection<UInt8>, size: Int, fileName: String, id requested: String?, shownName: String,
                            settings: ImageSettings = ImageSettings()) throws(NewEntry.Failure) -> Planned {
        let format: ImageFormat
        switch SniffedFormat(head) {
        case .accepted(let sniffed):
            format = sniffed
        case .svg:
            throw NewEntry.Failure(description: "\(shownName): an SVG image is refused (SVG can carry scripts): export it as PNG first")
        case .empty:
            throw NewEntry.Failure(description: "\(shownName): the file is empty")
        case .unknown:
            throw NewEntry.Failure(description: "\(shownName): not a JPEG, PNG or WebP image (its first bytes are none of those): export it as one first")
        case let other:
            throw NewEntry.Failure(description: "\(shownName): a \(other.name) image; briefing takes JPEG, PNG and WebP only: export it as one first")
        }
        guard size <= settings.sizeLimit else {
            throw NewEntry.Failure(description: "\(shownName): \(size) bytes; the limit is \(settings.sizeLimit) bytes "
                + "(\(settings.sizeLimit / (1024 * 1024)) MiB): scale it down first")
        }
        let id: String
        if let requested, !requested.isEmpty {
            guard ContentLoader.isValidID(requested) else {
                throw NewEntry.Failure(description: "invalid id '\(requested)': use lower-case letters a-z, digits and single hyphens, "
                    + "e.g. '\(ContentLoader.suggestedID(requested))'")
            }
            id = requested
        } else {
            id = NewEntry.slug((fileName as NSString).deletingPathExtension)
            guard ContentLoader.isValidID(id) else {
                throw NewEntry.Failure(description: "\(shownName): no id can be made from the file's name: give one")
            }
        }
        return Planned(id: id, format: format)
    }

    /// Writes `bytes` as `media/ID.EXT` and the placeholder sidecar `media/ID.yaml`, each atomically, never over a file:
    /// refused if any image or sidecar of that id exists. Returns both paths as messages name them.
    public static func write(_ planned: Planned, bytes: [UInt8], writer: ContentWriter) throws(NewEntry.Failure) -> (image: String, sidecar: String) {
        do {
            try writer.createImage(id: planned.id, imageName: planned.imageName, bytes: bytes, sidecar: Array(planned.sidecar.utf8))
        } catch .exists {
            throw NewEntry.Failure(description: "\(writer.displayRoot)/\(MediaLoader.folder)/ already has an image '\(planned.id)': "
                + "choose another id, or edit that one")
        } catch {
            throw NewEntry.Failure(description: "cannot create \(writer.displayRoot)/\(MediaLoader.folder)/\(planned.imageName): \(error.message)")
        }
        let shown = "\(writer.displayRoot)/\(MediaLoader.folder)/"
        return (shown + planned.imageName, shown + planned.sidecarName)
    }

    /// Copies `file` to `media/ID.EXT` (the id from its name) and writes `media/ID.yaml`; returns both paths as given
    /// for messages.
    public static func create(file: String, contentFolder: String = "content", settings: ImageSettings = ImageSettings())
        throws(NewEntry.Failure) -> (image: String, sidecar: String) {
        let source = URL(fileURLWithPath: file)
        let fileExtension = source.pathExtension.lowercased()
        guard let format = ImageFormat.named(fileExtension) else {
            throw NewEntry.Failure(description: "\(file): not a JPEG, PNG or WebP file (\(ImageFormat.extensionList)); convert it first")
        }
        guard let handle = FileHandle(forReadingAtPath: file) else { throw NewEntry.Failure(description: "cannot read \(file)") }
        let head = handle.readData(ofLength: 64)
        try? handle.close()
        guard SniffedFormat(head) == .accepted(format) else {
            throw NewEntry.Failure(description: "\(file): the file does not hold a \(format.name) image (it starts as \(SniffedFormat(head).name))")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let planned = try plan(head: head, size: size, fileName: source.lastPathComponent, id: nil, shownName: file, settings: settings)
        guard let data = FileManager.default.contents(atPath: file) else { throw NewEntry.Failure(description: "cannot read \(file)") }
        let writer = ContentWriter(contentFolder: URL(fileURLWithPath: contentFolder), displayRoot: contentFolder)
        return try write(planned, bytes: Array(data), writer: writer)
    }
}
