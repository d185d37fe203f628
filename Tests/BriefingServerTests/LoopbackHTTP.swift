import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response as read off the wire.
struct HTTPReply: Sendable {
    var status: Int
    /// Header names in lower case; repeated fields joined with ", ".
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    subscript(_ name: String) -> String? { headers[name.lowercased()] }
}

struct LoopbackError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// HTTP/1.1 over a plain loopback socket. The request goes out byte for byte as written, so paths such as `/../x` or
/// `/%2e%2e/x` reach the server unnormalised, as an attacker would send them (URLSession would clean them up first).
/// Blocking socket calls run on threads of their own, never on the task pool or the Dispatch queues the server shares.
enum LoopbackHTTP {
    static func get(_ target: String, port: Int, method: String = "GET", headers: [String: String] = [:]) async throws -> HTTPReply {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        return try await send(Array(request.utf8), port: port, isHead: method == "HEAD")
    }

    static func send(_ request: [UInt8], port: Int, isHead: Bool = false) async throws -> HTTPReply {
        try await onOwnThread { try exchange(request, port: port, isHead: isHead) }
    }

    /// Runs blocking work on a new thread. Not on Dispatch's global queues: they are as wide as the machine has cores,
    /// and the server under test needs them for its builds, so a few blocked reads there would stall the very server they wait for.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// A connected socket to 127.0.0.1:`port`, with a receive timeout so a test never hangs.
    static func connectSocket(port: Int, timeoutSeconds: Int = 5) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackError("socket: \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw LoopbackError("connect to port \(port): errno \(errno)")
        }
        return descriptor
    }

    static func sendAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw LoopbackError("send: errno \(errno)") }
            sent += count
        }
    }

    static func exchange(_ request: [UInt8], port: Int, isHead: Bool) throws -> HTTPReply {
        let descriptor = try connectSocket(port: port)
        defer { close(descriptor) }
        try sendAll(request, to: descriptor)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw LoopbackError("recv: errno \(errno) after \(received.count) bytes") }
            if count == 0 { break }
            received += chunk[..<count]
        }
        return try parse(received, isHead: isHead)
    }

    static func parseHead(_ bytes: ArraySlice<UInt8>) throws -> (status: Int, headers: [String: String]) {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw LoopbackError("bad status line '\(lines[0])'") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        return (status, headers)
    }

    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    static func parse(_ bytes: [UInt8], isHead: Bool) throws -> HTTPReply {
        guard let end = headEnd(bytes) else { throw LoopbackError("no complete response head in \(bytes.count) bytes") }
        let (status, headers) = try parseHead(bytes[..<end])
        var body = Array(bytes[(end + 4)...])
        if isHead || status == 304 {
            guard body.isEmpty else { throw LoopbackError("a \(isHead ? "HEAD" : "304") response came with \(body.count) body bytes") }
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body)
        } else if let length = headers["content-length"].flatMap(Int.init), length != body.count {
            throw LoopbackError("Content-Length \(length) but \(body.count) body bytes")
        }
        return HTTPReply(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = (index..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                  let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { throw LoopbackError("bad chunk") }
            if size == 0 { break }
            result += bytes[(lineEnd + 2)..<(lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return result
    }
}
