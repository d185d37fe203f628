import BriefingKit
import Dispatch

/// Runs builds one at a time, on a queue of their own: a build is ~100 ms of blocking work that must stay off the
/// event loop and the task pool.
struct SiteRebuilder: Sendable {
    let options: BuildOptions
    private let queue = DispatchQueue(label: "briefing.serve.rebuild")

    init(options: BuildOptions) {
        self.options = options
    }

    func build(changedSources: Set<String>) async -> Result<BuildReport, BuildError> {
        await withCheckedContinuation { continuation in
            queue.async { [options] in
                continuation.resume(returning: Self.rebuild(options, changedSources: changedSources))
            }
        }
    }

    /// The one place the preview server builds the site. Today every rebuild is a full build (about 100 ms for the
    /// shipped briefing); an incremental build can take its place here, using `changedSources` (absolute paths of the
    /// content and asset files that changed; empty for the first build or when anything may have changed).
    /// The result's `write.changedPaths` decides what open pages are told.
    static func rebuild(_ options: BuildOptions, changedSources: Set<String>) -> Result<BuildReport, BuildError> {
        Result { () throws(BuildError) in try SiteBuilder.build(options) }
    }
}
