import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The parts of a `multipart/form-data` body (RFC 7578), as a browser sends a form with a file input: each part's
/// name, its file name if it is a file, and its bytes. Nil for a body that is not well formed.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var fileName: String?
        var bytes: [UInt8]
    }

    var parts: [Part]

    init?(_ body: some Collection<UInt8>, contentType: String?) {
        guard let contentType, let boundary = Self.boundary(contentType) else { return nil }
        let bytes = Array(body)
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n--\(boundary)".utf8)
        guard bytes.starts(with: delimiter) else { return nil }
        var parts: [Part] = []
        var position = delimiter.count
        while true {
            // After a delimiter: `--` ends the body, CRLF starts a part.
            if bytes[position...].starts(with: Array("--".utf8)) { break }
            guard bytes[position...].starts(with: [13, 10]) else { return nil }
            position += 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: bytes, from: position) else { return nil }
            let headers = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let contentEnd = Self.find(separator, in: bytes, from: contentStart) else { return nil }
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = Self.parameter("name", in: String(disposition)) else { return nil }
            parts.append(Part(name: name, fileName: Self.parameter("filename", in: String(disposition)), bytes: Array(bytes[contentStart..<contentEnd])))
            position = contentEnd + separator.count
            guard position <= bytes.count else { return nil }
        }
        self.parts = parts
    }

    /// The text of the first part named `name`.
    subscript(_ name: String) -> String? {
        parts.first { $0.name == name && $0.fileName == nil }.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// The first file part named `name`.
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.fileName != nil }
    }

    private static func boundary(_ contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.count > 70 ? nil : value
        }
        return nil
    }

    /// `name="value"` in a Content-Disposition field.
    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix(name + "=") else { continue }
            var value = String(trimmed.dropFirst(name.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    /// Where `needle` first occurs in `haystack` at or after `start`: memchr finds each candidate first byte and memcmp
    /// compares, so a photograph's megabytes are searched in C, not byte by byte in Swift.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay -> Int? in
            needle.withUnsafeBufferPointer { pin -> Int? in
                guard let base = hay.baseAddress, let pattern = pin.baseAddress else { return nil }
                let last = hay.count - pin.count
                var index = start
                while index <= last {
                    guard let found = memchr(base + index, Int32(pin[0]), last - index + 1) else { return nil }
                    let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + offset, pattern, pin.count) == 0 { return offset }
                    index = offset + 1
                }
                return nil
            }
        }
    }
}
