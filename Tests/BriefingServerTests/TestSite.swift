import BriefingKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small briefing in a fresh temporary folder, laid out as a project: `content/`, `templates/` with its
/// `assets/`, and room for `public/`. Deleted by `delete()`.
struct TestSite: Sendable {
    let root: URL

    init(_ files: [String: String] = TestSite.content) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-serve-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("templates/assets"), withIntermediateDirectories: true)
        try write("templates/assets/style.css", "body { margin: 0 }\n")
        try write("templates/Views.swift", "// a template\n")
        for (path, text) in files { try write("content/" + path, text) }
    }

    /// Writes a file below the site's root in place, as an editor saves, making folders as needed.
    /// Not with `Data.write`: it opens the file without `O_CLOEXEC`, and a Markdown worker another test's server spawns
    /// at that moment would get a copy of it for a moment, delaying the save's close past the start of this site's watcher.
    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LoopbackError("cannot open \(url.path): errno \(errno)") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw LoopbackError("cannot write \(url.path): errno \(errno)") }
            written += count
        }
    }

    var content: URL { root.appendingPathComponent("content") }
    var output: URL { root.appendingPathComponent("public") }

    var options: BuildOptions {
        BuildOptions(contentFolder: content.path, assetsFolder: root.appendingPathComponent("templates/assets").path,
                     outputFolder: output.path, contentDisplayPath: "content")
    }

    func outputFile(_ path: String) throws -> String {
        try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)
    }

    func delete() {
        try? FileManager.default.removeItem(at: root)
    }

    static let content: [String: String] = [
        "site.yaml": "title: Test briefing\nbase_url: https://example.org/\nas_of: \"2025-05-11\"\n",
        "index.md": "---\ntitle: Overview\n---\nSee [Putin](people/vladimir-putin.md).\n",
        "people/vladimir-putin.md": "---\nname: Vladimir Putin\nrole: President of Russia\n---\nProfile.\n",
        "sources/report.md": "---\ntitle: The report\npublisher: Unknown\n---\n",
    ]
}
