import BriefingKit
import Dispatch

/// Runs builds one at a time, on a queue of their own: a build is blocking work that must stay off the event loop
/// and the task pool. The session keeps the site in memory, so a save rebuilds only what it affects.
struct SiteRebuilder: Sendable {
    let session: SiteSession
    private let queue = DispatchQueue(label: "briefing.serve.rebuild")

    init(options: BuildOptions) {
        session = SiteSession(options: options)
    }

    /// `changedSources`: absolute paths of the content and asset files that changed; empty for the first build or
    /// when anything may have changed. The result's `write.changedPaths` decides what open pages are told.
    func build(changedSources: Set<String>) async -> Result<BuildReport, BuildError> {
        await withCheckedContinuation { continuation in
            queue.async { [session] in
                continuation.resume(returning: Result { () throws(BuildError) in try session.build(changedSources: changedSources) })
            }
        }
    }
}
