import Foundation

/// One server shared by the tests of a suite that only read from it, started by the first test that needs it and
/// stopped (its site deleted) when the last one running lets go. Saves a build and a server per test case.
actor SharedPreview {
    private let prepare: @Sendable (TestSite) throws -> Void
    private let started: @Sendable (RunningPreview) throws -> Void
    private var running: Task<RunningPreview, any Error>?
    private var users = 0

    /// - Parameters:
    ///   - prepare: changes the site before the server builds it.
    ///   - started: changes it once the server runs (without triggering a rebuild).
    init(prepare: @escaping @Sendable (TestSite) throws -> Void = { _ in },
         started: @escaping @Sendable (RunningPreview) throws -> Void = { _ in }) {
        self.prepare = prepare
        self.started = started
    }

    nonisolated func use<T: Sendable>(_ body: (RunningPreview) async throws -> T) async throws -> T {
        let preview = try await acquire()
        do {
            let result = try await body(preview)
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async throws -> RunningPreview {
        users += 1
        if running == nil {
            let (prepare, started) = (prepare, started)
            running = Task {
                let site = try TestSite()
                do {
                    try prepare(site)
                    let preview = try await RunningPreview.start(site)
                    do {
                        try started(preview)
                    } catch {
                        _ = try? await preview.stop()
                        throw error
                    }
                    return preview
                } catch {
                    site.delete()
                    throw error
                }
            }
        }
        do {
            return try await running!.value
        } catch {
            await release()
            throw error
        }
    }

    private func release() async {
        users -= 1
        guard users == 0, let task = running else { return }
        running = nil
        if let preview = try? await task.value {
            _ = try? await preview.stop()
            preview.site.delete()
        }
    }
}
