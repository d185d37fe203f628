// Fuzz target (a): one content file through what the build does with it before Markdown: read as text,
// split into front matter and body, and decoded into the content model, as every kind of entry.
// Checks: nothing crashes, every error names the file and a line and column that exist in it, and whatever the
// fast front matter path reads, it reads as the Yams path does.
// `make fuzz` builds and runs it; a normal build makes a replayer (see FuzzSupport).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontMatter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    #if DEBUG || FUZZING
    FrontMatterTarget.run(UnsafeBufferPointer(start: data, count: size))
    #endif
    return 0
}

@main enum FuzzFrontMatter {
    static func main() {
        runFuzzTarget(fuzzFrontMatter)
    }
}

// The checks reach internal types, so they need a build with testing enabled: a debug build, or `make fuzz`.
#if DEBUG || FUZZING
@testable import BriefingKit
import Foundation
import Yams

enum FrontMatterTarget {
    static let path = "content/people/fuzz.md"
    /// `ContentLoader.readText` reads a file, so each input is written to this one first.
    static let scratch: URL = {
        atexit { try? FileManager.default.removeItem(at: FrontMatterTarget.scratch) }
        return URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("briefing-fuzz-front-matter-\(getpid()).md")
    }()
    nonisolated(unsafe) static let decoder = YAMLDecoder()

    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        // Foundation's Data(contentsOf:) leaks 4 KB reading an empty file (swift-foundation, Swift 6.3.1), which
        // LeakSanitizer would report every time; the build says "empty file" for it, covered by the tests.
        guard !input.isEmpty else { return }
        guard FileManager.default.createFile(atPath: scratch.path, contents: Data(input)) else {
            fatalError("cannot write \(scratch.path)")
        }
        let text: String
        switch ContentLoader.readText(scratch.path, path: path) {
        case .success(let read): text = read
        case .failure(let problem):
            // Unreadable bytes are reported at the line and column where they stop being text.
            check(problem, lineCount: input.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }, what: "reading")
            return
        }
        fuzzCheck(!text.contains("\r"), "line endings are not normalised")
        let lineCount = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }

        let split: FrontMatterSplit
        switch FrontMatterParser.split(text, path: path) {
        case .success(let value): split = value
        case .failure(let problem):
            check(problem, lineCount: lineCount, what: "splitting")
            // A file without front matter is read as content/site.yaml, which is YAML throughout.
            if problem.message.hasPrefix("missing front matter") { decodeFile(SiteConfig.self, text, lineCount) }
            return
        }
        fuzzCheck(text.hasSuffix(split.body), "the body is not the end of the file")
        fuzzCheck(split.bodyFirstLine >= 3 && split.bodyFirstLine <= lineCount + 1, "body starts at line \(split.bodyFirstLine) of \(lineCount)")
        let bodyLines = split.body.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        fuzzCheck(split.body.isEmpty || split.bodyFirstLine + bodyLines - 1 == lineCount, "body lines do not add up to the file's")

        // One kind per input, picked from the fields written (as an editor picks the folder), so an input always
        // takes the same path and the shipped files decode; inputs without a telling field rotate through the rest.
        let yaml = split.yaml
        switch yaml {
        case _ where yaml.contains("speaker"): decode(QuoteFields.self, split, lineCount)
        case _ where yaml.contains("publisher"): decode(SourceFields.self, split, lineCount)
        case _ where yaml.contains("role"): decode(PersonFields.self, split, lineCount)
        case _ where yaml.contains("date"): decode(EventFields.self, split, lineCount)
        default:
            switch yaml.utf8.count % 3 {
            case 0: decode(OverviewFields.self, split, lineCount)
            case 1: decode(PageFields.self, split, lineCount)
            default: decode(TopicFields.self, split, lineCount)
            }
        }
    }

    private static func decode<Fields: FrontMatterFields & Equatable>(_ type: Fields.Type, _ split: FrontMatterSplit, _ lineCount: Int) {
        let result = FrontMatterParser.decode(type, yaml: split.yaml, path: path, firstLine: split.yamlFirstLine, decoder: decoder)
        check(result, yaml: split.yaml, lineCount: lineCount, what: Fields.kindName)
        checkFastPath(type, split.yaml, firstLine: split.yamlFirstLine)
    }

    private static func decodeFile<Fields: FrontMatterFields & Equatable>(_ type: Fields.Type, _ text: String, _ lineCount: Int) {
        check(FrontMatterParser.decodeFile(type, yaml: text, path: path), yaml: text, lineCount: lineCount, what: Fields.kindName)
        checkFastPath(type, text, firstLine: 1)
    }

    /// What the fast path reads, it reads as Yams does.
    private static func checkFastPath<Fields: FrontMatterFields & Equatable>(_ type: Fields.Type, _ yaml: String, firstLine: Int) {
        guard let fast = FrontMatterParser.decodeSimple(type, yaml: yaml, path: path, firstLine: firstLine) else { return }
        switch FrontMatterParser.decodeWithYams(type, yaml: yaml, path: path, firstLine: firstLine, decoder: decoder) {
        case .success(let reference):
            fuzzCheck(fast.fields == reference.fields, "\(Fields.kindName): the fast path read other fields than Yams")
            fuzzCheck(fast.editorial == reference.editorial, "\(Fields.kindName): the fast path read other editorial fields than Yams")
            fuzzCheck(fast.lines == reference.lines, "\(Fields.kindName): the fast path placed fields elsewhere than Yams")
        case .failure(let failure):
            fuzzCheck(false, "\(Fields.kindName): the fast path read what Yams refuses: \(failure)")
        }
    }

    private static func check<Fields: FrontMatterFields>(_ result: Result<FrontMatter<Fields>, BuildFailure>, yaml: String, lineCount: Int,
                                                         what: String) {
        switch result {
        case .success(let frontMatter):
            let written = (try? Yams.compose(yaml: yaml, .default, .default, .utf8))?.mapping
            for field in Fields.fields where field.isRequired && field.isText {
                guard let value = written?[field.key]?.scalar?.string else { continue }
                fuzzCheck(!value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(what): required field '\(field.key)' accepted empty")
            }
            for location in Array(frontMatter.lines.keys.values) + frontMatter.lines.items.values.flatMap({ $0 }) {
                checkLocation(location, lineCount: lineCount, what: "\(what): field position")
            }
        case .failure(let failure):
            fuzzCheck(!failure.diagnostics.isEmpty, "\(what): failed without saying why")
            for problem in failure.diagnostics { check(problem, lineCount: lineCount, what: what) }
        }
    }

    private static func check(_ problem: Diagnostic, lineCount: Int, what: String) {
        fuzzCheck(!problem.message.isEmpty, "\(what): empty message at \(problem.location)")
        checkLocation(problem.location, lineCount: lineCount, what: "\(what): \(problem)")
    }

    private static func checkLocation(_ location: SourceLocation, lineCount: Int, what: String) {
        fuzzCheck(location.path == path, "\(what): wrong file")
        fuzzCheck((1...lineCount).contains(location.line), "\(what): line \(location.line) is not in a file of \(lineCount) lines")
        fuzzCheck(location.column >= 1, "\(what): column \(location.column)")
    }
}
#endif
