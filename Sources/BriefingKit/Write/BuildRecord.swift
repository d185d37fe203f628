import Foundation

/// What the output folder's marker file remembers of the build that wrote it, so that a build
/// whose inputs have not changed since can stop before reading any content.
struct BuildRecord: Sendable, Hashable {
    /// A digest of every input: content and asset files (path, size, modification time), the
    /// generator binary, and the build options.
    var stamp: String
    var entries: Int
    var pages: Int
    var files: Int
    /// `Precompression.settings` when the build wrote compressed copies of its text files; nil when it did not.
    var precompression: String? = nil

    private static let heading = "This folder is written by `briefing build`; it is replaced whole on every build.\n"

    var markerText: String {
        BuildRecord.heading + "stamp \(stamp)\nentries \(entries)\npages \(pages)\nfiles \(files)\n"
            + (precompression.map { "precompressed \($0)\n" } ?? "")
    }

    /// The record in the output folder's marker, if it has one.
    static func read(from output: URL) -> BuildRecord? {
        guard let text = try? String(contentsOf: output.appendingPathComponent(OutputWriter.markerName), encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        guard let stamp = values["stamp"], let entries = values["entries"].flatMap(Int.init),
              let pages = values["pages"].flatMap(Int.init), let files = values["files"].flatMap(Int.init) else { return nil }
        return BuildRecord(stamp: stamp, entries: entries, pages: pages, files: files, precompression: values["precompressed"])
    }

    /// Digest of the inputs of a build with `options`; it changes when any input file is added,
    /// removed, resized or touched, when the generator is rebuilt, or when an option changes.
    /// `content`: each content file's path and identity as the build read it, in the order `ContentLoader.listFiles` gives;
    /// without it, every file is looked at now.
    static func stamp(for options: BuildOptions, content: [(path: String, identity: String)]? = nil) -> String {
        var digest = "options \(options.contentFolder.path) \(options.assetsFolder.path) \(options.includeDrafts) "
            + "\(options.baseURL ?? "-") \(options.fingerprintAssets) \(options.notFoundRoot ?? "-") \(options.precompress.map(String.init) ?? "-")\n"
            + "images \(options.images.settings.outputDescription) \(options.images.cacheFolder?.path ?? "-")\n"
        digest += "generator " + fileIdentity(Bundle.main.executablePath ?? CommandLine.arguments[0]) + "\n"
        for (path, identity) in content ?? identities(in: options.contentFolder) {
            digest += path + " " + identity + "\n"
        }
        for (path, identity) in identities(in: options.assetsFolder) {
            digest += path + " " + identity + "\n"
        }
        return SiteBuilder.contentHash(Data(digest.utf8)) + String(digest.utf8.count, radix: 16)
    }

    /// Every file of `folder` with its identity: a stat per file, on every core (at 10,000 entries this is most of a
    /// no-op build).
    private static func identities(in folder: URL) -> [(path: String, identity: String)] {
        let base = folder.path + "/"
        let paths = ContentLoader.listFiles(in: folder)
        return Array(zip(paths, paths.concurrentMap { fileIdentity(base + $0) }))
    }

    private static func fileIdentity(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "missing" }
        return identity(info)
    }

    /// What the stamp records of a file: its size and modification time.
    static func identity(_ info: stat) -> String {
        "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
