import ArgumentParser
import BriefingKit
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the content as a build would, writing nothing.",
        discussion: "Exits 0 when the site would build, 1 when it would not, listing every problem."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var paths: Paths

    @Option(help: "How to print problems: text (path:line:col: error: message, to standard error) or json (to standard output).")
    var format: Format = .text

    func run() throws {
        let found = SiteBuilder.check(paths.buildOptions)
        let problems = found.filter { $0.severity == .error }, warnings = found.filter { $0.severity == .warning }
        switch format {
        case .json:
            print(Diagnostic.jsonReport(found))
        case .text where problems.isEmpty:
            if !warnings.isEmpty { FileHandle.standardError.write(Data(warnings.map { $0.description + "\n" }.joined().utf8)) }
            print("No problems found in \(paths.content)/\(warnings.isEmpty ? "" : " (\(warnings.count) warning\(warnings.count == 1 ? "" : "s"))").")
        case .text:
            FileHandle.standardError.write(Data((BuildFailure(problems).description.replacingOccurrences(of: "build failed", with: "check failed")
                .replacingOccurrences(of: "; public output left unchanged", with: "") + "\n").utf8))
        }
        if !problems.isEmpty { throw ExitCode.failure }
    }
}
