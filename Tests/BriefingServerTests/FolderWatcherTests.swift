@testable import BriefingServer
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The watcher on its own, without a server.
@Suite struct FolderWatcherTests {
    #if os(Linux)
    /// When the kernel refuses inotify watches (on a busy machine, fs.inotify.max_user_watches is reached), the watcher
    /// polls every folder instead. Before, it watched none, told the server "anything may have changed" every second and
    /// rebuilt for nothing, while real saves went unseen.
    @Test func refusedWatchesFallBackToPolling() async throws {
        let site = try TestSite()
        defer { site.delete() }
        let seen = Mutex<[Set<String>]>([])
        // inotify_add_watch refuses a descriptor that is not an inotify instance, as it refuses one past the limit.
        let watcher = try FolderWatcher(folders: [site.content.path], debounce: .milliseconds(20), mode: .automatic,
                                        openInotify: { open("/dev/null", O_RDONLY | O_CLOEXEC) }) { batch in
            seen.withLock { $0.append(batch.paths) }
        }
        defer { watcher.stop() }
        #expect(watcher.method.hasPrefix("polling every 500 ms; inotify cannot watch \(site.content.path): "), "\(watcher.method)")

        try await Task.sleep(for: .milliseconds(1_200))
        #expect(seen.withLock { $0 } == [], "nothing was saved, yet the watcher reported changes")

        let saved = site.content.appendingPathComponent("people/vladimir-putin.md").path
        try site.write("content/people/vladimir-putin.md", "---\nname: Vladimir Putin\nrole: President\n---\nEdited.\n")
        let deadline = ContinuousClock.now + .seconds(5)
        while seen.withLock({ $0.isEmpty }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        // A poll can land between the truncation and the write of the save, and report it twice; never anything else.
        let batches = seen.withLock { $0 }
        #expect(!batches.isEmpty && batches.allSatisfy { $0 == [saved] }, "\(batches)")
    }
    #endif
}
