import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes the editor's files, and nothing else: only `site.yaml`, `index.md` and `FOLDER/ID.md` inside the
/// content folder, with ids that follow the id rules (`EditedFile` takes no other), never through a folder that leads
/// out of it. Every write is a new file beside the old one, renamed over it, so a reader (the build, the watcher, a
/// text editor) sees the old file or the new one, never part of one.
public struct ContentWriter: Sendable {
    /// The content folder, as given.
    public let contentFolder: URL
    /// How messages name it, e.g. `content`.
    public let displayRoot: String

    public init(contentFolder: URL, displayRoot: String) {
        self.contentFolder = contentFolder
        self.displayRoot = displayRoot
    }

    public enum Failure: Error, Sendable, Equatable {
        /// The file on disk is no longer the one the form was opened from: its bytes now, nil if it was removed.
        case changedOnDisk(current: [UInt8]?)
        /// A new file's name is taken.
        case exists
        case notFound
        /// Anything else, in words.
        case refused(String)

        /// The failure in words, for messages.
        public var message: String {
            switch self {
            case .changedOnDisk: return "the file changed on disk"
            case .exists: return "the file exists"
            case .notFound: return "no such file"
            case .refused(let reason): return reason
            }
        }
    }

    /// The path messages use, e.g. `content/quotes/x.md`.
    public func displayPath(_ file: EditedFile) -> String {
        displayRoot + "/" + file.relativePath
    }

    /// The file's bytes, or nil if there is no such file.
    public func read(_ file: EditedFile) throws(Failure) -> [UInt8]? {
        let path = try checkedPath(file, creatingFolder: false)
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw .refused("cannot read \(displayPath(file)): \(String(cString: strerror(errno)))")
        }
        switch ContentLoader.readFile(path) {
        case .success(let bytes): return bytes
        case .failure(let problem): throw .refused(problem.message)
        }
    }

    /// Replaces the file with `bytes`, if its bytes on disk still have `digest` (SHA-256, hex).
    public func save(_ file: EditedFile, bytes: [UInt8], expecting digest: String) throws(Failure) {
        let path = try checkedPath(file, creatingFolder: false)
        let current = try read(file)
        guard let current, SHA256.hex(current) == digest else { throw .changedOnDisk(current: current) }
        try refuseSymbolicLink(path, file)
        let temporary = try writeTemporary(bytes, beside: path, file)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .refused("cannot save \(displayPath(file)): \(reason)")
        }
    }

    /// Writes a new file; never replaces one.
    public func create(_ file: EditedFile, bytes: [UInt8]) throws(Failure) {
        let path = try checkedPath(file, creatingFolder: true)
        let temporary = try writeTemporary(bytes, beside: path, file)
        defer { unlink(temporary) }
        // A hard link fails if the name exists, at the moment it would be made: no check-then-write race.
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { throw .exists }
            throw .refused("cannot create \(displayPath(file)): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the file, if its bytes on disk still have `digest`.
    public func delete(_ file: EditedFile, expecting digest: String) throws(Failure) {
        let path = try checkedPath(file, creatingFolder: false)
        guard let current = try read(file) else { throw .notFound }
        guard SHA256.hex(current) == digest else { throw .changedOnDisk(current: current) }
        guard unlink(path) == 0 else { throw .refused("cannot delete \(displayPath(file)): \(String(cString: strerror(errno)))") }
    }

    // MARK: - Images

    /// The image file of image `id` (`media/ID.jpg`, `.jpeg`, `.png` or `.webp`): its absolute path and format, if there is one.
    public func imageFile(id: String) -> (path: String, format: ImageFormat)? {
        guard ContentLoader.isValidID(id), let folder = try? checkedPath(.image(id: id), creatingFolder: false) else { return nil }
        let base = (folder as NSString).deletingLastPathComponent + "/" + id
        for format in ImageFormat.allCases {
            for fileExtension in format.extensions {
                var info = stat()
                if lstat(base + "." + fileExtension, &info) == 0, info.st_mode & S_IFMT == S_IFREG { return (base + "." + fileExtension, format) }
            }
        }
        return nil
    }

    /// Adds image `id`: `imageName` (`ID.EXT`) with `bytes` and the sidecar `ID.yaml`, each written beside and linked into
    /// place, so neither replaces a file. Refused with `.exists` if an image or a sidecar of that id is there already;
    /// if the sidecar cannot be made, the image is removed again.
    public func createImage(id: String, imageName: String, bytes: [UInt8], sidecar: [UInt8]) throws(Failure) {
        let sidecarPath = try checkedPath(.image(id: id), creatingFolder: true)
        let folder = (sidecarPath as NSString).deletingLastPathComponent
        guard ContentLoader.isValidID(id), (imageName as NSString).deletingPathExtension == id, !imageName.contains("/") else {
            throw .refused("invalid image name")
        }
        if imageFile(id: id) != nil { throw .exists }
        let imagePath = folder + "/" + imageName
        let image = try writeTemporary(bytes, beside: imagePath, .image(id: id), limit: ImageSettings().sizeLimit)
        defer { unlink(image) }
        guard link(image, imagePath) == 0 else {
            if errno == EEXIST { throw .exists }
            throw .refused("cannot create \(displayRoot)/\(MediaLoader.folder)/\(imageName): \(String(cString: strerror(errno)))")
        }
        do {
            try create(.image(id: id), bytes: sidecar)
        } catch {
            unlink(imagePath)
            throw error
        }
    }

    /// Removes image `id`: its sidecar, if its bytes on disk still have `digest`, and its image file.
    public func deleteImage(id: String, expecting digest: String) throws(Failure) {
        let file = EditedFile.image(id: id)
        let image = imageFile(id: id)
        try delete(file, expecting: digest)
        if let image, unlink(image.path) != 0 {
            throw .refused("cannot delete \(displayRoot)/\(MediaLoader.folder)/\((image.path as NSString).lastPathComponent): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: - Paths

    /// The file's absolute path, once its folder is known to be inside the content folder.
    private func checkedPath(_ file: EditedFile, creatingFolder: Bool) throws(Failure) -> String {
        guard let root = Self.realPath(contentFolder.standardizedFileURL.path) else {
            throw .refused("the content folder \(displayRoot)/ is not there")
        }
        // `EditedFile` holds only checked ids; checked again here, where the path is made.
        if let id = file.id, !ContentLoader.isValidID(id) { throw .refused("invalid id") }
        let name = (file.relativePath as NSString).lastPathComponent
        guard let folderName = file.folder else { return root + "/" + name }
        let folder = root + "/" + folderName
        if creatingFolder, mkdir(folder, 0o755) != 0, errno != EEXIST {
            throw .refused("cannot make \(displayRoot)/\(folderName)/: \(String(cString: strerror(errno)))")
        }
        guard let resolved = Self.realPath(folder) else {
            if creatingFolder { throw .refused("cannot make \(displayRoot)/\(folderName)/") }
            return folder + "/" + name
        }
        guard resolved.hasPrefix(root + "/") else {
            throw .refused("\(displayRoot)/\(folderName)/ leads out of the content folder (a symbolic link): the editor writes only inside it")
        }
        return resolved + "/" + name
    }

    private func refuseSymbolicLink(_ path: String, _ file: EditedFile) throws(Failure) {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw .refused("\(displayPath(file)) is not an ordinary file (a symbolic link?): edit it where it points")
        }
    }

    /// A hidden file beside `path` holding `bytes` (hidden, so the build and the watcher pass it by).
    private func writeTemporary(_ bytes: [UInt8], beside path: String, _ file: EditedFile,
                                limit: Int = ContentLoader.maximumFileSize) throws(Failure) -> String {
        guard bytes.count <= limit else {
            throw .refused("the file would be \(bytes.count) bytes; the limit is \(limit) bytes (\(limit / (1024 * 1024)) MiB)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = folder + "/." + name + "." + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .refused("cannot write in \(displayRoot)/: \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw .refused("cannot save \(displayPath(file)): \(reason)")
            }
            written += count
        }
        close(descriptor)
        return temporary
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
