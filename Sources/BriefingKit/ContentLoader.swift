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
}

/// What the load stage found: the site configuration text and every Markdown file.
public struct LoadedContent: Sendable {
    public var siteConfig: SourceFile?
    public var files: [SourceFile]
}

/// Reads `content/`: which files exist, what kind each is, and their text as clean UTF-8.
public enum ContentLoader {
    /// Larger content files are rejected rather than parsed: a briefing entry is a few kilobytes.
    public static let maximumFileSize = 8 * 1024 * 1024

    public static func load(contentFolder: URL, displayRoot: String) -> (LoadedContent, [Diagnostic]) {
        var problems: [Diagnostic] = []
        var files: [SourceFile] = []
        var siteConfig: SourceFile?
        let fileManager = FileManager.default
        let rootLocation = SourceLocation(path: displayRoot)

        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: contentFolder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return (LoadedContent(siteConfig: nil, files: []), [Diagnostic(rootLocation, "content folder not found")])
        }

        for relativePath in listFiles(in: contentFolder) {
            switch loadFile(relativePath, contentFolder: contentFolder, displayRoot: displayRoot) {
            case .siteConfig(let file): siteConfig = file
            case .entry(let file): files.append(file)
            case .problem(let problem): problems.append(problem)
            }
        }

        if siteConfig == nil, !problems.contains(where: { $0.location.path.hasSuffix("/site.yaml") }) {
            problems.append(Diagnostic(SourceLocation(path: displayRoot + "/site.yaml"), "missing site.yaml: every briefing needs one, with at least 'title: …'"))
        }
        if !files.contains(where: { $0.kind == .overview }), !problems.contains(where: { $0.location.path.hasSuffix("/index.md") }) {
            problems.append(Diagnostic(SourceLocation(path: displayRoot + "/index.md"), "missing index.md: the overview page, with at least 'title: …' in its front matter"))
        }
        return (LoadedContent(siteConfig: siteConfig, files: files), problems)
    }

    /// What one file of the content folder turned out to be.
    enum LoadedFile {
        case siteConfig(SourceFile)
        case entry(SourceFile)
        case problem(Diagnostic)
    }

    /// Reads the file at `relativePath` inside the content folder and says what kind of file it is.
    static func loadFile(_ relativePath: String, contentFolder: URL, displayRoot: String) -> LoadedFile {
        let path = displayRoot + "/" + relativePath
        let location = SourceLocation(path: path)
        let components = relativePath.split(separator: "/").map(String.init)

        let kind: ContentKind
        let name: String
        if components == ["site.yaml"] {
            switch readText(contentFolder.appendingPathComponent(relativePath), path: path) {
            case .success(let text): return .siteConfig(SourceFile(path: path, relativePath: relativePath, kind: .overview, id: "site", text: text))
            case .failure(let problem): return .problem(problem)
            }
        } else if components == ["index.md"] {
            kind = .overview
            name = "index.md"
        } else if components.count == 2, let folderKind = ContentKind.allCases.first(where: { $0.folder == components[0] }) {
            kind = folderKind
            name = components[1]
        } else {
            return .problem(Diagnostic(location, unexpectedFileMessage(components)))
        }

        guard name.hasSuffix(".md") else {
            return .problem(Diagnostic(location, "unexpected file '\(name)': entries are Markdown files ending in .md"))
        }
        let id = String(name.dropLast(3))
        if kind != .overview, let problem = idProblem(id) {
            return .problem(Diagnostic(location, problem))
        }
        switch readText(contentFolder.appendingPathComponent(relativePath), path: path) {
        case .success(let text):
            return .entry(SourceFile(path: path, relativePath: relativePath, kind: kind, id: kind == .overview ? "index" : id, text: text))
        case .failure(let problem):
            return .problem(problem)
        }
    }

    // MARK: - Files

    /// Every file below `folder`, relative, sorted; hidden files and editor backups skipped.
    /// `readdir` reports each entry's type, so no file is `stat`ed.
    static func listFiles(in folder: URL) -> [String] {
        var paths: [String] = []
        func walk(_ directory: String, prefix: String) {
            guard let handle = opendir(directory) else { return }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
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

    private static func unexpectedFileMessage(_ components: [String]) -> String {
        let folders = ContentKind.allCases.compactMap(\.folder)
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
        !id.isEmpty && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && !id.hasPrefix("-") && !id.hasSuffix("-") && !id.contains("--")
    }

    static func idProblem(_ id: String) -> String? {
        guard !isValidID(id) else { return nil }
        return "invalid file name '\(id).md': use lower-case letters a-z, digits and single hyphens, e.g. '\(suggestedID(id)).md'"
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

    /// Reads a file as UTF-8 text: a UTF-8 byte-order mark is dropped, CRLF and lone CR become LF,
    /// and anything that is not UTF-8 text is an error at the line where it stops being text.
    static func readText(_ url: URL, path: String) -> Result<String, Diagnostic> {
        let location = SourceLocation(path: path)
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            if size > maximumFileSize {
                return .failure(Diagnostic(location, "file too large: \(size) bytes; the limit is \(maximumFileSize) bytes (8 MiB)"))
            }
            data = try Data(contentsOf: url)
        } catch {
            return .failure(Diagnostic(location, "cannot read file: \(error.localizedDescription)"))
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .failure(Diagnostic(location, "file is UTF-16: save it as UTF-8"))
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
