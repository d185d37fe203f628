import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a build renders Markdown out of process: which program serves as worker, how many run, and how long one
/// body may take before its worker is killed and the file reported (a batch of small bodies gets the same time
/// as one; see `MarkdownWorkerPool.render`).
public struct MarkdownWorkerSettings: Sendable, Hashable {
    /// The default time one Markdown body may take: ordinary bodies take well under a millisecond and a 20 MB one
    /// under a second, while the inputs cmark-gfm 0.29 is quadratic on take tens of seconds.
    public static let defaultDeadline: Duration = .seconds(5)

    /// A program that serves `MarkdownWorker.serve()` on its standard input and output.
    public var executable: URL
    public var arguments: [String]
    public var deadline: Duration
    public var workers: Int

    public init(executable: URL, arguments: [String], deadline: Duration = defaultDeadline,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.executable = executable
        self.arguments = arguments
        self.deadline = deadline
        self.workers = max(1, workers)
    }

    /// The running `briefing` binary in its hidden `markdown-worker` mode.
    public static func currentExecutable(deadline: Duration = defaultDeadline) -> MarkdownWorkerSettings {
        let selfPath = "/proc/self/exe"
        let executable = FileManager.default.fileExists(atPath: selfPath)
            ? URL(fileURLWithPath: selfPath)
            : (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
        return MarkdownWorkerSettings(executable: executable, arguments: ["markdown-worker"], deadline: deadline)
    }
}

/// One body for a worker to render: its Markdown, its path inside `content/` and its page (for rewriting links).
struct MarkdownJob: Sendable {
    var body: String
    var relativePath: String
    var page: String
}

/// Why a body has no rendering.
enum MarkdownWorkerFailure: Error, Sendable, Equatable {
    case timedOut(Duration)
    case crashed(String)
    case unavailable(String)

    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }

    var message: String {
        switch self {
        case .timedOut(let deadline):
            return "Markdown body took longer than \(MarkdownWorkerFailure.seconds(deadline)) to render and was stopped; "
                + "cmark-gfm is very slow on some shapes of input (thousands of nested brackets, quote markers, "
                + "emphasis markers or table columns): shorten or simplify the body"
        case .crashed(let how):
            return "the Markdown renderer (cmark-gfm) \(how) on this body"
        case .unavailable(let why):
            return "cannot start the Markdown worker: \(why)"
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}

/// A few worker processes rendering Markdown for one build. A body that takes longer than the deadline gets its
/// worker killed (cmark-gfm cannot be interrupted inside a call), the file reported and a new worker started; a
/// crash in the C library fails only the body it was rendering. Each process parses on its own, so the parse needs
/// no process-wide lock and runs on every core.
final class MarkdownWorkerPool: Sendable {
    struct Worker: Sendable {
        let pid: pid_t
        let socket: Int32
    }

    private let settings: MarkdownWorkerSettings
    private let greeting: [UInt8]
    private let contentFiles: Set<String>
    private let options: MarkdownOptions
    /// Idle workers; nil is a slot whose worker was killed or never started.
    private let idle: Mutex<[Worker?]>
    private let slots: DispatchSemaphore

    /// How long a new worker may take to say it is ready (the machine may be busy: this is not the render deadline).
    private static let startupDeadline: Duration = .seconds(60)

    /// Starts every worker, so a worker that cannot start is one error, not one per file.
    init(settings: MarkdownWorkerSettings, contentFiles: Set<String>, options: MarkdownOptions) throws(MarkdownWorkerFailure) {
        self.settings = settings
        let milliseconds = Int(settings.deadline.components.seconds * 1000 + settings.deadline.components.attoseconds / 1_000_000_000_000_000)
        greeting = MarkdownWorker.greeting(contentFiles: contentFiles, options: options, deadlineMilliseconds: milliseconds)
        self.contentFiles = contentFiles
        self.options = options
        slots = DispatchSemaphore(value: settings.workers)
        var started: [Worker] = []
        var failure: MarkdownWorkerFailure?
        for _ in 0..<settings.workers {
            switch Self.spawn(settings, greeting: greeting, waitForReady: false) {
            case .success(let worker): started.append(worker)
            case .failure(let error): failure = error
            }
        }
        for worker in started where failure == nil {
            if case .failure(let error) = Self.awaitReady(worker) { failure = error }
        }
        if let failure {
            started.forEach(Self.stop)
            throw failure
        }
        idle = Mutex(started.map(Optional.some))
    }

    /// A build's pool, with no more workers than bodies to render; none if the build renders in process (`settings` nil)
    /// or has no entry.
    static func start(_ settings: MarkdownWorkerSettings?, contentFiles: Set<String>, options: MarkdownOptions)
        -> Result<MarkdownWorkerPool?, MarkdownWorkerFailure> {
        guard var settings, !contentFiles.isEmpty else { return .success(nil) }
        settings.workers = min(settings.workers, contentFiles.count)
        return Result { () throws(MarkdownWorkerFailure) in
            try MarkdownWorkerPool(settings: settings, contentFiles: contentFiles, options: options)
        }
    }

    /// Whether this pool was started for these content files and options (its workers rewrite links against them).
    func serves(contentFiles: Set<String>, options: MarkdownOptions) -> Bool {
        self.contentFiles == contentFiles && self.options == options
    }

    /// Renders bodies in workers, a batch at a time, in order. A batch's answer comes in one message, so when one
    /// of its bodies is too slow or crashes the worker it is not known which: the batch's bodies are then rendered
    /// again one at a time, which finds it (at the cost of a second deadline for a body that is too slow).
    func render(_ jobs: [MarkdownJob]) -> [Result<RenderedMarkdown, MarkdownWorkerFailure>] {
        var results: [Result<RenderedMarkdown, MarkdownWorkerFailure>] = []
        results.reserveCapacity(jobs.count)
        var start = 0
        while start < jobs.count {
            let end = Self.batchEnd(jobs, from: start)
            switch renderInOneWorker(jobs[start..<end]) {
            case .success(let answers):
                results += answers.map { .success($0) }
            case .failure(let failure):
                if end - start == 1 || failure.isUnavailable {
                    results += Array(repeating: .failure(failure), count: end - start)
                } else {
                    results += jobs[start..<end].map { job in renderInOneWorker([job][...]).map { $0[0] } }
                }
            }
            start = end
        }
        return results
    }

    /// Bodies go to a worker in batches of up to `batchBytes` of Markdown (one body at least), so a batch takes
    /// milliseconds and its deadline is as generous as a single body's.
    static let batchBytes = 128 * 1024

    private static func batchEnd(_ jobs: [MarkdownJob], from start: Int) -> Int {
        var end = start + 1, bytes = jobs[start].body.utf8.count
        while end < jobs.count, bytes + jobs[end].body.utf8.count <= batchBytes {
            bytes += jobs[end].body.utf8.count
            end += 1
        }
        return end
    }

    /// One batch in one worker, waiting for a free worker.
    private func renderInOneWorker(_ jobs: ArraySlice<MarkdownJob>) -> Result<[RenderedMarkdown], MarkdownWorkerFailure> {
        slots.wait()
        defer { slots.signal() }
        let taken = idle.withLock { $0.popLast() } ?? nil
        let worker: Worker
        if let taken {
            worker = taken
        } else {
            switch Self.spawn(settings, greeting: greeting, waitForReady: true) {
            case .success(let started): worker = started
            case .failure(let error):
                idle.withLock { $0.append(nil) }
                return .failure(error)
            }
        }

        let outcome: Result<[RenderedMarkdown], MarkdownWorkerFailure>
        if WireFrame.writeAll(WireFrame.framed(MarkdownWorker.request(jobs)), to: worker.socket) {
            switch Self.readFrame(from: worker.socket, within: settings.deadline) {
            case .frame(let bytes):
                outcome = MarkdownWorker.decode(bytes, count: jobs.count).map { .success($0) } ?? .failure(.crashed("sent a broken answer"))
            case .timedOut:
                outcome = .failure(.timedOut(settings.deadline))
            case .closed:
                outcome = .failure(.crashed(Self.exitDescription(worker)))
            }
        } else {
            outcome = .failure(.crashed(Self.exitDescription(worker)))
        }
        if case .success = outcome {
            idle.withLock { $0.append(worker) }
        } else {
            Self.stop(worker)
            idle.withLock { $0.append(nil) }
        }
        return outcome
    }

    /// Hangs up on every worker (they exit at end of input) and reaps them.
    func shutDown() {
        let workers = idle.withLock { all in
            defer { all = [] }
            return all.compactMap { $0 }
        }
        for worker in workers {
            close(worker.socket)
            var status: Int32 = 0
            while waitpid(worker.pid, &status, 0) < 0, errno == EINTR {}
        }
    }

    // MARK: - Processes

    #if os(Linux)
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run time: Swift's Glibc module
    /// does not declare it.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
    #endif

    /// Has the worker close every descriptor above 2 before it starts. A spawned process inherits each descriptor that
    /// lacks `FD_CLOEXEC`, and Foundation opens the files it writes without it: a worker spawned while another thread
    /// of the process writes a file kept that file open until the worker exited, so a watcher saw the file closed
    /// long after it was written (in the preview server's tests, a save from before the watch started, and a rebuild).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        #if os(Linux)
        if let addCloseFrom { _ = addCloseFrom(&actions, 3) }
        #endif
    }

    static func spawn(_ settings: MarkdownWorkerSettings, greeting: [UInt8], waitForReady: Bool) -> Result<Worker, MarkdownWorkerFailure> {
        var pair: [Int32] = [-1, -1]
        #if canImport(Glibc)
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let socketType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, socketType, 0, &pair) == 0 else {
            return .failure(.unavailable("socketpair: \(String(cString: strerror(errno)))"))
        }
        let (ours, theirs) = (pair[0], pair[1])
        defer { close(theirs) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, theirs, 0)
        posix_spawn_file_actions_adddup2(&actions, theirs, 1)
        // A crash report from the worker would only repeat the error this pool reports.
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        closeInheritedDescriptors(&actions)

        // The spawning thread may be a dispatch worker with signals blocked; the worker needs SIGALRM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGALRM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let path = settings.executable.path
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + settings.arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            close(ours)
            return .failure(.unavailable("\(path): \(String(cString: strerror(spawned)))"))
        }
        let worker = Worker(pid: pid, socket: ours)
        guard WireFrame.writeAll(WireFrame.framed(greeting), to: ours) else {
            stop(worker)
            return .failure(.unavailable("\(path) exited at once"))
        }
        if waitForReady, case .failure(let error) = awaitReady(worker) {
            stop(worker)
            return .failure(error)
        }
        return .success(worker)
    }

    static func awaitReady(_ worker: Worker) -> Result<Void, MarkdownWorkerFailure> {
        switch readFrame(from: worker.socket, within: startupDeadline) {
        case .frame: return .success(())
        case .timedOut: return .failure(.unavailable("the worker did not start within \(seconds(startupDeadline))"))
        case .closed: return .failure(.unavailable("the worker \(exitDescription(worker)) while starting"))
        }
    }

    private static func seconds(_ duration: Duration) -> String { MarkdownWorkerFailure.seconds(duration) }

    static func stop(_ worker: Worker) {
        _ = kill(worker.pid, SIGKILL)
        close(worker.socket)
        var status: Int32 = 0
        while waitpid(worker.pid, &status, 0) < 0, errno == EINTR {}
    }

    /// Reaps a worker that hung up and says how it ended.
    static func exitDescription(_ worker: Worker) -> String {
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(worker.pid, &status, WNOHANG) } while reaped < 0 && errno == EINTR
        if reaped == 0 {
            // Hung up but still running: give it a moment to finish dying before asking again.
            _ = kill(worker.pid, SIGKILL)
            repeat { reaped = waitpid(worker.pid, &status, 0) } while reaped < 0 && errno == EINTR
        }
        guard reaped == worker.pid else { return "stopped" }
        let signal = status & 0x7f
        if signal != 0 { return "crashed (signal \(signal))" }
        return "exited with status \((status >> 8) & 0xff)"
    }

    // MARK: - Frames with a deadline

    enum FrameRead {
        case frame([UInt8])
        case timedOut
        case closed
    }

    static func readFrame(from socket: Int32, within deadline: Duration) -> FrameRead {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        var buffer: [UInt8] = []
        var expected: Int?
        // Not zeroed first: read() fills what is used, and zeroing 64 KB per body was 1 % of a build.
        var chunk = [UInt8](unsafeUninitializedCapacity: 1 << 16) { _, count in count = 1 << 16 }
        while true {
            if let expected, buffer.count >= 4 + expected {
                return .frame(Array(buffer[4..<(4 + expected)]))
            }
            let remaining = clock.now.duration(to: end)
            guard remaining > .zero else { return .timedOut }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let millisecondsLeft = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1
            let ready = poll(&descriptor, 1, Int32(min(millisecondsLeft, Int64(Int32.max))))
            if ready < 0 {
                if errno == EINTR { continue }
                return .closed
            }
            guard ready > 0 else { continue }
            let got = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress!, $0.count) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return .closed }
            buffer.append(contentsOf: chunk[0..<got])
            if expected == nil, buffer.count >= 4 {
                expected = Int(buffer[0..<4].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
                buffer.reserveCapacity(4 + expected!)
            }
        }
    }
}
