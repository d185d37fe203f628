#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every file and folder below some folders with what identifies its version: the fallback when inotify is unavailable.
struct FolderSnapshot: Sendable, Equatable {
    struct Stamp: Sendable, Equatable {
        var inode: UInt64
        var size: Int64
        var modifiedNanoseconds: Int64
    }

    private(set) var stamps: [String: Stamp] = [:]

    init(_ folders: [String]) {
        for folder in folders { add(folder) }
    }

    /// Paths added, removed or changed since `earlier`.
    func changes(since earlier: FolderSnapshot) -> Set<String> {
        var changed = Set<String>()
        for (path, stamp) in stamps where earlier.stamps[path] != stamp { changed.insert(path) }
        for path in earlier.stamps.keys where stamps[path] == nil { changed.insert(path) }
        return changed
    }

    private mutating func add(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let modified = Int64(info.modification.seconds) * 1_000_000_000 + Int64(info.modification.nanoseconds)
        stamps[path] = Stamp(inode: UInt64(info.st_ino), size: Int64(info.st_size), modifiedNanoseconds: modified)
        guard info.st_mode & S_IFMT == S_IFDIR, let directory = opendir(path) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != "..", !FolderWatcher.isIgnored(name) else { continue }
            add(path + "/" + name)
        }
    }
}

extension FolderWatcher {
    /// Hidden files and editor droppings (`.x.swp`, `x~`, vim's `4913` probe) change on every keystroke or save and never
    /// affect the site.
    static func isIgnored(_ name: some StringProtocol) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx") || name == "4913"
    }
}
