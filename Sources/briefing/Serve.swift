import ArgumentParser
import BriefingKit
import BriefingServer
import Foundation

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the site, serve it for preview, and rebuild and reload open pages on every save.",
        discussion: """
            Serves the output folder on http://127.0.0.1:8000/ and watches the content and assets folders. Each save \
            rebuilds the site; open pages reload (or only restyle, when only CSS changed). A failed build keeps the last \
            good site and shows its errors on every open page and here. Ctrl-C stops.
            """
    )

    @OptionGroup var paths: Paths

    @Option(help: "The address to listen on. Anything but loopback lets other machines read the preview.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8000

    @Flag(help: "Open the site in the default browser once it is served.")
    var open = false

    @Option(help: "The Swift templates, watched only to say when a change needs a recompile (make serve recompiles and restarts).")
    var templates = "templates"

    @Flag(help: ArgumentHelp("Exit with status 75 when a Swift template changes, so a wrapper can recompile and restart (make serve does).",
                             visibility: .hidden))
    var exitOnTemplateChange = false

    @Flag(name: .customLong("no-edit"), help: "Do not serve the editor at /__briefing/edit/.")
    var noEdit = false

    @Option(name: .customLong("edit-token"),
            help: ArgumentHelp("Serve the editor on a --host other than loopback, to requests that carry this token only "
                + "(open /__briefing/edit/?edit_token=TOKEN once).", valueName: "token"))
    var editToken: String?

    func validate() throws {
        if let editToken, editToken.count < 16 || !editToken.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw ValidationError("--edit-token must be at least 16 letters, digits, '-' or '_' (it guards who may change the content)")
        }
    }

    /// The status that asks `make serve` to recompile and start again.
    static let restartStatus: Int32 = 75

    func run() async throws {
        var configuration = PreviewConfiguration(build: paths.buildOptions, host: host, port: port,
                                                 templatesFolder: URL(fileURLWithPath: templates), exitOnTemplateChange: exitOnTemplateChange)
        configuration.editing = !noEdit
        configuration.editToken = editToken
        let server = PreviewServer(configuration)
        let open = open
        do {
            switch try await server.run(onReady: { port in if open { Self.openBrowser(port: port, host: host) } }) {
            case .stopped:
                return
            case .templatesChanged:
                throw ExitCode(Self.restartStatus)
            }
        } catch let error as PreviewError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }

    private static func openBrowser(port: Int, host: String) {
        let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        #if os(macOS)
        let opener = "/usr/bin/open"
        #else
        let opener = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { $0 + "/xdg-open" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        #endif
        let process = Process()
        process.arguments = ["http://\(shownHost):\(port)/"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            guard let opener else { throw CocoaError(.executableNotLoadable) }
            process.executableURL = URL(fileURLWithPath: opener)
            try process.run()
        } catch {
            FileHandle.standardError.write(Data("warning: could not open a browser (no xdg-open?); open the address above by hand\n".utf8))
        }
    }
}
