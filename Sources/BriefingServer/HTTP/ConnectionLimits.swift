import Hummingbird
import HummingbirdCore
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The limits the preview server sets on its connections, so slow, silent, oversized or very many clients cost it a
/// bounded amount of memory and descriptors, and never its ability to answer the browser next to it.
struct ConnectionLimits: Sendable {
    /// A connection that has not sent a complete request head for this long (it sent nothing, or sends its head a byte
    /// at a time: "slowloris"), or has been idle since its last response, is closed. A response still being written,
    /// such as an open live-reload stream, is never cut.
    var idleTimeout: Duration
    /// Connections served at once; more wait in the listen queue until one closes.
    var maximumConnections: Int
    /// Connections the system queues for us while we are at the maximum.
    var backlog: Int

    /// Request heads are a few hundred bytes from a browser; cookies that other local development servers left for
    /// 127.0.0.1 can add tens of kilobytes. Anything over these limits is answered 400 and the connection closed,
    /// so a 1 MB header costs at most this much memory.
    static let maximumHeaderFieldSize = 64 * 1024
    static let maximumHeaderListSize = 64 * 1024
    static let maximumHeaderFieldCount = 100

    /// Descriptors kept back from connections for the files being served, the watcher and the rebuilds.
    static let reservedDescriptors = 256

    /// Limits for a process that may open `descriptorLimit` descriptors.
    init(idleTimeout: Duration, descriptorLimit: Int) {
        self.idleTimeout = idleTimeout
        maximumConnections = max(32, min(4096, descriptorLimit - Self.reservedDescriptors))
        backlog = 1024
    }

    var channel: HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            idleTimeout: .nanoseconds(idleTimeout.nanoseconds),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: Self.maximumHeaderFieldSize, maxHeaderListSize: Self.maximumHeaderListSize,
                                            maxHeaderFieldCount: Self.maximumHeaderFieldCount))
    }

    /// Raises this process's soft limit on open descriptors to its hard limit (capped at 65,536), and returns the
    /// limit in force. Many systems start processes at 1,024, which a thousand browser-like connections would exhaust;
    /// the hard limit is what the administrator allows, so taking it asks nothing of anyone.
    static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let wanted = min(limit.rlim_max, 65536)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(min(limit.rlim_cur, rlim_t(Int32.max)))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
