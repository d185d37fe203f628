import Synchronization

/// Hands changes from the watcher thread to the rebuild loop. Changes that arrive during a build are merged, so the
/// loop then makes one build for all of them instead of one per batch.
final class ChangeQueue: Sendable {
    private let pending = Mutex<ChangeBatch?>(nil)
    private let ring: AsyncStream<Void>.Continuation
    /// Yields whenever there may be changes to take; rings that pile up while nobody listens count as one.
    let doorbell: AsyncStream<Void>

    init() {
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func add(_ batch: ChangeBatch) {
        pending.withLock { pending in
            if var merged = pending {
                merged.paths.formUnion(batch.paths)
                merged.firstSeen = min(merged.firstSeen, batch.firstSeen)
                pending = merged
            } else {
                pending = batch
            }
        }
        ring.yield()
    }

    func take() -> ChangeBatch? {
        pending.withLock { pending in
            defer { pending = nil }
            return pending
        }
    }

    func finish() {
        ring.finish()
    }
}
