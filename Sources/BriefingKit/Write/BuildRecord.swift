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

    /// The record in the output folder's marker, if it has one. Only the lines above the file digests are read.
    static func read(from output: URL) -> BuildRecord? {
        guard let data = FileManager.default.contents(atPath: output.appendingPathComponent(OutputWriter.markerName).path) else { return nil }
        let end = data.range(of: Data("\n\(SiteManifest.heading)\n".utf8)).map { $0.lowerBound } ?? data.endIndex
        let text = String(decoding: data[data.startIndex..<end], as: UTF8.self)
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

/// Every file of a site with the digest of its bytes, as the marker lists them below the record (`digests`, then one
/// `HEX PATH` line a file): what a build compares its new files with instead of reading the old ones.
struct SiteManifest: Sendable {
    static let heading = "digests"
    /// The line the preview's in-place updates append to the marker (`OutputWriter.update`): the folder's files no
    /// longer all have the digests listed.
    static let editedLine = "edited"

    var digests: [String: FileDigest]
    var precompression: String?
    /// Files were replaced in place after the build that listed them.
    var edited: Bool

    /// The marker's lines for `files`, in that order.
    static func text(_ files: [(path: String, digest: FileDigest)]) -> [UInt8] {
        var bytes = Array((heading + "\n").utf8)
        bytes.reserveCapacity(files.count * 64)
        for file in files {
            file.digest.appendHex(to: &bytes)
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: file.path.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// The list in `folder`'s marker; nil without a marker or without a list (a marker of an older `briefing`).
    static func read(from folder: URL) -> SiteManifest? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(OutputWriter.markerName).path),
              let record = BuildRecord.read(from: folder) else { return nil }
        return data.withUnsafeBytes { bytes -> SiteManifest? in
            let newline = UInt8(ascii: "\n")
            let headingLine = Array("\n\(heading)\n".utf8)
            // The list starts after the heading line.
            var start = -1
            var index = 0
            while index + headingLine.count <= bytes.count {
                if bytes[index] == newline, bytes[index + 1] == headingLine[1],
                   Array(bytes[index..<index + headingLine.count]) == headingLine {
                    start = index + headingLine.count
                    break
                }
                index += 1
            }
            guard start >= 0 else { return nil }
            var digests: [String: FileDigest] = [:]
            var edited = false
            var line = start
            while line < bytes.count {
                var end = line
                while end < bytes.count, bytes[end] != newline { end += 1 }
                guard end < bytes.count else { return nil }  // cut short
                if end - line == editedLine.utf8.count, String(decoding: UnsafeRawBufferPointer(rebasing: bytes[line..<end]), as: UTF8.self) == editedLine {
                    edited = true
                } else {
                    guard end - line > 33, bytes[line + 32] == UInt8(ascii: " "),
                          let digest = FileDigest(hex: UnsafeRawBufferPointer(rebasing: bytes[line..<line + 32])) else { return nil }
                    digests[String(decoding: UnsafeRawBufferPointer(rebasing: bytes[line + 33..<end]), as: UTF8.self)] = digest
                }
                line = end + 1
            }
            return SiteManifest(digests: digests, precompression: record.precompression, edited: edited)
        }
    }
}
