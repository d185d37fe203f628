import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One event read from a `text/event-stream`, stamped when it arrived.
struct StreamedEvent: Sendable {
    var name: String
    var data: String
    var receivedAt: ContinuousClock.Instant

    /// The event's JSON data.
    var payload: EventPayload {
        get throws { try JSONDecoder().decode(EventPayload.self, from: Data(data.utf8)) }
    }
}

/// The fields the preview server's events carry.
struct EventPayload: Decodable, Sendable {
    struct Problem: Decodable, Sendable, Equatable {
        var path: String
        var line: Int
        var column: Int
        var message: String
    }

    var version: String
    var ok: Bool?
    var changed: [String]?
    var errors: [Problem]?
}

/// Reads a live-reload stream the way EventSource does, over a real loopback connection, on a thread of its own.
final class EventStreamClient: Sendable {
    private struct State {
        var events: [StreamedEvent] = []
        var consumed = 0
        var comments = 0
        var retry: Int?
        var ended = false
        var socket: Int32?
    }

    let status: Int
    let headers: [String: String]
    private let state: Mutex<State>

    init(port: Int, path: String = "/__briefing/events") async throws {
        let (descriptor, status, headers, rest) = try await LoopbackHTTP.onOwnThread { try Self.open(port: port, path: path) }
        self.status = status
        self.headers = headers
        state = Mutex(State(socket: descriptor))
        Thread.detachNewThread { [self] in read(descriptor, startingWith: rest) }
    }

    var ended: Bool { state.withLock { $0.ended } }
    var comments: Int { state.withLock { $0.comments } }
    var retry: Int? { state.withLock { $0.retry } }

    /// The next event not returned before, if it is named `name`; waits up to `timeout` for it.
    func next(_ name: String, timeout: Duration = .seconds(5)) async throws -> StreamedEvent {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found: StreamedEvent? = try state.withLock { state in
                guard state.consumed < state.events.count else { return nil }
                let event = state.events[state.consumed]
                state.consumed += 1
                guard event.name == name else {
                    throw LoopbackError("expected a '\(name)' event, got '\(event.name)': \(event.data)")
                }
                return event
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw LoopbackError("no '\(name)' event within \(timeout)")
    }

    /// Waits until the server ends the stream.
    func waitUntilEnded(timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !ended {
            guard ContinuousClock.now < deadline else { throw LoopbackError("the event stream is still open after \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func close() {
        state.withLock { state in
            if let socket = state.socket { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    deinit { close() }

    // MARK: - Reading (on the reader thread)

    private static func open(port: Int, path: String) throws -> (Int32, Int, [String: String], [UInt8]) {
        let descriptor = try LoopbackHTTP.connectSocket(port: port, timeoutSeconds: 30)
        do {
            try LoopbackHTTP.sendAll(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8), to: descriptor)
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while LoopbackHTTP.headEnd(received) == nil {
                let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw LoopbackError("connection closed before the response head") }
                received += chunk[..<count]
            }
            let end = LoopbackHTTP.headEnd(received)!
            let (status, headers) = try LoopbackHTTP.parseHead(received[..<end])
            return (descriptor, status, headers, Array(received[(end + 4)...]))
        } catch {
            Glibc.close(descriptor)
            throw error
        }
    }

    private func read(_ descriptor: Int32, startingWith first: [UInt8]) {
        var chunked = ChunkDecoder()
        var text = ""
        var incoming = first
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let (bytes, finished) = chunked.feed(incoming)
            text += String(decoding: bytes, as: UTF8.self)
            while let blockEnd = text.range(of: "\n\n") {
                parse(String(text[..<blockEnd.lowerBound]))
                text = String(text[blockEnd.upperBound...])
            }
            if finished { break }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            incoming = Array(buffer[..<count])
        }
        state.withLock { state in
            state.ended = true
            if let socket = state.socket { Glibc.close(socket) }
            state.socket = nil
        }
    }

    private func parse(_ block: String) {
        var name = "message"
        var data: [String] = []
        var isComment = false
        var retry: Int?
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") { isComment = true }
            else if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            else if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            else if line.hasPrefix("retry: ") { retry = Int(line.dropFirst(7)) }
        }
        let event = StreamedEvent(name: name, data: data.joined(separator: "\n"), receivedAt: .now)
        state.withLock { state in
            if let retry { state.retry = retry }
            if isComment { state.comments += 1 } else if !data.isEmpty { state.events.append(event) }
        }
    }
}

/// Undoes `Transfer-Encoding: chunked` as bytes arrive.
private struct ChunkDecoder {
    private var pending: [UInt8] = []

    /// The payload bytes now complete, and whether the last chunk was seen.
    mutating func feed(_ bytes: [UInt8]) -> ([UInt8], Bool) {
        pending += bytes
        var output: [UInt8] = []
        while let lineEnd = pending.indices.dropLast().first(where: { pending[$0] == 13 && pending[$0 + 1] == 10 }) {
            guard let size = Int(String(decoding: pending[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16) else {
                return (output, true)
            }
            if size == 0 { return (output, true) }
            guard pending.count >= lineEnd + 2 + size + 2 else { break }
            output += pending[(lineEnd + 2)..<(lineEnd + 2 + size)]
            pending.removeFirst(lineEnd + 2 + size + 2)
        }
        return (output, false)
    }
}
