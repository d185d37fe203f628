import Foundation

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
    /// Output paths (relative, sorted) whose bytes changed: written anew, or removed.
    public var changedPaths: [String] = []
}

/// The write stage: the new site is assembled in a staging folder beside the output and swapped in whole,
/// so a reader of the output sees the old site or the new one, never a mix. Files whose bytes did not
/// change are hard-linked from the old site, keeping their modification time; stale files vanish with the old folder.
enum OutputWriter {
    /// Marks a folder as written by briefing, so it is never asked to replace anything else.
    static let markerName = ".briefing-output"

    static func write(_ files: [OutputFile], to output: URL, record: BuildRecord, protecting protected: [URL]) throws(OutputError) -> WriteReport {
        let fileManager = FileManager.default
        let output = output.standardizedFileURL
        try checkSafe(output, protecting: protected)

        let parent = output.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(output.lastPathComponent).staging-\(getpid())")
        let retired = parent.appendingPathComponent(".\(output.lastPathComponent).old-\(getpid())")
        try? fileManager.removeItem(at: staging)
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputError("cannot create \(staging.path): \(error.localizedDescription)")
        }

        var report = WriteReport(written: 0, unchanged: 0, removed: 0)
        do {
            let outputPath = output.path + "/", stagingPath = staging.path + "/"
            // Folders of all but the last level first; each page's own folder is made beside its write.
            let folders = Set(files.map { ($0.path as NSString).deletingLastPathComponent }).filter { !$0.isEmpty }
            let parents = Set(folders.map { ($0 as NSString).deletingLastPathComponent }).filter { !$0.isEmpty }
            for folder in parents.sorted() {
                try fileManager.createDirectory(atPath: stagingPath + folder, withIntermediateDirectories: true)
            }
            // Each file: unchanged ones are linked from the old site, the rest written; both cores busy.
            let outcomes = files.concurrentMap { file -> Bool? in
                let previous = outputPath + file.path
                let target = stagingPath + file.path
                let folder = (file.path as NSString).deletingLastPathComponent
                if !folder.isEmpty, mkdir(stagingPath + folder, 0o755) != 0, errno != EEXIST { return nil }
                if let old = FileManager.default.contents(atPath: previous), old == file.contents, link(previous, target) == 0 {
                    return false
                }
                return writeFile(target, file.contents) ? true : nil
            }
            for (file, outcome) in zip(files, outcomes) {
                switch outcome {
                case .none: throw OutputError("cannot write \(staging.appendingPathComponent(file.path).path)")
                case .some(true):
                    report.written += 1
                    report.changedPaths.append(file.path)
                case .some(false):
                    report.unchanged += 1
                }
            }
            _ = fileManager.createFile(atPath: staging.appendingPathComponent(markerName).path, contents: Data(record.markerText.utf8))
        } catch let error as OutputError {
            try? fileManager.removeItem(at: staging)
            throw error
        } catch {
            try? fileManager.removeItem(at: staging)
            throw OutputError("cannot write the site: \(error.localizedDescription)")
        }

        let newPaths = Set(files.map(\.path))
        if fileManager.fileExists(atPath: output.path) {
            let removedPaths = ContentLoader.listFiles(in: output).filter { !newPaths.contains($0) }
            report.removed = removedPaths.count
            report.changedPaths = (report.changedPaths + removedPaths).sorted()
            guard rename(output.path, retired.path) == 0 else {
                try? fileManager.removeItem(at: staging)
                throw OutputError("cannot move the old \(output.path) aside: \(String(cString: strerror(errno)))")
            }
        }
        guard rename(staging.path, output.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(retired.path, output.path)
            throw OutputError("cannot move the new site into \(output.path): \(reason)")
        }
        try? fileManager.removeItem(at: retired)
        return report
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
            let temporary = outputPath + (file.path as NSString).deletingLastPathComponent + "/.briefing-\(getpid())-"
                + (file.path as NSString).lastPathComponent
            guard writeFile(temporary, file.contents) else { return nil }
            guard rename(temporary, target) == 0 else {
                unlink(temporary)
                return nil
            }
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
    private static func checkSafe(_ output: URL, protecting protected: [URL]) throws(OutputError) {
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
