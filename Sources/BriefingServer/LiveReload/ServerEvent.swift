import Foundation

/// A message on the live-reload stream (`text/event-stream`). Event data is one line of JSON.
enum ServerEvent: Sendable, Equatable {
    /// Sent first on every connection and whenever the build recovers without changing any output.
    case status(BuildStatus)
    /// Output files changed; `changed` lists them relative to the site root.
    case reload(version: String, changed: [String])
    /// A rebuild failed; the last good site (`version`) is still served.
    /// Not named `error`: EventSource fires its own `error` event for connection problems.
    case buildError(version: String, problems: [BuildProblem])
    /// A comment that keeps proxies and the connection from timing out.
    case keepAlive

    var wireFormat: String {
        switch self {
        case .status(let status):
            return Self.event("status", StatusData(version: status.version, ok: status.ok, errors: status.problems))
        case .reload(let version, let changed):
            return Self.event("reload", ReloadData(version: version, changed: changed))
        case .buildError(let version, let problems):
            return Self.event("build-error", StatusData(version: version, ok: false, errors: problems))
        case .keepAlive:
            return ": keep-alive\n\n"
        }
    }

    private static func event(_ name: String, _ data: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSON never holds a raw newline, so the data fits the single `data:` line SSE needs.
        let json = (try? encoder.encode(data)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        return "event: \(name)\ndata: \(json)\n\n"
    }

    private struct StatusData: Encodable {
        var version: String
        var ok: Bool
        var errors: [BuildProblem]
    }

    private struct ReloadData: Encodable {
        var version: String
        var changed: [String]
    }
}
