import Foundation

/// The processed images, kept between builds outside the output folder (`.briefing-cache/images/` beside it by default).
///
/// Each processed image is a folder `ID.KEY` holding its variants and `info.txt` (its size and the variants'), where
/// KEY is a digest of the source's bytes, every setting that changes the output and the libvips version: a folder is
/// never changed once made, and a build finds an image's variants by working out its key. `sources.tsv` remembers each
/// source file's digest by its size and modification time, so a build reads no image whose file is unchanged.
struct ImageCache: Sendable {
    let folder: URL
    private var path: String { folder.path }

    static let sourcesName = "sources.tsv"
    static let infoName = "info.txt"

    /// The digests of source files as recorded: relative path → (identity, digest).
    func recordedDigests() -> [String: (identity: String, digest: String)] {
        guard let text = try? String(contentsOfFile: path + "/" + Self.sourcesName, encoding: .utf8) else { return [:] }
        var digests: [String: (identity: String, digest: String)] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields.count == 3 { digests[fields[0]] = (fields[1], fields[2]) }
        }
        return digests
    }

    /// Records the digests of the sources a build used, replacing the record.
    func record(_ digests: [String: (identity: String, digest: String)]) {
        let text = digests.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value.identity)\t\($0.value.digest)\n" }.joined()
        let temporary = path + "/.\(Self.sourcesName)-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        if rename(temporary, path + "/" + Self.sourcesName) != 0 { unlink(temporary) }
    }

    /// The folder name of image `id` processed with `key`.
    static func entryName(id: String, key: String) -> String { "\(id).\(key)" }

    func entryPath(id: String, key: String) -> String { path + "/" + Self.entryName(id: id, key: key) }

    /// What the cache holds for `id` with `key`. `info.txt` is written last, into a folder that is renamed into place
    /// whole and never changed after, so its presence says every variant is there.
    func lookup(id: String, key: String) -> ProcessedImage? {
        let entry = entryPath(id: id, key: key)
        guard let text = try? String(contentsOfFile: entry + "/" + Self.infoName, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        guard let size = lines.first, size.count == 2, let width = Int(size[0]), let height = Int(size[1]) else { return nil }
        var variants: [ImageVariant] = []
        for fields in lines.dropFirst() {
            guard fields.count == 4, let format = VariantFormat(rawValue: fields[1]), let variantWidth = Int(fields[2]),
                  let variantHeight = Int(fields[3]) else { return nil }
            variants.append(ImageVariant(name: fields[0], format: format, width: variantWidth, height: variantHeight))
        }
        return ProcessedImage(width: width, height: height, variants: variants)
    }

    /// A new, empty folder to process `id` into.
    func temporaryFolder(for id: String) -> String? {
        let temporary = path + "/.processing-\(getpid())-\(id)"
        try? FileManager.default.removeItem(atPath: temporary)
        return mkdir(temporary, 0o755) == 0 ? temporary : nil
    }

    /// Moves a finished `temporary` folder into place as `id` with `key`; false if it could not.
    func store(_ processed: ProcessedImage, from temporary: String, id: String, key: String) -> Bool {
        var info = "\(processed.width) \(processed.height)\n"
        for variant in processed.variants {
            info += "\(variant.name) \(variant.format.rawValue) \(variant.width) \(variant.height)\n"
        }
        guard FileManager.default.createFile(atPath: temporary + "/" + Self.infoName, contents: Data(info.utf8)) else { return false }
        let entry = entryPath(id: id, key: key)
        if rename(temporary, entry) == 0 { return true }
        // Another build made it meanwhile: the same key is the same bytes.
        try? FileManager.default.removeItem(atPath: temporary)
        return lookup(id: id, key: key) != nil
    }

    func discard(_ temporary: String) {
        try? FileManager.default.removeItem(atPath: temporary)
    }

    /// Removes every processed image but those named in `keep`, and leftovers of interrupted builds.
    func prune(keeping keep: Set<String>) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            if name == Self.sourcesName || name == ".lock" || keep.contains(name) { continue }
            try? FileManager.default.removeItem(atPath: path + "/" + name)
        }
    }

    /// Takes the cache's lock (waiting for another build using it), making the folder if needed; nil if it cannot be made.
    func lock() -> Int32? {
        guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil else { return nil }
        let descriptor = open(path + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                return nil
            }
        }
        return descriptor
    }

    /// A digest of the file's bytes, read in pieces so a large file is never held whole; nil if it cannot be read.
    static func digest(ofFile filePath: String) -> String? {
        let descriptor = open(filePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // Two 64-bit FNV-1a hashes with different starting points: 128 bits, so two photographs never share a key.
        var first: UInt64 = 0xcbf2_9ce4_8422_2325, second: UInt64 = 0x6c62_272e_07bb_0142
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            total += count
            buffer.withUnsafeBytes { bytes in
                for byte in bytes.prefix(count) {
                    first = (first ^ UInt64(byte)) &* 0x100_0000_01b3
                    second = (second ^ UInt64(byte)) &* 0x100_0000_01b3 ^ (second >> 29)
                }
            }
        }
        return hex(first) + hex(second) + "-" + String(total, radix: 16)
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
