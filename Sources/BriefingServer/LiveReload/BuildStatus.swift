import BriefingKit

/// One problem of a failed build, as the terminal prints it and the browser overlay shows it.
public struct BuildProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The file, relative to where the server runs; empty for a problem that is not in a file.
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    init(_ diagnostic: Diagnostic) {
        path = diagnostic.location.path
        line = diagnostic.location.line
        column = diagnostic.location.column
        message = diagnostic.message
    }

    init(message: String) {
        path = ""
        line = 0
        column = 0
        self.message = message
    }

    static func list(_ error: BuildError) -> [BuildProblem] {
        switch error {
        case .content(let failure): failure.diagnostics.map(BuildProblem.init)
        case .output(let problem): [BuildProblem(message: problem.description)]
        }
    }

    public var description: String {
        path.isEmpty ? "error: \(message)" : "\(path):\(line):\(column): error: \(message)"
    }
}

/// The state of the served site that a newly opened page needs: which output it shows, and whether the latest build failed.
struct BuildStatus: Sendable, Equatable {
    /// Names the last good output: the server instance and a counter that moves whenever output bytes change.
    /// A page remembers the version it was served with, so it can tell it is stale after a restart or a missed event.
    var version: String
    /// Seconds since 1970 at which `version` was published.
    var publishedAt: Int
    /// The problems of the latest build; empty when it succeeded.
    var problems: [BuildProblem]

    var ok: Bool { problems.isEmpty }
}
