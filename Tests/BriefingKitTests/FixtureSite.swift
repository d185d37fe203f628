import BriefingKit
import Foundation

/// A briefing written into a fresh temporary folder: `content/`, `templates/assets/`, and room for `public/`.
struct FixtureSite {
    let root: URL

    init(_ files: [String: String] = FixtureSite.minimal) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FixtureSite.repository.appendingPathComponent("templates/assets"),
                                         to: root.appendingPathComponent("templates/assets"))
        for (path, text) in files { try write(path, text) }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent("content").appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent("content").appendingPathComponent(path))
    }

    var options: BuildOptions {
        var options = BuildOptions(contentFolder: root.appendingPathComponent("content").path,
                                   assetsFolder: root.appendingPathComponent("templates/assets").path,
                                   outputFolder: output.path, contentDisplayPath: "content")
        // Images are processed in worker processes of the briefing executable, as `briefing build` does.
        options.images.worker = BriefingProcess.executable
        return options
    }

    var output: URL { root.appendingPathComponent("public") }

    /// The processed images' cache (the default: beside the output folder).
    var imageCache: URL { root.appendingPathComponent(".briefing-cache/images") }

    @discardableResult
    func build() throws(BuildError) -> BuildReport {
        try SiteBuilder.build(options)
    }

    /// The diagnostics of a build that must fail, as printed.
    func errors() -> [String] {
        do {
            try build()
            return []
        } catch .content(let failure) {
            return failure.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    func page(_ path: String) throws -> String {
        try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every file of the output with its bytes.
    func snapshot() -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: output.path) else { return files }
        while let path = enumerator.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: output.appendingPathComponent(path).path),
               enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
                files[path] = data
            }
        }
        return files
    }

    func delete() {
        try? FileManager.default.removeItem(at: root)
    }

    // MARK: - Content

    static let minimal: [String: String] = [
        "site.yaml": "title: Test briefing\nbase_url: https://news.example/briefing/\nas_of: \"2025-05-11\"\n",
        "index.md": "---\ntitle: Overview\n---\nSee [Putin](people/vladimir-putin.md).\n",
        "people/vladimir-putin.md": "---\nname: Vladimir Putin\nrole: President of Russia\n---\nProfile.\n",
        "sources/report.md": "---\ntitle: The report\npublisher: Unknown\n---\n",
    ]

    /// Every page kind and relation: two people, quotes, events, a source, topics, a page.
    static let full: [String: String] = [
        "site.yaml": "title: Test briefing\ndescription: A test.\nbase_url: https://news.example/briefing/\nas_of: \"2025-05-11\"\n",
        "index.md": """
            ---
            title: The story at a glance
            summary: Two leaders, one city.
            ---
            [Zelenskyy](people/volodymyr-zelenskyy.md) proposed talks; [Putin](/people/vladimir-putin.md) had [said](quotes/putin-ready.md) he is ready.
            See the [timeline](timeline/) and the [offer](timeline/offer.md#what-was-offered).

            """,
        "people/vladimir-putin.md": "---\nname: Vladimir Putin\nrole: President of Russia\ncountry: Russia\n---\nSee [Zelenskyy](volodymyr-zelenskyy.md).\n",
        "people/volodymyr-zelenskyy.md": "---\nname: Volodymyr Zelenskyy\nrole: President of Ukraine\naliases: [Zelensky]\n---\nProfile.\n",
        "people/kyiv.md": "---\nname: Kyiv\nrole: Ukrainian government\nkind: government\n---\n",
        "quotes/putin-ready.md": """
            ---
            speaker: vladimir-putin
            text: "We are ready for serious talks with Ukraine"
            date: "2025-05-11"
            source: report
            event: statement
            medium: late-night statement
            topics: [talks-first]
            ---
            Context for [the statement](../timeline/statement.md).

            """,
        "quotes/zelenskyy-waiting.md": """
            ---
            speaker: volodymyr-zelenskyy
            text: "I will be waiting for Putin in Türkiye on Thursday."
            date: "2025-05-11"
            source: report
            event: offer
            topics: [ceasefire-first, talks-first]
            ---

            """,
        "quotes/kyiv-pr.md": "---\nspeaker: kyiv\ntext: cynical PR move\ndate: \"2025-05\"\nsource: report\n---\n",
        "timeline/invasion.md": "---\ntitle: Full-scale invasion\ndate: \"2022-02-24\"\npeople: [vladimir-putin]\n---\n",
        "timeline/istanbul-2022.md": "---\ntitle: Istanbul talks fail\ndate: \"2022-03\"\n---\n",
        "timeline/statement.md": "---\ntitle: Putin's statement\ndate: \"2025-05-11\"\ntime: late night\nweight: 1\npeople: [vladimir-putin]\nsources: [report]\ntopics: [talks-first]\n---\n",
        "timeline/offer.md": """
            ---
            title: Zelenskyy's offer
            date: "2025-05-11"
            weight: 2
            people: [volodymyr-zelenskyy, vladimir-putin]
            sources: [report]
            ---
            ## What was offered

            A meeting in [Istanbul](#what-was-offered).

            """,
        "timeline/may.md": "---\ntitle: Sometime in May\ndate: \"2025-05\"\n---\n",
        "sources/report.md": "---\ntitle: The report\npublisher: Not stated\n---\n",
        "topics/talks-first.md": "---\ntitle: Talks first\nsummary: Negotiate now.\n---\n",
        "topics/ceasefire-first.md": "---\ntitle: Ceasefire first\n---\n",
        "pages/about.md": "---\ntitle: About\n---\nMethod. Back to the [overview](../index.md).\n",
    ]
}
