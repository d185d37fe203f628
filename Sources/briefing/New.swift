import ArgumentParser
import BriefingKit
import Foundation

/// What `briefing new` makes: an entry of a kind, or an image with its sidecar.
enum NewKind: String, ExpressibleByArgument, CaseIterable {
    case person, quote, event, source, page, topic, image
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a content file with every required field, as a draft.",
        discussion: """
            The file name comes from the title ("Recep Tayyip Erdoğan" → people/recep-tayyip-erdogan.md). \
            For a quote, the title is the quote's exact text. New files carry 'draft: true': \
            fill in the placeholders, then remove that line to publish. \
            'briefing new image FILE' copies a JPEG, PNG or WebP file into media/ and writes its sidecar ID.yaml \
            with placeholders for alt, credit and license; no page may show the image until they are written.
            """
    )

    @Argument(help: "What to create: \(NewKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: NewKind

    @Argument(help: "The title or name; for a quote, its text; for an image, the file to copy.")
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
            if kind == .image {
                let made = try NewImage.create(file: title, contentFolder: content)
                print("Created \(made.image) and \(made.sidecar) (fill in the sidecar's alt, credit and license before a page shows it)")
                return
            }
            let path = try NewEntry.create(NewEntry.Kind(rawValue: kind.rawValue)!, title: title, speaker: speaker, source: source, date: date, contentFolder: content)
            print("Created \(path) (a draft: remove 'draft: true' to publish)")
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
