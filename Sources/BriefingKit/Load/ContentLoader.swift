import Foundation

/// The kinds of entry, each with its folder under `content/`.
public enum ContentKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case overview, person, quote, event, source, page, topic

    /// The folder under `content/` that holds this kind; the overview is `index.md` at the root.
    public var folder: String? {
        switch self {
        case .overview: return nil
        case .person: return "people"
        case .quote: return "quotes"
        case .event: return "timeline"
        case .source: return "sources"
        case .page: return "pages"
        case .topic: return "topics"
        }
    }

    public static func < (a: ContentKind, b: ContentKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One content file as read from disk.
public struct SourceFile: Sendable, Hashable {
    /// Path as shown in messages, e.g. `content/people/vladimir-putin.md`.
    public var path: String
    /// Path inside the content folder, e.g. `people/vladimir-putin.md`.
    public var relativePath: String
    public var kind: ContentKind
    public var id: String
    /// The text, as UTF-8 with line endings normalised to `\n`.
    public var text: String
    /// The file's size and modification time when it was read: what the build's stamp records of it (`BuildRecord`).
    var identity: String
}

/// What the load stage found: the site configuration text and every Markdown file.
public struct LoadedContent: Sendable {
    public var siteConfig: SourceFile?
    public var files: [SourceFile]
}

/// The files of a content folder, found before any is read.
struct ContentListing: Sendable {
    /// The content folder's path.
    var folder: String
    /// How the folder is named in messages.
    var displayRoot: String
    /// Every file inside the folder, relative to it, sorted.
    var paths: [String]
    /// What the list alone shows is wrong: no folder, too many files, no site.yaml or index.md.
    var problems: [Diagnostic]

    /// The files that are entries by their paths, whether or not they turn out readable: what links and references may
    /// point at (a file that cannot be read has its own error, and links to it are not reported again).
    var entryPaths: Set<String> {
        Set(paths.filter { if case .entry = ContentLoader.name($0) { return true } else { return false } })
    }

    /// The files of `media/`: images and their sidecars (`MediaLoader` reads them).
    var mediaPaths: [String] { paths.filter(ContentLoader.isMedia) }

    /// What a Markdown link may point at: the entries, and the images of `media/` by their names.
    var linkablePaths: Set<String> {
        entryPaths.union(mediaPaths.filter { path in ImageFormat.named((path as NSString).pathExtension) != nil })
    }

    /// Every file but site.yaml and those of `media/`: the entries, and whatever else is there to report.
    var entryCandidates: [String] { paths.filter { $0 != "site.yaml" && !ContentLoader.isMedia($0) } }
}

/// Reads `content/`: which files exist, what kind each is, and their text as clean UTF-8.
public enum ContentLoader {
    /// Larger content files are rejected rather than parsed: a briefing entry is a few kilobytes.
    public static let maximumFileSize = 8 * 1024 * 1024
    /// More files than this in `content/` is refused before any is read: twice the largest briefing
    /// benchmarked (100,000 entries; about 30 KB of memory each), before memory runs out.
    public static let maximumFileCount = 200_000

    public static func load(contentFolder: URL, displayRoot: String, maximumFileCount: Int = maximumFileCount) -> (LoadedContent, [Diagnostic]) {
        let listing = list(contentFolder: contentFolder, displayRoot: displayRoot, maximumFileCount: maximumFileCount)
        let (content, problems) = read(listing.paths, of: listing)
        return (content, listing.problems + problems)
    }

    /// Which files `contentFolder` holds, before any is read; with the problems the list alone shows.
    static func list(contentFolder: URL, displayRoot: String, maximumFileCount: Int = maximumFileCount) -> ContentListing {
        var listing = ContentListing(folder: contentFolder.path, displayRoot: displayRoot, paths: [], problems: [])
        let rootLocation = SourceLocation(path: displayRoot)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: contentFolder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            listing.problems = [Diagnostic(rootLocation, "content folder not found")]
            return listing
        }
        let listed = listFiles(in: contentFolder, limit: maximumFileCount + 1)
        if listed.count > maximumFileCount {
            let message = "too many files: more than \(maximumFileCount) in the content folder; the limit is \(maximumFileCount) files"
            listing.problems = [Diagnostic(rootLocation, message)]
            return listing
        }
        listing.paths = listed
        // A file that is listed but cannot be read has an error of its own, so it is not also reported missing.
        if !listed.contains("site.yaml") {
            listing.problems.append(Diagnostic(SourceLocation(path: displayRoot + "/site.yaml"), "missing site.yaml: every briefing needs one, with at least 'title: …'"))
        }
        if !listed.contains("index.md") {
            listing.problems.append(Diagnostic(SourceLocation(path: displayRoot + "/index.md"), "missing index.md: the overview page, with at least 'title: …' in its front matter"))
        }
        return listing
    }

    /// Reads `paths`, files of `listing`, on several threads: what they hold, and the problems of those that are not
    /// content or not readable text.
    static func read(_ paths: [String], of listing: ContentListing) -> (LoadedContent, [Diagnostic]) {
        var problems: [Diagnostic] = []
        var files: [SourceFile] = []
        var siteConfig: SourceFile?
        let listedSet = Set(listing.paths.map { Array($0.utf8) })
        // More threads than cores: a file whose pages the kernel has dropped from its cache is read from the disk, and
        // while one thread waits for it the others go on (a few percent of the files where memory is shared with other work).
        let loaded = paths.concurrentMap(threads: 4 * ProcessInfo.processInfo.activeProcessorCount) {
            loadFile($0, contentFolder: listing.folder, displayRoot: listing.displayRoot, beside: listedSet)
        }
        for file in loaded {
            switch file {
            case .siteConfig(let file): siteConfig = file
            case .entry(let file): files.append(file)
            case .problem(let problem): problems.append(problem)
            }
        }
        return (LoadedContent(siteConfig: siteConfig, files: files), problems)
    }

    /// What one file of the content folder turned out to be.
    enum LoadedFile: Sendable {
        case siteConfig(SourceFile)
        case entry(SourceFile)
        case problem(Diagnostic)
    }

    /// Reads the file at `relativePath` inside the content folder and says what kind of file it is.
    /// `beside`: every file listed with it (as UTF-8 bytes), to name a lower-case twin of a misnamed file.
    /// `contentFolder` is a path: joined as text, since Foundation's `URL` cost 4 % of a 10,000-entry build here.
    static func loadFile(_ relativePath: String, contentFolder: String, displayRoot: String, beside listed: Set<[UInt8]> = []) -> LoadedFile {
        let path = displayRoot + "/" + relativePath
        let location = SourceLocation(path: path)
        switch name(relativePath, beside: listed) {
        case .siteConfig:
            switch readTextAndIdentity(contentFolder + "/" + relativePath, path: path) {
            case .success(let (text, identity)):
                return .siteConfig(SourceFile(path: path, relativePath: relativePath, kind: .overview, id: "site", text: text, identity: identity))
            case .failure(let problem): return .problem(problem)
            }
        case .entry(let kind, let id):
            switch readTextAndIdentity(contentFolder + "/" + relativePath, path: path) {
            case .success(let (text, identity)):
                return .entry(SourceFile(path: path, relativePath: relativePath, kind: kind, id: id, text: text, identity: identity))
            case .failure(let problem): return .problem(problem)
            }
        case .problem(let message):
            return .problem(Diagnostic(location, message))
        }
    }

    /// What a file of the content folder is, by its path alone.
    enum FileName: Equatable {
        case siteConfig
        case entry(ContentKind, id: String)
        /// Not a file briefing reads: what is wrong with its name or place.
        case problem(String)
    }

    /// What the file at `relativePath` is, by its path. `beside`: every file listed with it (as UTF-8 bytes), to name a
    /// lower-case twin of a misnamed file.
    static func name(_ relativePath: String, beside listed: Set<[UInt8]> = []) -> FileName {
        if isMedia(relativePath) { return .problem("images are read by the media stage") }
        let components = relativePath.split(separator: "/").map(String.init)
        let kind: ContentKind
        let name: String
        if components == ["site.yaml"] {
            return .siteConfig
        } else if components == ["index.md"] {
            kind = .overview
            name = "index.md"
        } else if components.count == 2, let folderKind = ContentKind.allCases.first(where: { $0.folder == components[0] }) {
            kind = folderKind
            name = components[1]
        } else {
            return .problem(unexpectedFileMessage(components))
        }

        guard name.hasSuffix(".md") else {
            return .problem("unexpected file '\(name)': entries are Markdown files ending in .md")
        }
        let id = String(name.dropLast(3))
        if kind != .overview, var problem = idProblem(id) {
            let lowerCase = suggestedID(id)
            if let folder = kind.folder, listed.contains(Array("\(folder)/\(lowerCase).md".utf8)) {
                problem = "invalid file name '\(id).md': ids use lower-case letters a-z, digits and single hyphens, "
                    + "and '\(lowerCase).md' already exists beside it: merge the two files or choose another name"
            }
            return .problem(problem)
        }
        return .entry(kind, id: kind == .overview ? "index" : id)
    }

    // MARK: - Files

    /// Every file below `folder`, relative, sorted; hidden files and editor backups skipped.
    /// `readdir` reports each entry's type, so no file is `stat`ed. A folder reached a second time
    /// (through a symbolic link back up the tree) is not walked again; the walk stops after `limit` files.
    public static func listFiles(in folder: URL, limit: Int = .max) -> [String] {
        var paths: [String] = []
        var walked: Set<[UInt64]> = []
        func walk(_ directory: String, prefix: String) {
            var info = stat()
            guard stat(directory, &info) == 0, walked.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted,
                  let handle = opendir(directory) else { return }
            defer { closedir(handle) }
            while paths.count < limit, let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") { continue }
                let path = directory + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                    var info = stat()
                    guard stat(path, &info) == 0 else { continue }
                    type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
                }
                if type == UInt8(DT_DIR) {
                    walk(path, prefix: prefix + name + "/")
                } else {
                    paths.append(prefix + name)
                }
            }
        }
        walk(folder.standardizedFileURL.path, prefix: "")
        return paths.sorted()
    }

    /// Whether `relativePath` is in `media/`, the folder of images.
    static func isMedia(_ relativePath: String) -> Bool {
        relativePath.hasPrefix(MediaLoader.folder + "/")
    }

    private static func unexpectedFileMessage(_ components: [String]) -> String {
        let folders = ContentKind.allCases.compactMap(\.folder) + [MediaLoader.folder]
        if components.count > 2, folders.contains(components[0]) {
            return "unexpected subfolder: entries go directly in '\(components[0])/'"
        }
        if components.count >= 2 {
            return "unexpected folder '\(components[0])'\(didYouMean(components[0], in: folders)): content folders are \(folders.joined(separator: ", "))"
        }
        return "unexpected file: the content root holds only site.yaml, index.md and the folders \(folders.joined(separator: ", "))"
    }

    /// Ids become URLs and are referred to from other files: keep them to one unambiguous spelling.
    static func isValidID(_ id: String) -> Bool {
        // On the bytes, in one pass: every file name and topic of a site comes here.
        let hyphen = UInt8(ascii: "-")
        var previous = hyphen
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case hyphen where previous != hyphen: break
            default: return false
            }
            previous = byte
        }
        return previous != hyphen
    }

    static func idProblem(_ id: String) -> String? {
        guard !isValidID(id) else { return nil }
        return "invalid file name '\(id).md': use lower-case letters a-z, digits and single hyphens, e.g. '\(suggestedID(id)).md'"
            + codePoints(id)
    }

    /// Names that look alike can differ in their code points (`é` as one, or as `e` and a combining accent):
    /// say which ones the first non-ASCII character of `name` is made of.
    private static func codePoints(_ name: String) -> String {
        guard let character = name.first(where: { !$0.isASCII }) else { return "" }
        let scalars = character.unicodeScalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return " ('\(character)' is \(scalars.joined(separator: " ")))"
    }

    static func suggestedID(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "entry" : slug
    }

    struct ReadProblem: Error { var message: String }

    /// The bytes of a regular file of at most `maximumFileSize` bytes. Devices, pipes and sockets are refused
    /// without waiting on them (a pipe with no writer would block a plain read for ever), and a file that grows
    /// while it is read is cut off at the limit and refused.
    private static func readBytes(_ path: String) -> Result<(bytes: [UInt8], identity: String), ReadProblem> {
        func failure(_ message: String) -> Result<(bytes: [UInt8], identity: String), ReadProblem> { .failure(ReadProblem(message: message)) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return failure("cannot read file: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return failure("cannot read file: \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return failure("not a regular file (a device, pipe or socket): content files must be ordinary text files")
        }
        func tooLarge(_ size: String) -> Result<(bytes: [UInt8], identity: String), ReadProblem> {
            failure("file too large: \(size) bytes; the limit is \(maximumFileSize) bytes (8 MiB)")
        }
        guard info.st_size <= maximumFileSize else { return tooLarge(String(info.st_size)) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= maximumFileSize else { return tooLarge("more than \(maximumFileSize)") }
                bytes += [UInt8](repeating: 0, count: min(count, maximumFileSize + 1 - count) + 1)
            }
            let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if read < 0 {
                if errno == EINTR { continue }
                return failure("cannot read file: \(String(cString: strerror(errno)))")
            }
            if read == 0 { break }
            count += read
        }
        guard count <= maximumFileSize else { return tooLarge("more than \(maximumFileSize)") }
        bytes.removeSubrange(count...)
        // Taken before the read: a change made while the file is read gives it a newer time than the stamp records.
        return .success((bytes, BuildRecord.identity(info)))
    }

    /// `U+0007` for a C0 control other than tab and line breaks, DEL, or a C1 control: invisible in most editors,
    /// not allowed in HTML, and mostly not in XML either.
    private static func controlCharacter(_ encoded: Unicode.UTF8.EncodedScalar) -> String? {
        // `encoded.last` traps in _ValidUTF8Buffer.index(before:) (Swift 6.3), so index the bytes instead.
        let bytes = Array(encoded)
        let value: UInt32
        if bytes.count == 1 {
            guard (bytes[0] < 0x20 && bytes[0] != 0x09 && bytes[0] != 0x0A && bytes[0] != 0x0D) || bytes[0] == 0x7F else { return nil }
            value = UInt32(bytes[0])
        } else if bytes.count == 2, bytes[0] == 0xC2, bytes[1] < 0xA0 {
            value = UInt32(bytes[1])
        } else {
            return nil
        }
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// `bytes` as a `String`, if they are UTF-8 text with no control character but tab and line breaks; and whether they
    /// hold a carriage return.
    private static func cleanText(_ bytes: [UInt8]) -> (text: String, hasCarriageReturn: Bool)? {
        var hasCarriageReturn = false
        let clean = bytes.withUnsafeBytes { raw -> Bool in
            var previous: UInt8 = 0
            func isClean(_ byte: UInt8) -> Bool {
                defer { previous = byte }
                if byte < 0x20 {
                    if byte == 0x0D { hasCarriageReturn = true }
                    return byte == 0x09 || byte == 0x0A || byte == 0x0D
                }
                // DEL, or a C1 control (U+0080–U+009F, written C2 80 to C2 9F).
                return byte != 0x7F && !(previous == 0xC2 && byte < 0xA0)
            }
            // Eight bytes at a time: a word with no byte below 0x20, no DEL and no 0xC2 (the lead byte of the C1
            // controls) needs no closer look, and most words of text are such. The tests cannot miss a byte; they may
            // flag a word that is clean, which is then looked at byte by byte.
            let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
            func hasByteBelow(_ limit: UInt64, _ word: UInt64) -> Bool { (word &- ones &* limit) & ~word & highBits != 0 }
            var index = 0
            while index + 8 <= raw.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if previous == 0xC2 || hasByteBelow(0x20, word) || hasByteBelow(1, word ^ (ones &* 0x7F)) || hasByteBelow(1, word ^ (ones &* 0xC2)) {
                    for offset in index..<index + 8 where !isClean(raw[offset]) { return false }
                } else {
                    previous = raw[index + 7]
                }
                index += 8
            }
            for offset in index..<raw.count where !isClean(raw[offset]) { return false }
            return true
        }
        guard clean, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return (text, hasCarriageReturn)
    }

    /// Reads a file as UTF-8 text: a UTF-8 byte-order mark is dropped, CRLF and lone CR become LF,
    /// and anything that is not UTF-8 text is an error at the line where it stops being text.
    static func readText(_ filePath: String, path: String) -> Result<String, Diagnostic> {
        readTextAndIdentity(filePath, path: path).map(\.text)
    }

    /// `readText`, and the file's size and modification time as it was opened (`BuildRecord.identity`).
    static func readTextAndIdentity(_ filePath: String, path: String) -> Result<(text: String, identity: String), Diagnostic> {
        switch readBytes(filePath) {
        case .success(let (bytes, identity)): return text(of: bytes, path: path).map { ($0, identity) }
        case .failure(let problem): return .failure(Diagnostic(SourceLocation(path: path), problem.message))
        }
    }

    /// The bytes of a regular file of at most `maximumFileSize` bytes, as a build reads them.
    static func readFile(_ filePath: String) -> Result<[UInt8], Diagnostic> {
        readBytes(filePath).map(\.bytes).mapError { Diagnostic(SourceLocation(path: filePath), $0.message) }
    }

    /// A file's bytes as the text a build reads: a UTF-8 byte-order mark dropped, CRLF and lone CR made LF; an error at
    /// the line where they stop being UTF-8 text. `path`: the file as messages name it.
    static func text(of bytes: [UInt8], path: String) -> Result<String, Diagnostic> {
        var bytes = bytes
        let location = SourceLocation(path: path)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .failure(Diagnostic(location, "file is UTF-16: save it as UTF-8"))
        }

        // Nearly every file is clean text: checked in one pass over the bytes. The walk scalar by scalar below runs
        // only to say where a problem is.
        if let (text, hasCarriageReturn) = cleanText(bytes) {
            guard hasCarriageReturn else { return .success(text) }
            return .success(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"))
        }

        var line = 1
        var column = 1
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        decoding: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == 0 {
                    return .failure(Diagnostic(SourceLocation(path: path, line: line, column: column), "binary file: contains a NUL byte; content files must be UTF-8 text"))
                }
                if let control = controlCharacter(encoded) {
                    return .failure(Diagnostic(SourceLocation(path: path, line: line, column: column),
                                               "control character \(control): delete it (tabs and line breaks are the only control characters allowed)"))
                }
                if encoded.count == 1, encoded.first == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                break decoding
            case .error:
                return .failure(Diagnostic(SourceLocation(path: path, line: line, column: column), "not UTF-8 text: save the file as UTF-8"))
            }
        }

        var text = String(decoding: bytes, as: UTF8.self)
        if bytes.contains(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        return .success(text)
    }
}
