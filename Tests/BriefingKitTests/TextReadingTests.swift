@testable import BriefingKit
import Foundation
import Testing

/// `ContentLoader.readText` checks a file eight bytes at a time: a refused byte is found, and a clean one passes,
/// wherever it falls in those eight.
@Suite struct TextReadingTests {
    private func read(_ bytes: [UInt8]) throws -> Result<String, Diagnostic> {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-read-\(UUID().uuidString).md")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return ContentLoader.readText(file.path, path: "content/pages/a.md")
    }

    private let padding = Array("abcdefghijklmnopqrstuvwx".utf8)

    @Test(arguments: [
        ([UInt8(0x07)], "content/pages/a.md:1:COLUMN: error: control character U+0007: delete it (tabs and line breaks are the only control characters allowed)"),
        ([0x7F], "content/pages/a.md:1:COLUMN: error: control character U+007F: delete it (tabs and line breaks are the only control characters allowed)"),
        ([0xC2, 0x85], "content/pages/a.md:1:COLUMN: error: control character U+0085: delete it (tabs and line breaks are the only control characters allowed)"),
        ([0x00], "content/pages/a.md:1:COLUMN: error: binary file: contains a NUL byte; content files must be UTF-8 text"),
    ])
    func aRefusedByteIsFoundAtEveryOffset(bad: [UInt8], message: String) throws {
        for offset in 0...16 {
            let bytes = Array(padding[..<offset]) + bad + padding[offset...]
            guard case .failure(let problem) = try read(bytes) else {
                Issue.record("\(bad) at byte \(offset) was read as text")
                continue
            }
            #expect(problem.description == message.replacingOccurrences(of: "COLUMN", with: String(offset + 1)), "at byte \(offset)")
        }
    }

    @Test func cleanTextPassesAtEveryOffset() throws {
        // A no-break space (C2 A0) shares its lead byte with the C1 controls; é and the dash are other multi-byte letters.
        for clean in ["\u{A0}", "é", "—", "\t", "\n"] {
            for offset in 0...16 {
                let text = String(decoding: padding[..<offset], as: UTF8.self) + clean + String(decoding: padding[offset...], as: UTF8.self)
                #expect(try read(Array(text.utf8)).get() == text, "\(clean.unicodeScalars.first!.value) at byte \(offset)")
            }
        }
    }

    @Test func carriageReturnsBecomeLineFeedsAtEveryOffset() throws {
        for offset in 0...16 {
            let before = String(decoding: padding[..<offset], as: UTF8.self), after = String(decoding: padding[offset...], as: UTF8.self)
            #expect(try read(Array((before + "\r\n" + after).utf8)).get() == before + "\n" + after, "CRLF at byte \(offset)")
            #expect(try read(Array((before + "\r" + after).utf8)).get() == before + "\n" + after, "CR at byte \(offset)")
        }
    }
}
