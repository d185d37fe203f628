import BriefingKit
import Foundation
import ServiceLifecycle

/// Watches the sources, rebuilds the site one build at a time, and tells open pages through the hub.
/// Returns (and so shuts the server down gracefully) when a Swift template changes and the configuration asks for a restart.
struct LiveReloadService: Service {
    let configuration: PreviewConfiguration
    let hub: LiveReloadHub
    let rebuilder: SiteRebuilder
    let outcome: ServerControl
    let folders: WatchedFolders
    /// Fed by `watcher`, which is started before the first build so that no save after it goes unseen.
    let queue: ChangeQueue
    let watcher: FolderWatcher?

    /// Starts watching `folders`; changes wait in `queue` until the service runs.
    static func startWatching(_ configuration: PreviewConfiguration) -> (WatchedFolders, ChangeQueue, FolderWatcher?) {
        let folders = WatchedFolders(configuration)
        let queue = ChangeQueue()
        do {
            let watcher = try FolderWatcher(folders: folders.roots, debounce: configuration.debounce, mode: configuration.watchMode) {
                queue.add($0)
            }
            configuration.log.info("Watching \(folders.described) (\(watcher.method)).")
            return (folders, queue, watcher)
        } catch {
            configuration.log.error("warning: not watching for changes: \(error)")
            return (folders, queue, nil)
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await rebuildLoop() }
                group.addTask { await keepAliveLoop() }
                await group.next()
                group.cancelAll()
            }
        }
        watcher?.stop()
        queue.finish()
        await hub.close()
    }

    private func keepAliveLoop() async {
        while (try? await Task.sleep(for: configuration.keepAliveInterval)) != nil {
            await hub.keepAlive()
        }
    }

    private func rebuildLoop() async {
        for await _ in queue.doorbell {
            guard let batch = queue.take() else { continue }
            let change = folders.classify(batch.paths)
            if let template = change.templates.first {
                if configuration.exitOnTemplateChange {
                    configuration.log.info("\(folders.display(template)) changed: stopping so the templates are recompiled.")
                    await outcome.finish(with: .templatesChanged(template))
                    return
                }
                configuration.log.error("warning: \(folders.display(template)) changed: the running server keeps the templates it was "
                    + "compiled with. `make serve` recompiles and restarts by itself.")
            }
            guard change.needsRebuild else { continue }
            await rebuild(change.sources, since: batch.firstSeen)
        }
    }

    private func rebuild(_ sources: Set<String>, since firstSeen: ContinuousClock.Instant) async {
        let start = ContinuousClock.now
        let result = await rebuilder.build(changedSources: sources)
        let now = Int(Date().timeIntervalSince1970)
        switch result {
        case .success(let report):
            await hub.buildSucceeded(changed: report.write.changedPaths, now: now)
            let changed = report.write.changedPaths
            let list = changed.prefix(3).joined(separator: ", ") + (changed.count > 3 ? ", …" : "")
            configuration.log.info("Rebuilt in \((ContinuousClock.now - start).milliseconds) ms, "
                + "\((ContinuousClock.now - firstSeen).milliseconds) ms after the change: "
                + (changed.isEmpty ? "no output changed." : "\(changed.count) file\(changed.count == 1 ? "" : "s") changed (\(list))."))
        case .failure(let error):
            let problems = BuildProblem.list(error)
            await hub.buildFailed(problems)
            let count = problems.count == 1 ? "1 error" : "\(problems.count) errors"
            configuration.log.error((problems.map(\.description) + ["build failed: \(count); still serving the last good site"])
                .joined(separator: "\n"))
        }
    }
}

/// The folders the preview watches, resolved, and what a change below each means.
struct WatchedFolders: Sendable {
    let content: String
    let assets: String
    let templates: String?
    /// What the watcher is given: no folder inside another.
    let roots: [String]

    init(_ configuration: PreviewConfiguration) {
        func resolve(_ url: URL) -> String { url.standardizedFileURL.resolvingSymlinksInPath().path }
        content = resolve(configuration.build.contentFolder)
        assets = resolve(configuration.build.assetsFolder)
        templates = configuration.templatesFolder.map(resolve)
        var roots: [String] = []
        for folder in [content, templates, assets].compactMap({ $0 })
        where !roots.contains(where: { folder == $0 || folder.hasPrefix($0 + "/") }) {
            roots.append(folder)
        }
        self.roots = roots
    }

    struct Change {
        /// Changed content and asset files; empty when anything may have changed.
        var sources: Set<String> = []
        var templates: [String] = []
        var needsRebuild = false
    }

    func classify(_ paths: Set<String>) -> Change {
        var change = Change()
        for path in paths.sorted() {
            if path.isEmpty || Self.isInside(path, content) || Self.isInside(path, assets) {
                change.needsRebuild = true
                if !path.isEmpty { change.sources.insert(path) }
            } else if let templates, Self.isInside(path, templates), path.hasSuffix(".swift") {
                change.templates.append(path)
            }
        }
        // An empty path means the watcher lost track (e.g. its queue overflowed): anything may have changed.
        if paths.contains("") { change.sources = [] }
        return change
    }

    var described: String {
        ([content, assets] + (templates.map { [$0 + "/*.swift"] } ?? [])).map(display).joined(separator: ", ")
    }

    /// A path relative to the current folder where it is below it, as editors see it.
    func display(_ path: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        let resolved = URL(fileURLWithPath: current).resolvingSymlinksInPath().path
        for base in [current, resolved] where path.hasPrefix(base + "/") {
            return String(path.dropFirst(base.count + 1))
        }
        return path
    }

    private static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder + "/")
    }
}
