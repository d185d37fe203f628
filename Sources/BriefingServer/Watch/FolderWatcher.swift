import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Changes seen in the watched folders, gathered until they were quiet for the debounce interval.
struct ChangeBatch: Sendable {
    /// Absolute paths of changed files and folders; "" when the kernel dropped events and anything may have changed.
    var paths: Set<String>
    /// When the first change of the batch was seen, to measure the time from a save to the reload.
    var firstSeen: ContinuousClock.Instant
}

/// Watches folders recursively on a thread of its own, so blocking reads never hold up the event loop or the task pool:
/// inotify on Linux, and polling of modification times where inotify is missing or fails.
final class FolderWatcher: Sendable {
    /// How the folders are actually watched, for the log.
    let method: String
    /// The write end of a pipe the thread polls next to inotify; closing the watcher writes to it.
    private let wakeup: Mutex<Int32?>

    /// How often folders are polled when inotify cannot watch them.
    static let fallbackPollInterval = Duration.milliseconds(500)

    /// Starts watching `folders` (absolute, resolved paths) and calls `onChange` from the watcher thread.
    /// - Parameter openInotify: opens the inotify instance; tests pass one the kernel will refuse watches on.
    init(folders: [String], debounce: Duration, mode: PreviewConfiguration.WatchMode, openInotify: (() -> Int32?)? = nil,
         onChange: @escaping @Sendable (ChangeBatch) -> Void) throws(WatchError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw WatchError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        wakeup = Mutex(writeEnd)

        let debounceMilliseconds = Int32(max(1, debounce.milliseconds))
        var pollInterval: Duration?
        if case .polling(let interval) = mode { pollInterval = interval }
        var whyNotInotify: String?
        #if os(Linux)
        if pollInterval == nil {
            if let inotify = (openInotify ?? InotifyWatch.descriptor)() {
                switch InotifyWatch.watchTrees(folders, descriptor: inotify) {
                case .success(let watched):
                    method = "inotify"
                    Thread.detachNewThread {
                        let watch = InotifyWatch(descriptor: inotify, roots: folders, folders: watched)
                        Self.inotifyLoop(watch, wakeup: readEnd, debounce: debounceMilliseconds, onChange: onChange)
                        close(readEnd)
                    }
                    return
                case .failure(let refusal):
                    // Watching only some folders would miss saves in the others.
                    close(inotify)
                    whyNotInotify = refusal.description
                }
            } else {
                whyNotInotify = "inotify is unavailable: \(String(cString: strerror(errno)))"
            }
        }
        #endif
        let interval = pollInterval ?? Self.fallbackPollInterval
        method = "polling every \(interval.milliseconds) ms" + (whyNotInotify.map { "; \($0)" } ?? "")
        let first = FolderSnapshot(folders)
        Thread.detachNewThread {
            Self.pollingLoop(folders, from: first, interval: Int32(max(1, interval.milliseconds)), wakeup: readEnd, onChange: onChange)
            close(readEnd)
        }
    }

    /// Stops the thread; safe to call more than once.
    func stop() {
        wakeup.withLock { end in
            guard let descriptor = end else { return }
            var byte: UInt8 = 1
            _ = write(descriptor, &byte, 1)
            close(descriptor)
            end = nil
        }
    }

    deinit { stop() }

    // MARK: - Loops (on the watcher thread)

    #if os(Linux)
    private static func inotifyLoop(_ watch: InotifyWatch, wakeup: Int32, debounce: Int32,
                                    onChange: @Sendable (ChangeBatch) -> Void) {
        var pending = Set<String>()
        var firstSeen: ContinuousClock.Instant?
        // A stream of changes that never pauses (a long checkout) is still built every so often.
        let longest = Duration.milliseconds(max(500, Int(debounce) * 20))
        while true {
            if watch.refusal != nil {
                // A folder made since the start could not be watched: build once for whatever was missed, then poll.
                onChange(ChangeBatch(paths: [""], firstSeen: firstSeen ?? .now))
                pollingLoop(watch.roots, from: FolderSnapshot(watch.roots), interval: Int32(fallbackPollInterval.milliseconds),
                            wakeup: wakeup, onChange: onChange)
                return
            }
            var descriptors = [pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: watch.descriptor, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, 2, pending.isEmpty ? 1000 : debounce)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[0].revents != 0 { return }
            if descriptors[1].revents != 0 {
                let changed = watch.drain()
                if !changed.isEmpty {
                    pending.formUnion(changed)
                    if firstSeen == nil { firstSeen = .now }
                }
                if let first = firstSeen, ContinuousClock.now - first < longest { continue }
            } else if !watch.beingWritten.isEmpty, let first = firstSeen, ContinuousClock.now - first < longest {
                // Quiet, but a file is still open for writing: wait for it to be closed rather than build from half of it.
                continue
            } else if pending.isEmpty {
                // Quiet: a watched folder that was deleted and made again (a checkout, a restore) is watched again.
                if watch.watchMissingRoots() {
                    pending.insert("")
                    firstSeen = .now
                }
                continue
            }
            if let first = firstSeen, !pending.isEmpty {
                onChange(ChangeBatch(paths: pending, firstSeen: first))
            }
            // A write that never closes (truncate(2), a crashed editor) must not delay every later batch.
            watch.forgetWrites()
            pending.removeAll()
            firstSeen = nil
        }
    }
    #endif

    private static func pollingLoop(_ folders: [String], from first: FolderSnapshot, interval: Int32, wakeup: Int32,
                                    onChange: @Sendable (ChangeBatch) -> Void) {
        var snapshot = first
        while true {
            var descriptor = pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, interval)
            if ready < 0, errno != EINTR { return }
            if ready > 0 { return }
            let next = FolderSnapshot(folders)
            let changed = next.changes(since: snapshot)
            snapshot = next
            if !changed.isEmpty {
                onChange(ChangeBatch(paths: changed, firstSeen: .now))
            }
        }
    }
}

/// The folders cannot be watched at all.
struct WatchError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
