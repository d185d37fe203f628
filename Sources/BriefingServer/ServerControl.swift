import ServiceLifecycle

/// Stops a running server from outside (`PreviewServer.stop()`) or from inside (a template changed), and remembers why.
actor ServerControl {
    private var group: ServiceGroup?
    private var stopRequested = false
    private(set) var outcome = PreviewServer.Outcome.stopped

    func attach(_ group: ServiceGroup) async {
        self.group = group
        if stopRequested { await group.triggerGracefulShutdown() }
    }

    func stop() async {
        stopRequested = true
        await group?.triggerGracefulShutdown()
    }

    func finish(with outcome: PreviewServer.Outcome) {
        self.outcome = outcome
    }
}
