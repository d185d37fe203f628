import BriefingKit
import Foundation

/// What `briefing serve` serves and watches, and where.
public struct PreviewConfiguration: Sendable {
    public var build: BuildOptions
    /// The address to listen on. Loopback by default: the preview is unpublished work (and drafts, with `--drafts`).
    public var host: String
    /// 0 lets the system pick a free port, reported to `run`'s `onReady`.
    public var port: Int
    /// The folder of Swift templates (`templates/`). A changed `.swift` file below it cannot take effect without
    /// recompiling; see `exitOnTemplateChange`. nil: not watched.
    public var templatesFolder: URL?
    /// End `run` with `.templatesChanged` when a template changes, so a wrapper (`make serve`) can recompile and
    /// restart; otherwise the server only says that a restart is needed.
    public var exitOnTemplateChange: Bool
    /// How long the folders must be quiet after a change before the rebuild starts: one save is often several writes.
    public var debounce: Duration
    /// How often open event streams get a comment, so idle connections are not dropped along the way.
    public var keepAliveInterval: Duration
    /// A connection that sends no complete request for this long (nothing at all, or a head a byte at a time) is closed;
    /// so is a keep-alive connection idle this long after its last response. Open event streams are not affected.
    public var idleTimeout: Duration
    public var watchMode: WatchMode
    /// Stop gracefully on SIGINT and SIGTERM (the command line); tests stop the server with `stop()` instead.
    public var handlesSignals: Bool
    public var log: PreviewLog
    /// Serve the editor at `/__briefing/edit/` (`--no-edit` turns it off).
    public var editing = true
    /// Required on every editor request when set; without it, the editor is off unless the server listens on loopback.
    public var editToken: String?

    /// Whether the editor is served: asked for, and either on loopback or guarded by an edit token.
    public var servesEditor: Bool {
        editing && (isLoopback || editToken != nil)
    }

    public enum WatchMode: Sendable, Equatable {
        /// inotify on Linux; polling where it is unavailable.
        case automatic
        case polling(interval: Duration)
    }

    public init(build: BuildOptions, host: String = "127.0.0.1", port: Int = 8000, templatesFolder: URL? = nil,
                exitOnTemplateChange: Bool = false, debounce: Duration = .milliseconds(20), keepAliveInterval: Duration = .seconds(15),
                idleTimeout: Duration = .seconds(15), watchMode: WatchMode = .automatic, handlesSignals: Bool = true, log: PreviewLog = .standard) {
        self.build = build
        self.host = host
        self.port = port
        self.templatesFolder = templatesFolder
        self.exitOnTemplateChange = exitOnTemplateChange
        self.debounce = debounce
        self.keepAliveInterval = keepAliveInterval
        self.idleTimeout = idleTimeout
        self.watchMode = watchMode
        self.handlesSignals = handlesSignals
        self.log = log
    }

    /// Whether `host` can only be reached from this machine.
    public var isLoopback: Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// Where the server's messages go: progress to `info`, build errors and warnings to `error`.
public struct PreviewLog: Sendable {
    public var info: @Sendable (String) -> Void
    public var error: @Sendable (String) -> Void

    public init(info: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void) {
        self.info = info
        self.error = error
    }

    /// Standard output and standard error, unbuffered, so lines show up at once when piped.
    public static let standard = PreviewLog(
        info: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
        error: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    )

    public static let silent = PreviewLog(info: { _ in }, error: { _ in })
}
