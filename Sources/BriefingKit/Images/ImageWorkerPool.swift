import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Worker processes that process images for one build, one image per worker at a time, started only when an image
/// needs processing (a build whose images are all in the cache starts none). An image that takes longer than the
/// deadline gets its worker killed and is reported; a crash in a decoder fails that image only. The processes are
/// those of the Markdown workers (`MarkdownWorkerPool`), in the `image-worker` mode.
final class ImageWorkerPool: Sendable {
    private let executable: MarkdownWorkerSettings
    private let greeting: [UInt8]
    private let deadline: Duration
    /// Idle workers.
    private let idle = Mutex<[MarkdownWorkerPool.Worker]>([])
    /// One per worker: no more run at once.
    private let slots: DispatchSemaphore

    /// `workers` processes at most; libvips inside each uses `max(1, cores / workers)` threads.
    init(executable: URL, arguments: [String] = ["image-worker"], workers: Int, settings: ImageSettings) {
        self.executable = MarkdownWorkerSettings(executable: executable, arguments: arguments, workers: workers)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        greeting = ImageWorker.greeting(threads: max(1, cores / max(1, workers)), memoryLimit: settings.memoryLimit)
        deadline = settings.deadline
        slots = DispatchSemaphore(value: max(1, workers))
    }

    /// Processes one image in a worker, waiting for its answer up to the deadline.
    func process(_ job: ImageJob) -> Result<ProcessedImage, ImageProblem> {
        slots.wait()
        defer { slots.signal() }
        let worker: MarkdownWorkerPool.Worker
        if let taken = idle.withLock({ $0.popLast() }) {
            worker = taken
        } else {
            switch MarkdownWorkerPool.spawn(executable, greeting: greeting, waitForReady: true) {
            case .success(let started): worker = started
            case .failure(.unavailable(let why)): return .failure(.unavailable(why))
            case .failure(let failure): return .failure(.unavailable(failure.message))
            }
        }
        let outcome: Result<ProcessedImage, ImageProblem>
        if WireFrame.write(ImageWorker.request(job), to: worker.socket) {
            switch MarkdownWorkerPool.readFrame(from: worker.socket, within: deadline) {
            case .frame(let bytes): outcome = ImageWorker.decode(bytes) ?? .failure(.crashed("sent a broken answer"))
            case .timedOut: outcome = .failure(.timedOut(deadline))
            case .closed: outcome = .failure(.crashed(MarkdownWorkerPool.exitDescription(worker)))
            }
        } else {
            outcome = .failure(.crashed(MarkdownWorkerPool.exitDescription(worker)))
        }
        switch outcome {
        case .success, .failure(.reported):
            idle.withLock { $0.append(worker) }
        default:
            MarkdownWorkerPool.stop(worker)
        }
        return outcome
    }

    /// Hangs up on every worker (they exit at end of input) and reaps them.
    func shutDown() {
        let workers = idle.withLock { all in
            defer { all = [] }
            return all
        }
        for worker in workers {
            close(worker.socket)
            var status: Int32 = 0
            while waitpid(worker.pid, &status, 0) < 0, errno == EINTR {}
        }
    }
}
