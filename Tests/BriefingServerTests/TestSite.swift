import BriefingKit
import Foundation

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

    /// Writes a file below the site's root, making folders as needed.
    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
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
