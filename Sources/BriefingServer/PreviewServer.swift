import BriefingKit
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// `briefing serve`: builds the site, serves the output folder over HTTP/1.1, rebuilds on every change to the content
/// or the assets, and reloads open pages over Server-Sent Events.
public final class PreviewServer: Sendable {
    /// Why `run` returned.
    public enum Outcome: Sendable, Equatable {
        /// Stopped by a signal or by `stop()`.
        case stopped
        /// A Swift template changed (its path) and `exitOnTemplateChange` is set: recompile, then run again.
        case templatesChanged(String)
    }

    public let configuration: PreviewConfiguration
    private let control = ServerControl()

    public init(_ configuration: PreviewConfiguration) {
        self.configuration = configuration
    }

    /// Builds, serves until stopped, and says why it stopped.
    /// - Parameter onReady: called once the server listens, with the port it got (useful with port 0).
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws(PreviewError) -> Outcome {
        let log = configuration.log
        if !configuration.isLoopback {
            let drafts = configuration.build.includeDrafts ? ", drafts included" : ""
            log.error("warning: listening on \(configuration.host): anyone who can reach this machine can read the preview\(drafts). "
                + "The preview server is meant for 127.0.0.1.")
        }

        var options = configuration.build
        // Stable asset names: a CSS edit then changes the stylesheet alone, which open pages swap without a reload.
        options.fingerprintAssets = false
        // The preview is served at /, not at base_url: the 404 page, served for any missing URL, links from there.
        options.notFoundRoot = "/"
        let rebuilder = SiteRebuilder(options: options)
        let (folders, queue, watcher) = LiveReloadService.startWatching(configuration)
        let start = ContinuousClock.now
        let problems: [BuildProblem]
        switch await rebuilder.build(changedSources: []) {
        case .success(let report):
            problems = []
            log.info("Built \(report.pages) pages from \(report.entries) entries in \((ContinuousClock.now - start).milliseconds) ms.")
        case .failure(let error):
            problems = BuildProblem.list(error)
            let output = Self.display(configuration.build.outputFolder.standardizedFileURL.path)
            log.error((problems.map(\.description) + ["build failed: serving what \(output) already holds; the errors show in the "
                + "browser until the next good build"]).joined(separator: "\n"))
        }

        let hub = LiveReloadHub(serverID: Self.newServerID(), problems: problems, now: Int(Date().timeIntervalSince1970))
        let files = StaticFileResponder(root: configuration.build.outputFolder.standardizedFileURL.path)
        let access = EditorAccess(host: configuration.host, editToken: configuration.editToken)
        let editor = configuration.servesEditor ? EditorResponder(access: access, session: rebuilder.session) : nil
        if configuration.editing, editor == nil {
            log.error("warning: the editor is off: on \(configuration.host) it would let anyone who reaches this machine change the content. "
                + "Pass --edit-token TOKEN to turn it on, guarded by that token.")
        }
        let responder = PreviewResponder(files: files, hub: hub, editor: editor, loopbackOnly: configuration.isLoopback)
        var logger = Logger(label: "briefing.serve")
        logger.logLevel = .critical
        let host = configuration.host
        let limits = ConnectionLimits(idleTimeout: configuration.idleTimeout, descriptorLimit: ConnectionLimits.raiseDescriptorLimit())
        let app = Application(
            responder: responder,
            server: .http1(configuration: limits.channel),
            configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port), backlog: limits.backlog,
                                                    availableConnectionsDelegate: .maximum(limits.maximumConnections, logger: logger)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                access.listening(on: port)
                let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
                log.info("Serving \(Self.display(responder.files.root)) at http://\(shownHost):\(port)/ (Ctrl-C to stop).")
                if editor != nil {
                    log.info("Editor at http://\(shownHost):\(port)\(EditorRoutes.root)\(access.editToken != nil ? "?edit_token=…" : "")")
                }
                await onReady(port)
            },
            logger: logger
        )
        let service = LiveReloadService(configuration: configuration, hub: hub, rebuilder: rebuilder, outcome: control,
                                        folders: folders, queue: queue, watcher: watcher)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: app),
                // Shut down first (services stop in reverse order): it ends the event streams the HTTP server would wait for.
                .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: configuration.handlesSignals ? [.sigterm, .sigint] : [],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        await control.attach(group)
        do {
            try await group.run()
        } catch {
            watcher?.stop()
            throw PreviewError(listening: error, host: host, port: configuration.port)
        }
        let outcome = await control.outcome
        if outcome == .stopped { log.info("Stopped.") }
        return outcome
    }

    /// Stops a running server gracefully: event streams end, open requests finish, the port is released.
    public func stop() async {
        await control.stop()
    }

    private static func newServerID() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 36)
    }

    private static func display(_ path: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        return path.hasPrefix(current + "/") ? String(path.dropFirst(current.count + 1)) + "/" : path + "/"
    }
}

/// The server could not start or failed while running.
public struct PreviewError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(listening error: any Error, host: String, port: Int) {
        let address = "\(host):\(port)"
        if let error = error as? IOError {
            switch error.errnoCode {
            case EADDRINUSE:
                description = "port \(port) is already in use on \(host) (another `briefing serve`?): stop it, or pass --port with "
                    + "another number (--port 0 picks a free one)"
                return
            case EACCES:
                description = "not allowed to listen on \(address): ports below 1024 need privileges; pass --port 8000 or higher"
                return
            case EADDRNOTAVAIL:
                description = "cannot listen on \(address): no network interface has that address"
                return
            default:
                break
            }
        }
        description = "cannot serve on \(address): \(error)"
    }
}
