import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker side of `MarkdownWorkerPool`: renders batches of Markdown bodies sent over a socket.
///
/// The conversation, every message a frame (a 4-byte little-endian length, then that many bytes):
/// the pool sends a greeting (the content file paths, the raw-HTML option, the deadline in milliseconds), the worker
/// answers an empty frame once it is ready; then the pool sends batches: a count and, for each body, its path inside
/// `content/`, its page and the Markdown. The worker answers a batch in one frame: for each body, the HTML, the links
/// with their positions and the heading ids. A frame per batch rather than per body: each message wakes the other
/// process, and on two cores those wake-ups cost more than rendering a short body does.
/// The worker exits when the pool closes the socket.
public enum MarkdownWorker {
    /// Serves the pool on `input`/`output` (standard input and output in `briefing markdown-worker`) until the pool
    /// hangs up. Returns false if the conversation broke off in the middle of a message.
    public static func serve(input: Int32 = 0, output: Int32 = 1) -> Bool {
        guard let greetingFrame = WireFrame.read(from: input) else { return true }
        var greeting = WireReader(greetingFrame)
        guard let count = greeting.integer() else { return false }
        var contentFiles: Set<String> = []
        for _ in 0..<count {
            guard let path = greeting.string() else { return false }
            contentFiles.insert(path)
        }
        guard let rawHTML = greeting.integer(), let deadlineMilliseconds = greeting.integer() else { return false }
        let resolver = LinkResolver(contentFiles: contentFiles)
        let options = MarkdownOptions(allowRawHTML: rawHTML != 0)
        // If the pool is gone (killed itself), nobody kills a worker stuck in cmark; this alarm does, a little after
        // the pool would have.
        let selfDeadline = UInt32(max(1, (deadlineMilliseconds + 999) / 1000 + 2))
        guard WireFrame.write([], to: output) else { return false }

        while let frame = WireFrame.read(from: input) {
            var request = WireReader(frame)
            guard let count = request.integer() else { return false }
            var answer = WireWriter()
            answer.integer(count)
            // The pool gives a whole batch one deadline, so the alarm is set once per batch too.
            alarm(selfDeadline)
            for _ in 0..<count {
                guard let relativePath = request.string(), let page = request.string(), let body = request.string() else { return false }
                let rendered = MarkdownRenderer.render(body, options: options, rewrite: { destination in
                    resolver.outputURL(for: destination, from: relativePath, page: page)
                }, isFigure: { resolver.isImage($0, from: relativePath) })
                encode(rendered, into: &answer)
            }
            alarm(0)
            guard WireFrame.write(answer.bytes, to: output) else { return false }
        }
        return true
    }

    // MARK: - Messages

    static func greeting(contentFiles: Set<String>, options: MarkdownOptions, deadlineMilliseconds: Int) -> [UInt8] {
        var writer = WireWriter()
        writer.integer(contentFiles.count)
        for path in contentFiles.sorted() { writer.string(path) }
        writer.integer(options.allowRawHTML ? 1 : 0)
        writer.integer(deadlineMilliseconds)
        return writer.bytes
    }

    static func request(_ jobs: ArraySlice<MarkdownJob>) -> [UInt8] {
        var writer = WireWriter()
        writer.integer(jobs.count)
        for job in jobs {
            writer.string(job.relativePath)
            writer.string(job.page)
            writer.string(job.body)
        }
        return writer.bytes
    }

    static func encode(_ rendered: RenderedMarkdown, into writer: inout WireWriter) {
        writer.string(rendered.html)
        writer.integer(rendered.links.count)
        for link in rendered.links {
            writer.string(link.destination)
            writer.integer(link.line)
            writer.integer(link.column)
            writer.integer(link.isFigure ? 2 : link.isImage ? 1 : 0)
        }
        writer.integer(rendered.headingIDs.count)
        for id in rendered.headingIDs { writer.string(id) }
        writer.integer(rendered.figures.count)
        for figure in rendered.figures {
            writer.string(figure.destination)
            writer.string(figure.alt)
            writer.string(figure.caption)
        }
    }

    /// The answer to a batch of `count` bodies; nil if it is broken or holds another number of them.
    static func decode(_ bytes: [UInt8], count: Int) -> [RenderedMarkdown]? {
        var reader = WireReader(bytes)
        guard reader.integer() == count else { return nil }
        var answers: [RenderedMarkdown] = []
        answers.reserveCapacity(count)
        for _ in 0..<count {
            guard let rendered = decode(from: &reader) else { return nil }
            answers.append(rendered)
        }
        return reader.isAtEnd ? answers : nil
    }

    private static func decode(from reader: inout WireReader) -> RenderedMarkdown? {
        guard let html = reader.string(), let linkCount = reader.integer() else { return nil }
        var links: [MarkdownLink] = []
        for _ in 0..<linkCount {
            guard let destination = reader.string(), let line = reader.integer(), let column = reader.integer(),
                  let isImage = reader.integer() else { return nil }
            links.append(MarkdownLink(destination: destination, line: line, column: column, isImage: isImage != 0, isFigure: isImage == 2))
        }
        guard let idCount = reader.integer() else { return nil }
        var ids: [String] = []
        for _ in 0..<idCount {
            guard let id = reader.string() else { return nil }
            ids.append(id)
        }
        guard let figureCount = reader.integer() else { return nil }
        var figures: [MarkdownFigure] = []
        for _ in 0..<figureCount {
            guard let destination = reader.string(), let alt = reader.string(), let caption = reader.string() else { return nil }
            figures.append(MarkdownFigure(destination: destination, alt: alt, caption: caption))
        }
        return RenderedMarkdown(html: html, links: links, headingIDs: ids, figures: figures)
    }
}

// MARK: - Wire format

/// Length-prefixed frames on a blocking file descriptor.
enum WireFrame {
    /// Header and payload in one send: sent apart, the header alone wakes the reader, which then waits again.
    static func write(_ payload: [UInt8], to descriptor: Int32) -> Bool {
        writeAll(framed(payload), to: descriptor)
    }

    static func framed(_ payload: [UInt8]) -> [UInt8] {
        var length = UInt32(payload.count).littleEndian
        var frame = withUnsafeBytes(of: &length) { Array($0) }
        frame.reserveCapacity(4 + payload.count)
        frame.append(contentsOf: payload)
        return frame
    }

    /// Nil at end of input or on a broken frame.
    static func read(from descriptor: Int32) -> [UInt8]? {
        guard let header = readExactly(4, from: descriptor) else { return nil }
        let length = header.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        return readExactly(Int(length), from: descriptor)
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                // send with MSG_NOSIGNAL where it is a socket, so a dead peer is an error and not a SIGPIPE.
                var written = send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0, errno == ENOTSOCK { written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }

    private static func readExactly(_ count: Int, from descriptor: Int32) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        let complete = bytes.withUnsafeMutableBytes { buffer in
            while offset < count {
                let got = Foundation.read(descriptor, buffer.baseAddress! + offset, count - offset)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { return false }
                offset += got
            }
            return true
        }
        return complete ? bytes : nil
    }
}

struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func integer(_ value: Int) {
        var little = Int64(value).littleEndian
        withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        let utf8 = value.utf8
        integer(utf8.count)
        bytes.append(contentsOf: utf8)
    }
}

struct WireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func integer() -> Int? {
        guard offset + 8 <= bytes.count else { return nil }
        let value = bytes[offset..<offset + 8].withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
        offset += 8
        guard let result = Int(exactly: value), result >= 0 else { return nil }
        return result
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func string() -> String? {
        guard let count = integer(), count <= bytes.count - offset else { return nil }
        let value = String(decoding: bytes[offset..<offset + count], as: UTF8.self)
        offset += count
        return value
    }
}
