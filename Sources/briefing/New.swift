import ArgumentParser
import BriefingKit
import Foundation

extension NewEntry.Kind: ExpressibleByArgument {}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a content file with every required field, as a draft.",
        discussion: """
            The file name comes from the title ("Recep Tayyip Erdoğan" → people/recep-tayyip-erdogan.md). \
            For a quote, the title is the quote's exact text. New files carry 'draft: true': \
            fill in the placeholders, then remove that line to publish.
            """
    )

    @Argument(help: "What to create: \(NewEntry.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: NewEntry.Kind

    @Argument(help: "The title or name; for a quote, its text.")
    var title: String

    @Option(help: "For a quote: the speaker's person id.")
    var speaker: String?

    @Option(help: "For a quote: the source id (optional when there is only one source).")
    var source: String?

    @Option(help: "For a quote or event: the date as YYYY, YYYY-MM or YYYY-MM-DD (default: today).")
    var date: String?

    @Option(help: "The content folder.")
    var content = "content"

    func run() throws {
        do {
            let path = try NewEntry.create(kind, title: title, speaker: speaker, source: source, date: date, contentFolder: content)
            print("Created \(path) (a draft: remove 'draft: true' to publish)")
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
