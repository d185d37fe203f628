import Foundation
import Synchronization

/// A problem writing the output folder (as opposed to a problem in the content).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// What the write stage did.
public struct WriteReport: Sendable, Hashable {
    public var written: Int
    public var unchanged: Int
    public var removed: Int
    /// Compressed copies made anew (`.br`, `.gz`), and those linked from the previous build beside an unchanged file.
    public var compressed = 0
    public var compressedReused = 0
    /// Output paths (relative, sorted) whose bytes changed: written anew, or removed.
    public var changedPaths: [String] = []
}

/// What became of one file of the site in the staging folder.
private struct FileOutcome: Sendable {
    /// Written anew; false when linked from the old site.
    var written = true
    /// The suffixes of its compressed copies, made anew or linked from the old site.
    var writtenVariants: [String] = []
    var reusedVariants: [String] = []
}

/// The write stage: the new site is assembled in a staging folder beside the output and swapped in whole,
/// so a reader of the output sees the old site or the new one, never a mix. Files whose bytes did not
/// change are hard-linked from the old site, keeping their modification time; stale files vanish with the old folder.
enum OutputWriter {
    /// Marks a folder as written by briefing, so it is never asked to replace anything else.
    static let markerName = ".briefing-output"

    /// Call only while holding the output's lock (`lock(_:whileWaiting:)`): the staging folders of builds
    /// that were killed are removed here, which is safe only when no other build can be writing one.
    static func write(_ files: [OutputFile], to output: URL, record: BuildRecord, protecting protected: [URL]) throws(OutputError) -> WriteReport {
        try write(paths: files.map(\.path), to: output, record: record, protecting: protected, staging: nil) { files[$0].contents }
    }

    /// Writes the file at each of `paths`, its bytes made by `contents(index)` on whichever core writes it: a build
    /// renders each page just before writing it, so no more than a page per core is held in memory at once.
    /// The site is assembled in `staging` (made here if nil) and swapped in whole.
    /// With `record.precompression` set, each text file gets its compressed copies beside it (`Precompression`); those of
    /// a file whose bytes did not change are linked from the old site when it was compressed with the same settings.
    /// `linking`: files that are already made (image variants in their cache), hard-linked into the site (copied where
    /// the file system cannot link); their names change with their bytes, so one already in the old site is unchanged.
    static func write(paths: [String], to output: URL, record: BuildRecord, protecting protected: [URL], staging: StagingFolder?,
                      linking: [(path: String, source: String)] = [], contents: @Sendable (Int) -> Data) throws(OutputError) -> WriteReport {
        let fileManager = FileManager.default
        let output = output.standardizedFileURL
        do {
            try checkSafe(output, protecting: protected)
        } catch {
            staging?.discard()
            throw error
        }
        let staging = if let staging { staging } else { try StagingFolder(for: output) }
        let retired = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).old-\(getpid())")

        var report = WriteReport(written: 0, unchanged: 0, removed: 0)
        var variantPaths: [String] = []
        do {
            let outputPath = output.path + "/", stagingPath = staging.path
            // Without an old site (a first build, or one into a new folder) no file can be unchanged: looking for each
            // one anyway cost Foundation 7 µs a page.
            let hasOldSite = fileManager.fileExists(atPath: outputPath + markerName)
            let precompress = record.precompression != nil
            let reusesCompressed = precompress && hasOldSite && BuildRecord.read(from: output)?.precompression == record.precompression
            // The folder thread goes on to the pages' folders in the order they are written, skipping those made already.
            let pageFolders = paths.map(OutputWriter.folder(of:))
            staging.makeFolders(pageFolders)
            // Each file: unchanged ones are linked from the old site, the rest written; both cores busy.
            let outcomes = Array(paths.indices).concurrentMap { index -> FileOutcome? in
                let path = paths[index], bytes = contents(index)
                let previous = outputPath + path
                let target = stagingPath + path
                guard staging.makeFolder(pageFolders[index]) else { return nil }
                var outcome = FileOutcome()
                if hasOldSite, let old = FileManager.default.contents(atPath: previous), old == bytes, link(previous, target) == 0 {
                    outcome.written = false
                } else if !writeFile(target, bytes) {
                    return nil
                }
                guard precompress, Precompression.applies(to: path, size: bytes.count) else { return outcome }
                // The same bytes under the same settings compress to the same copies, or to none worth keeping.
                if reusesCompressed, !outcome.written, let reused = linkCompressedCopies(of: previous, to: target) {
                    outcome.reusedVariants = reused
                    return outcome
                }
                for (suffix, compressed) in Precompression.variants(of: bytes, at: path) {
                    guard writeFile(target + suffix, compressed) else { return nil }
                    outcome.writtenVariants.append(suffix)
                }
                return outcome
            }
            let linked = linking.concurrentMap { file -> Bool in
                staging.makeFolder(OutputWriter.folder(of: file.path)) && place(file.source, at: stagingPath + file.path)
            }
            if let failed = zip(linking, linked).first(where: { !$0.1 })?.0 {
                throw OutputError("cannot link \(failed.source) into \(staging.url.appendingPathComponent(failed.path).path): "
                    + "delete the image cache folder and build again")
            }
            staging.stopMakingFolders()
            for (path, outcome) in zip(paths, outcomes) {
                guard let outcome else { throw OutputError("cannot write \(staging.url.appendingPathComponent(path).path)") }
                if outcome.written {
                    report.written += 1
                    report.changedPaths.append(path)
                } else {
                    report.unchanged += 1
                }
                report.compressed += outcome.writtenVariants.count
                report.changedPaths += outcome.writtenVariants.map { path + $0 }
                report.compressedReused += outcome.reusedVariants.count
                variantPaths += (outcome.writtenVariants + outcome.reusedVariants).map { path + $0 }
            }
            staging.removeFolders(except: pageFolders + linking.map { OutputWriter.folder(of: $0.path) })
            var record = record
            record.files += variantPaths.count
            // A plain write like every page's: Foundation's `createFile` syncs the file to the disk, which waited half
            // a second behind the pages' writeback at 100,000 entries.
            guard writeFile(stagingPath + markerName, Data(record.markerText.utf8)) else {
                throw OutputError("cannot write \(staging.url.appendingPathComponent(markerName).path)")
            }
        } catch let error as OutputError {
            staging.discard()
            throw error
        } catch {
            staging.discard()
            throw OutputError("cannot write the site: \(error.localizedDescription)")
        }

        // A linked file is named after its bytes: one the old site has is unchanged.
        let oldPaths = fileManager.fileExists(atPath: output.path) ? Set(ContentLoader.listFiles(in: output)) : []
        for file in linking {
            if oldPaths.contains(file.path) {
                report.unchanged += 1
            } else {
                report.written += 1
                report.changedPaths.append(file.path)
            }
        }
        report.changedPaths.sort()
        if fileManager.fileExists(atPath: output.path) {
            let newPaths = Set(paths + variantPaths + linking.map(\.path))
            let removedPaths = oldPaths.filter { !newPaths.contains($0) }.sorted()
            report.removed = removedPaths.count
            report.changedPaths = (report.changedPaths + removedPaths).sorted()
            // One atomic exchange: at every instant the output path names a whole site, old or new.
            if exchange(staging.url.path, output.path) {
                staging.discard()
                return report
            }
            // Without renameat2 (or on a file system that lacks it) two renames leave a moment with no output folder.
            guard rename(output.path, retired.path) == 0 else {
                staging.discard()
                throw OutputError("cannot move the old \(output.path) aside: \(String(cString: strerror(errno)))")
            }
        }
        guard rename(staging.url.path, output.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(retired.path, output.path)
            staging.discard()
            throw OutputError("cannot move the new site into \(output.path): \(reason)")
        }
        try? fileManager.removeItem(at: retired)
        return report
    }

    /// Links the compressed copies the old site has of `previous` (a file whose bytes did not change) beside `target`,
    /// and returns their suffixes; nil if one exists but cannot be linked, so that the file is compressed anew.
    private static func linkCompressedCopies(of previous: String, to target: String) -> [String]? {
        var linked: [String] = []
        for suffix in Precompression.suffixes {
            if link(previous + suffix, target + suffix) == 0 {
                linked.append(suffix)
            } else if errno != ENOENT {
                for done in linked { unlink(target + done) }
                return nil
            }
        }
        return linked
    }

    /// Replaces some files of a site this writer wrote before, each on its own: only files whose bytes changed are
    /// written, each to a temporary file renamed over the old one, so a reader sees the old page or the new one.
    /// For the preview server's small rebuilds, where swapping in a copy of the whole site would cost more than the change.
    static func update(_ files: [OutputFile], in output: URL) throws(OutputError) -> WriteReport {
        let outputPath = output.standardizedFileURL.path + "/"
        guard FileManager.default.fileExists(atPath: outputPath + markerName) else {
            throw OutputError("\(output.path) was not made by briefing (no \(markerName) file): cannot update it")
        }
        var report = WriteReport(written: 0, unchanged: 0, removed: 0)
        let outcomes = files.concurrentMap { file -> Bool? in
            let target = outputPath + file.path
            if FileManager.default.contents(atPath: target) == file.contents { return false }
            let folder = OutputWriter.folder(of: file.path)
            let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
            let temporary = outputPath + (folder.isEmpty ? "" : folder + "/") + ".briefing-\(getpid())-" + name
            guard writeFile(temporary, file.contents) else { return nil }
            guard rename(temporary, target) == 0 else {
                unlink(temporary)
                return nil
            }
            // Compressed copies of the old bytes would be served in place of the new ones.
            for suffix in Precompression.suffixes { unlink(target + suffix) }
            return true
        }
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case .none: throw OutputError("cannot write \(outputPath + file.path): \(String(cString: strerror(errno)))")
            case .some(true):
                report.written += 1
                report.changedPaths.append(file.path)
            case .some(false):
                report.unchanged += 1
            }
        }
        report.changedPaths.sort()
        return report
    }

    /// Hard-links the made file at `source` to `target`, or copies it where they are on different file systems.
    static func place(_ source: String, at target: String) -> Bool {
        if link(source, target) == 0 { return true }
        return (try? FileManager.default.copyItem(atPath: source, toPath: target)) != nil
    }

    /// `people/x` for `people/x/index.html`, `` for `a`. Not `NSString.deletingLastPathComponent`: swift-corelibs-foundation
    /// traps on a one-character path such as `a` (the folder of the page of `pages/a.md`).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    // MARK: - Swap

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2`, looked up at run time: Swift's Glibc module does not declare it.
    private static let renameAt2: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    /// Swaps two existing folders in one step (`RENAME_EXCHANGE`); false where the system cannot.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        guard let renameAt2 else { return false }
        let renameExchange: UInt32 = 1 << 1
        return renameAt2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }

    /// The staging and retired folders of builds that were killed before they could remove them.
    static func removeLeftovers(of output: URL) {
        let parent = output.deletingLastPathComponent()
        let prefixes = [".\(output.lastPathComponent).staging-", ".\(output.lastPathComponent).old-"]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        where prefixes.contains(where: { name.hasPrefix($0) }) {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }

    // MARK: - Lock

    /// The lock file of `output`: beside it, since the output folder itself is replaced whole.
    static func lockFile(for output: URL) -> URL {
        let output = output.standardizedFileURL
        return output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).lock")
    }

    /// Takes an exclusive `flock` on the output's lock file, first calling `whileWaiting` if another build
    /// (in this process or another) holds it, then waiting for it. The kernel releases the lock when its
    /// holder exits, however it exits, so a killed build never leaves the output locked.
    /// Returns the descriptor to hand to `unlock`.
    static func lock(_ output: URL, whileWaiting: (@Sendable (String) -> Void)?) throws(OutputError) -> Int32 {
        let lockFile = lockFile(for: output)
        do {
            try FileManager.default.createDirectory(at: lockFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create \(lockFile.deletingLastPathComponent().path): \(error.localizedDescription)")
        }
        let descriptor = open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError("cannot open the lock file \(lockFile.path): \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return descriptor }
        guard errno == EWOULDBLOCK else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw OutputError("cannot lock \(lockFile.path): \(reason)")
        }
        whileWaiting?(lockFile.path)
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw OutputError("cannot lock \(lockFile.path): \(reason)")
            }
        }
        return descriptor
    }

    static func unlock(_ descriptor: Int32) {
        close(descriptor)
    }

    /// One plain write: the staging folder is swapped in whole, so a temporary file and rename per file
    /// (what Foundation's atomic write does) would only double the work on the file system.
    private static func writeFile(_ path: String, _ contents: Data) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return contents.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// Refuses to replace a folder the user may care about.
    static func checkSafe(_ output: URL, protecting protected: [URL]) throws(OutputError) {
        let fileManager = FileManager.default
        let path = output.resolvingSymlinksInPath().path
        let home = fileManager.homeDirectoryForCurrentUser.resolvingSymlinksInPath().path
        let current = URL(fileURLWithPath: fileManager.currentDirectoryPath).resolvingSymlinksInPath().path
        if path == "/" || path == home || path == current {
            throw OutputError("refusing to use \(output.path) as the output folder: it would be replaced whole")
        }
        for folder in protected {
            let protectedPath = folder.standardizedFileURL.resolvingSymlinksInPath().path
            if path == protectedPath || protectedPath.hasPrefix(path + "/") || path.hasPrefix(protectedPath + "/") {
                throw OutputError("refusing to use \(output.path) as the output folder: it overlaps \(folder.path)")
            }
        }
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw OutputError("\(output.path) exists and is not a folder")
        }
        let entries = (try? fileManager.contentsOfDirectory(atPath: path)) ?? []
        if !entries.isEmpty, !entries.contains(markerName) {
            throw OutputError("\(output.path) is not empty and was not made by briefing (no \(markerName) file): remove it or choose another --output")
        }
    }
}

/// The folder a build assembles the new site in, beside the output (`.public.staging-<pid>`), and a thread that makes
/// the pages' folders in it ahead of the writers.
///
/// Making a folder costs the file system more than writing the page into it: on ext4 without a journal, 54 µs against
/// 40 µs for a 6 KB page. A build therefore makes the staging folder before it resolves the site, and the entries'
/// folders while it does, when one core would otherwise wait. One thread makes them all: making a folder locks the
/// folder it is made in (`quotes/` for 8,000 pages) while the file system looks for a free inode, and two threads
/// making folders there wait on each other, spinning. A writer that overtakes the thread makes its page's folder itself.
final class StagingFolder: Sendable {
    let url: URL
    /// The staging folder's path, ending in `/`.
    let path: String

    private struct Folders {
        /// What the thread makes, in order, from `next` on.
        var queue: [String] = []
        var next = 0
        var made: Set<String> = [""]
        var threadRunning = false
    }
    private let folders = Mutex(Folders())
    private let threadDone = DispatchGroup()

    /// Removes the staging folders of builds that were killed, and makes this build's.
    /// Call only while holding the output's lock: no other build can be writing a staging folder then.
    init(for output: URL) throws(OutputError) {
        let output = output.standardizedFileURL
        url = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).staging-\(getpid())")
        path = url.path + "/"
        OutputWriter.removeLeftovers(of: output)
        do {
            try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        } catch {
            throw OutputError("cannot create \(url.path): \(error.localizedDescription)")
        }
    }

    /// Has the thread make `list` (folders inside the staging folder, e.g. `quotes/x`), in this order and instead of
    /// what it was asked to make before.
    func makeFolders(_ list: [String]) {
        let start = folders.withLock { folders -> Bool in
            folders.queue = list
            folders.next = 0
            defer { folders.threadRunning = true }
            return !folders.threadRunning
        }
        guard start else { return }
        threadDone.enter()
        Thread.detachNewThread { [self] in
            while let folder = nextToMake() { _ = makeFolder(folder) }
            threadDone.leave()
        }
    }

    private func nextToMake() -> String? {
        folders.withLock { folders in
            while folders.next < folders.queue.count {
                let folder = folders.queue[folders.next]
                folders.next += 1
                if !folders.made.contains(folder) { return folder }
            }
            folders.threadRunning = false
            return nil
        }
    }

    /// Makes `folder`, and its parents, unless made already. False if the file system refused.
    func makeFolder(_ folder: String) -> Bool {
        if folders.withLock({ $0.made.contains(folder) }) { return true }
        if mkdir(path + folder, 0o755) != 0, errno != EEXIST {
            guard errno == ENOENT, makeFolder(OutputWriter.folder(of: folder)), mkdir(path + folder, 0o755) == 0 || errno == EEXIST else {
                return false
            }
        }
        folders.withLock { _ = $0.made.insert(folder) }
        return true
    }

    /// Stops the thread and waits for it: before the staging folder is swapped in or removed.
    func stopMakingFolders() {
        folders.withLock { $0.queue = [] }
        threadDone.wait()
    }

    /// Removes the folders made for pages the build did not write after all (and that hold none of their folders).
    func removeFolders(except used: [String]) {
        var kept = Set(used)
        for folder in used {
            var parent = OutputWriter.folder(of: folder)
            while !parent.isEmpty, kept.insert(parent).inserted { parent = OutputWriter.folder(of: parent) }
        }
        let unused = folders.withLock { $0.made.subtracting(kept).subtracting([""]) }
        // Deepest first, so a folder is empty when its turn comes.
        for folder in unused.sorted(by: { $0.count > $1.count }) { rmdir(path + folder) }
    }

    /// Removes the staging folder and everything in it.
    func discard() {
        stopMakingFolders()
        try? FileManager.default.removeItem(at: url)
    }
}
