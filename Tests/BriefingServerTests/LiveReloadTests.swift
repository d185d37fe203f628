import BriefingServer
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Watching, rebuilding and telling open pages, end to end: a file is saved, a real event stream reports it.
@Suite struct LiveReloadTests {
    static let editedPutin = "---\nname: Vladimir Putin\nrole: President of Russia\n---\nProfile, edited while serving.\n"

    @Test func streamStartsWithStatusAndRetry() async throws {
        try await RunningPreview.with { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(stream.headers["content-type"] == "text/event-stream; charset=utf-8")
            #expect(stream.headers["cache-control"] == "no-cache")
            let status = try await stream.next("status").payload
            #expect(status.ok == true)
            #expect(status.errors == [])
            let page = try await preview.get("/")
            #expect(page.text.contains("data-build=\"\(status.version)\""))
            #expect(stream.retry == 1000)
        }
    }

    @Test func savedContentIsRebuiltAndOpenPagesAreTold() async throws {
        try await RunningPreview.with { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            let before = try await stream.next("status").payload

            try preview.site.write("content/people/vladimir-putin.md", Self.editedPutin)
            let event = try await stream.next("reload")

            let reload = try event.payload
            #expect(reload.version != before.version)
            #expect(reload.changed?.contains("people/vladimir-putin/index.html") == true)
            let page = try await preview.get("/people/vladimir-putin/")
            #expect(page.text.contains("Profile, edited while serving."))
            #expect(page.text.contains("data-build=\"\(reload.version)\""))
        }
    }

    @Test func onlyCSSChangedIsSaidSo() async throws {
        try await RunningPreview.with { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            _ = try await stream.next("status")
            try preview.site.write("templates/assets/style.css", "body { margin: 1rem }\n")
            let reload = try await stream.next("reload").payload
            #expect(reload.changed == ["assets/style.css"])
            #expect(try await preview.get("/assets/style.css").text == "body { margin: 1rem }\n")
        }
    }

    @Test func newFoldersAreWatched() async throws {
        try await RunningPreview.with { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            _ = try await stream.next("status")
            try preview.site.write("content/quotes/putin-ready.md", """
                ---
                speaker: vladimir-putin
                text: "We are ready for serious talks"
                date: "2025-05-11"
                source: report
                ---

                """)
            let reload = try await stream.next("reload").payload
            #expect(reload.changed?.contains("quotes/putin-ready/index.html") == true)
            try preview.site.write("content/quotes/putin-again.md", "---\nspeaker: vladimir-putin\ntext: \"Again\"\ndate: \"2025-05-12\"\nsource: report\n---\n")
            let second = try await stream.next("reload").payload
            #expect(second.changed?.contains("quotes/putin-again/index.html") == true)
        }
    }

    @Test func brokenBuildKeepsTheLastGoodSiteAndShowsTheErrors() async throws {
        try await RunningPreview.with { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            let good = try await stream.next("status").payload
            let goodPage = try await preview.get("/people/vladimir-putin/")

            try preview.site.write("content/people/vladimir-putin.md", "---\nname: Vladimir Putin\n---\nProfile, broken.\n")
            let failure = try await stream.next("build-error").payload
            #expect(failure.version == good.version)
            #expect(failure.ok == false)
            let problem = try #require(failure.errors?.first)
            #expect(problem.path == "content/people/vladimir-putin.md")
            #expect(problem.line >= 1 && problem.column >= 1)
            #expect(problem.message.contains("role"))
            #expect(preview.log.text.contains("content/people/vladimir-putin.md:\(problem.line):\(problem.column): error: \(problem.message)"))

            // The last good page is still served, byte for byte.
            let stillServed = try await preview.get("/people/vladimir-putin/")
            #expect(stillServed.status == 200)
            #expect(stillServed.body == goodPage.body)

            // A page opened now learns about the errors as soon as it connects.
            let late = try await preview.events()
            defer { late.close() }
            let lateStatus = try await late.next("status").payload
            #expect(lateStatus.ok == false)
            #expect(lateStatus.errors == failure.errors)
            #expect(lateStatus.version == good.version)

            // Putting the file back as it was changes no output: the errors clear without a reload.
            try preview.site.write("content/people/vladimir-putin.md", TestSite.content["people/vladimir-putin.md"]!)
            let recovered = try await stream.next("status").payload
            #expect(recovered.ok == true)
            #expect(recovered.version == good.version)

            // Breaking and fixing it with a change reloads.
            try preview.site.write("content/people/vladimir-putin.md", "---\nname: Vladimir Putin\n---\n")
            _ = try await stream.next("build-error")
            try preview.site.write("content/people/vladimir-putin.md", Self.editedPutin)
            let reload = try await stream.next("reload").payload
            #expect(reload.version != good.version)
        }
    }

    @Test func startsEvenWhenTheFirstBuildFails() async throws {
        var files = TestSite.content
        files["people/vladimir-putin.md"] = "---\nname: Vladimir Putin\n---\n"
        try await RunningPreview.with(files) { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            let status = try await stream.next("status").payload
            #expect(status.ok == false)
            #expect(status.errors?.first?.path == "content/people/vladimir-putin.md")

            // Nothing was ever built: every page is the fallback 404, which carries the script and so the errors.
            let page = try await preview.get("/")
            #expect(page.status == 404)
            #expect(page.text.contains("/__briefing/reload.js"))

            try preview.site.write("content/people/vladimir-putin.md", Self.editedPutin)
            let reload = try await stream.next("reload").payload
            #expect(reload.changed?.contains("index.html") == true)
            #expect(try await preview.get("/").status == 200)
        }
    }

    @Test func keepAliveComments() async throws {
        try await RunningPreview.with(configure: { $0.keepAliveInterval = .milliseconds(30) }) { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            _ = try await stream.next("status")
            let deadline = ContinuousClock.now + .seconds(3)
            while stream.comments < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(stream.comments >= 2)
        }
    }

    @Test func pollingWatcherRebuildsToo() async throws {
        try await RunningPreview.with(configure: { $0.watchMode = .polling(interval: .milliseconds(40)) }) { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            _ = try await stream.next("status")
            try preview.site.write("content/people/vladimir-putin.md", Self.editedPutin)
            let reload = try await stream.next("reload").payload
            #expect(reload.changed?.contains("people/vladimir-putin/index.html") == true)
        }
    }

    @Test func burstOfSavesIsOneRebuild() async throws {
        // Five saves well inside one debounce window, then one more change after the reload: two rebuilds in all,
        // the first already showing the last of the five saves.
        try await RunningPreview.with(configure: { $0.debounce = .seconds(1) }) { preview in
            let stream = try await preview.events()
            defer { stream.close() }
            _ = try await stream.next("status")
            for index in 1...5 {
                try preview.site.write("content/people/vladimir-putin.md", "---\nname: Vladimir Putin\nrole: President\n---\nEdit \(index).\n")
            }
            let first = try await stream.next("reload").payload
            #expect(first.changed?.contains("people/vladimir-putin/index.html") == true)
            #expect(try await preview.get("/people/vladimir-putin/").text.contains("Edit 5."))

            try preview.site.write("content/sources/report.md", "---\ntitle: The report\npublisher: After the burst\n---\n")
            let second = try await stream.next("reload").payload
            #expect(second.changed?.contains("sources/report/index.html") == true)
            #expect(second.changed?.contains("people/vladimir-putin/index.html") == false)
            // The log line follows the reload event; rebuilds run one after another, so any from the burst came before.
            func rebuilds() -> Int { preview.log.text.components(separatedBy: "Rebuilt in ").count - 1 }
            let deadline = ContinuousClock.now + .seconds(10)
            while rebuilds() < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(rebuilds() == 2, "\(preview.log.text)")
        }
    }

    @Test func shutdownEndsOpenStreamsAndReleasesThePort() async throws {
        let site = try TestSite()
        defer { site.delete() }
        let preview = try await RunningPreview.start(site)
        let streams = [try await preview.events(), try await preview.events()]
        for stream in streams { _ = try await stream.next("status") }

        #expect(try await preview.stop() == .stopped)
        for stream in streams { try await stream.waitUntilEnded(timeout: .seconds(1)) }
        await #expect(throws: LoopbackError.self) { try await preview.get("/") }

        // The same port can be taken again at once.
        let again = try await RunningPreview.start(site) { $0.port = preview.port }
        #expect(again.port == preview.port)
        #expect(try await again.get("/").status == 200)
        _ = try await again.stop()
    }

    @Test func portInUseIsReportedClearly() async throws {
        try await RunningPreview.with { preview in
            let other = try TestSite()
            defer { other.delete() }
            var configuration = PreviewConfiguration(build: other.options, port: preview.port, handlesSignals: false, log: .silent)
            configuration.debounce = .milliseconds(10)
            let error = await #expect(throws: PreviewError.self) { try await PreviewServer(configuration).run() }
            #expect(error?.description.contains("port \(preview.port) is already in use") == true)
        }
    }

    @Test func templateChangeStopsTheServerForARestart() async throws {
        let site = try TestSite()
        defer { site.delete() }
        let preview = try await RunningPreview.start(site) { $0.exitOnTemplateChange = true }
        let stream = try await preview.events()
        _ = try await stream.next("status")
        try site.write("templates/Views.swift", "// changed\n")
        let outcome = try await preview.task.value
        #expect(outcome == .templatesChanged(site.root.appendingPathComponent("templates/Views.swift").resolvingSymlinksInPath().path))
        try await stream.waitUntilEnded(timeout: .seconds(1))
    }

    @Test func templateChangeWithoutRestartOnlyWarns() async throws {
        try await RunningPreview.with { preview in
            try preview.site.write("templates/Views.swift", "// changed\n")
            let deadline = ContinuousClock.now + .seconds(3)
            while !preview.log.text.contains("Views.swift changed"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(preview.log.text.contains("templates/Views.swift changed") || preview.log.text.contains("Views.swift changed"))
            #expect(try await preview.get("/").status == 200)
        }
    }
}
