import BriefingKit
import Foundation
import Testing

/// A save that makes cmark-gfm take minutes must not freeze the preview: the last good site stays served while the
/// rebuild waits for its Markdown worker, and the rebuild ends at the timeout with the file's error in the browser.
@Suite struct HostileMarkdownPreviewTests {
    @Test func aStuckRenderEndsInAnErrorWhilePagesStayServed() async throws {
        let workers = MarkdownWorkerSettings(executable: try Self.briefingExecutable(), arguments: ["markdown-worker"], deadline: .seconds(3))
        try await RunningPreview.with(configure: { $0.build.markdownWorkers = workers }) { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            let good = try await stream.next("status").payload
            let goodPage = try await preview.get("/people/vladimir-putin/")

            // Quadratic in cmark-gfm: 30,000 repeats took 2 s with jemalloc, so twice as many, for about four times as long.
            try preview.site.write("content/pages/hostile.md", "---\ntitle: Hostile\n---\n" + String(repeating: "![[]()", count: 60_000))
            try await Task.sleep(for: .milliseconds(500))
            let during = try await preview.get("/people/vladimir-putin/")
            #expect(during.status == 200)
            #expect(during.body == goodPage.body)
            // Served while the render was still stuck: the rebuild has not ended yet.
            await #expect(throws: LoopbackError.self) { try await stream.next("build-error", timeout: .milliseconds(1)) }

            let failure = try await stream.next("build-error", timeout: .seconds(60)).payload
            #expect(failure.version == good.version)
            let problem = try #require(failure.errors?.first)
            #expect(problem.path == "content/pages/hostile.md")
            #expect(problem.line == 4 && problem.column == 1)
            #expect(problem.message.hasPrefix("Markdown body took longer than 3 s to render and was stopped"))

            // Fixing the file rebuilds with fresh workers.
            try preview.site.write("content/pages/hostile.md", "---\ntitle: Hostile\n---\nNow harmless.\n")
            let reload = try await stream.next("reload", timeout: .seconds(30)).payload
            #expect(reload.version != good.version)
            #expect(try preview.site.outputFile("hostile/index.html").contains("Now harmless."))
        }
    }

    /// The `briefing` executable SwiftPM built next to this test bundle.
    static func briefingExecutable() throws -> URL {
        var folders = [Bundle.main.bundleURL.deletingLastPathComponent()]
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.insert(URL(fileURLWithPath: own).deletingLastPathComponent(), at: 0)
        }
        guard let found = folders.map({ $0.appendingPathComponent("briefing") }).first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else { throw CocoaError(.fileNoSuchFile) }
        return found
    }
}
