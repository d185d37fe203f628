import Foundation

/// `briefing new image FILE`: copies an image into `media/` and writes its sidecar with placeholders. An image whose
/// sidecar still holds a placeholder is a draft: a page that shows it is an error until the placeholders are replaced.
public enum NewImage {
    /// What the sidecar's required fields hold until an editor writes them.
    static let placeholder = "(to be written)"

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
        guard size <= settings.sizeLimit else {
            throw NewEntry.Failure(description: "\(file): \(size) bytes; the limit is \(settings.sizeLimit) bytes: scale it down first")
        }
        let id = NewEntry.slug(source.deletingPathExtension().lastPathComponent)
        let folder = URL(fileURLWithPath: contentFolder).appendingPathComponent(MediaLoader.folder)
        let existing = Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        if let taken = existing.first(where: { ($0 as NSString).deletingPathExtension == id }) {
            throw NewEntry.Failure(description: "\(contentFolder)/\(MediaLoader.folder)/\(taken) already exists: rename the file or edit that one")
        }
        let imageName = "\(id).\(format.extensions[0])", sidecarName = "\(id).yaml"
        let sidecar = """
            # The sidecar of \(imageName). Replace each \(placeholder); until then a page that shows the image is an error.
            alt: "\(placeholder)"
            credit: "\(placeholder)"
            license: "\(placeholder)"
            # caption: "What the photograph shows, in a sentence, as printed under it"
            # creator: "Who took it"
            # copyright: "© Year Holder"
            # license_url: "https://…"
            # acquire_license_url: "https://…"
            # date: "YYYY-MM-DD"
            # focus: "0.5, 0.5"

            """
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent(imageName))
            try Data(sidecar.utf8).write(to: folder.appendingPathComponent(sidecarName), options: .withoutOverwriting)
        } catch {
            throw NewEntry.Failure(description: "cannot create \(contentFolder)/\(MediaLoader.folder)/\(imageName): \(error.localizedDescription)")
        }
        let shown = "\(contentFolder)/\(MediaLoader.folder)/"
        return (shown + imageName, shown + sidecarName)
    }
}
