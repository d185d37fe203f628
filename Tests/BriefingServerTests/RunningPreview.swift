import BriefingKit
import BriefingServer
import Foundation
import Synchronization

/// A preview server on an ephemeral loopback port, serving a `TestSite`.
struct RunningPreview: Sendable {
    let site: TestSite
    let server: PreviewServer
    let port: Int
    let task: Task<PreviewServer.Outcome, any Error>
    /// Everything the server printed, info and errors alike.
    let log: LogRecorder

    /// Runs `body` against a fresh server on a fresh site; stops the server and deletes the site afterwards, whatever happens.
    static func with<T: Sendable>(_ files: [String: String] = TestSite.content,
                                  configure: (inout PreviewConfiguration) -> Void = { _ in },
                                  prepare: (TestSite) throws -> Void = { _ in },
                                  _ body: (RunningPreview) async throws -> T) async throws -> T {
        let site = try TestSite(files)
        defer { site.delete() }
        try prepare(site)
        let preview = try await start(site, configure: configure)
        do {
            let result = try await body(preview)
            _ = try await preview.stop()
            return result
        } catch {
            _ = try? await preview.stop()
            throw error
        }
    }

    static func start(_ site: TestSite, configure: (inout PreviewConfiguration) -> Void = { _ in }) async throws -> RunningPreview {
        let log = LogRecorder()
        var configuration = PreviewConfiguration(build: site.options, port: 0, templatesFolder: site.root.appendingPathComponent("templates"),
                                                 keepAliveInterval: .seconds(15), handlesSignals: false, log: log.log)
        configure(&configuration)
        let server = PreviewServer(configuration)
        let (ports, ready) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            defer { ready.finish() }
            return try await server.run(onReady: { ready.yield($0) })
        }
        for await port in ports {
            return RunningPreview(site: site, server: server, port: port, task: task, log: log)
        }
        _ = try await task.value
        throw LoopbackError("the server stopped before it listened")
    }

    /// Stops the server gracefully and says why it stopped.
    func stop() async throws -> PreviewServer.Outcome {
        await server.stop()
        return try await task.value
    }

    func get(_ target: String, method: String = "GET", headers: [String: String] = [:]) async throws -> HTTPReply {
        try await LoopbackHTTP.get(target, port: port, method: method, headers: headers)
    }

    func events() async throws -> EventStreamClient {
        try await EventStreamClient(port: port)
    }
}

/// Collects what a server prints.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var log: PreviewLog {
        PreviewLog(info: { line in self.lines.withLock { $0.append(line) } },
                   error: { line in self.lines.withLock { $0.append(line) } })
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
