/// The open live-reload streams and the build status they share.
///
/// Every stream starts with the current status, so a page opened while the build is broken shows the errors at once.
/// `close()` ends every stream: the HTTP server's graceful shutdown waits for open responses, and an event stream never ends by itself.
actor LiveReloadHub {
    private let serverID: String
    private var counter = 1
    private(set) var status: BuildStatus
    private var subscribers: [Int: AsyncStream<ServerEvent>.Continuation] = [:]
    private var nextSubscriber = 0
    private var isClosed = false

    /// - Parameter serverID: tells this server's versions from those of an earlier run.
    init(serverID: String, problems: [BuildProblem], now: Int) {
        self.serverID = serverID
        status = BuildStatus(version: "\(serverID)-1", publishedAt: now, problems: problems)
    }

    var subscriberCount: Int { subscribers.count }

    func subscribe() -> AsyncStream<ServerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ServerEvent.self, bufferingPolicy: .bufferingNewest(64))
        continuation.yield(.status(status))
        guard !isClosed else {
            continuation.finish()
            return stream
        }
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return stream
    }

    /// Records a good build and tells every page what to do about it.
    func buildSucceeded(changed: [String], now: Int) {
        if changed.isEmpty {
            guard !status.ok else { return }
            status.problems = []
            broadcast(.status(status))
            return
        }
        counter += 1
        status = BuildStatus(version: "\(serverID)-\(counter)", publishedAt: now, problems: [])
        broadcast(.reload(version: status.version, changed: changed))
    }

    /// Records a failed build; the output, and so the version, stays as it was.
    func buildFailed(_ problems: [BuildProblem]) {
        status.problems = problems
        broadcast(.buildError(version: status.version, problems: problems))
    }

    func keepAlive() {
        broadcast(.keepAlive)
    }

    func close() {
        isClosed = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    private func broadcast(_ event: ServerEvent) {
        for continuation in subscribers.values { continuation.yield(event) }
    }

    private func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }
}
