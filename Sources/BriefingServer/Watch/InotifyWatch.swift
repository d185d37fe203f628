#if os(Linux)
import Glibc

/// inotify watches on every folder below some roots, kept up to date as folders come and go.
/// inotify is not recursive: each folder needs its own watch, and a new folder must be added before files appear in it.
/// Used only on the watcher thread.
final class InotifyWatch {
    let descriptor: Int32
    let roots: [String]
    private var folders: [Int32: String] = [:]
    /// Why the kernel refused a watch (usually fs.inotify.max_user_watches reached), once it has: changes in that folder
    /// would go unseen, so the watcher gives up on inotify and polls instead.
    private(set) var refusal: String?

    private static let mask = UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)

    /// A non-blocking inotify instance, or nil where the kernel refuses one (limits reached, or no inotify).
    static func descriptor() -> Int32? {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        return descriptor >= 0 ? descriptor : nil
    }

    /// Adds watches for every folder below `roots`, or says why the kernel refused one. Called before the watcher thread
    /// starts, so that nothing saved after the server reports it is ready can be missed.
    static func watchTrees(_ roots: [String], descriptor: Int32) -> Result<[Int32: String], WatchError> {
        var folders: [Int32: String] = [:]
        for root in roots {
            if let refusal = watchTree(root, descriptor: descriptor, into: &folders) { return .failure(WatchError(refusal)) }
        }
        return .success(folders)
    }

    init(descriptor: Int32, roots: [String], folders: [Int32: String]) {
        self.descriptor = descriptor
        self.roots = roots
        self.folders = folders
    }

    deinit { close(descriptor) }

    /// Watches roots that are not watched (deleted, or not there yet) but exist now; true if there was any.
    func watchMissingRoots() -> Bool {
        let watched = Set(folders.values)
        var added = false
        for root in roots where !watched.contains(root) {
            var info = stat()
            if stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                watchTree(root)
                added = refusal == nil
            }
        }
        return added
    }

    /// Files modified and not closed yet: reading one now could catch it half-written (editors truncate, then write).
    private(set) var beingWritten: Set<String> = []

    func forgetWrites() {
        beingWritten.removeAll()
    }

    /// Reads every pending event; returns the paths they name.
    func drain() -> [String] {
        var changed: [String] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            var offset = 0
            var newFolders: [String] = []
            buffer.withUnsafeBytes { raw in
                // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }
                while offset + 16 <= count {
                    let watch = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    let name = String(decoding: raw[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }, as: UTF8.self)
                    offset += 16 + length

                    if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                        changed.append("")
                        newFolders += roots
                        continue
                    }
                    if mask & UInt32(IN_IGNORED) != 0 {
                        folders[watch] = nil
                        continue
                    }
                    guard let folder = folders[watch], !FolderWatcher.isIgnored(name) else { continue }
                    let path = name.isEmpty ? folder : folder + "/" + name
                    if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                        newFolders.append(path)
                    }
                    if mask & UInt32(IN_MODIFY) != 0 { beingWritten.insert(path) }
                    if mask & UInt32(IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM) != 0 { beingWritten.remove(path) }
                    changed.append(path)
                }
            }
            for folder in newFolders { watchTree(folder) }
        }
        return changed
    }

    private func watchTree(_ path: String) {
        if let refused = Self.watchTree(path, descriptor: descriptor, into: &folders), refusal == nil { refusal = refused }
    }

    /// Watches `path` and every folder below it; returns why the kernel refused a watch, if it did.
    private static func watchTree(_ path: String, descriptor: Int32, into folders: inout [Int32: String]) -> String? {
        let watch = inotify_add_watch(descriptor, path, mask)
        guard watch >= 0 else {
            let code = errno
            // A folder deleted since it was listed, or a file where it was: nothing there to miss.
            if code == ENOENT || code == ENOTDIR { return nil }
            let hint = code == ENOSPC ? " (the limit fs.inotify.max_user_watches is reached)" : ""
            return "inotify cannot watch \(path): \(String(cString: strerror(code)))\(hint)"
        }
        folders[watch] = path
        guard let directory = opendir(path) else { return nil }
        var children: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != "..", !FolderWatcher.isIgnored(name) else { continue }
            var info = stat()
            if lstat(path + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { children.append(path + "/" + name) }
        }
        closedir(directory)
        for child in children {
            if let refusal = watchTree(child, descriptor: descriptor, into: &folders) { return refusal }
        }
        return nil
    }
}
#endif
