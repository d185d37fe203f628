/// A request target checked and decoded into path segments that are safe to look up below the site root.
///
/// Segments are split on the raw `/` first and percent-decoded once, each on its own, so an encoded
/// slash (`%2f`) cannot join segments and a double-encoded dot (`%252e`) stays a literal `%2e`.
struct RequestPath: Sendable, Hashable {
    /// Decoded segments, none empty, `.` or `..`, none holding `/`, `\`, NUL or another control character.
    var segments: [String]
    /// Whether the path ended with `/` (always true for the root).
    var trailingSlash: Bool
    /// The query as sent, without the `?`, if any.
    var query: String?

    /// Longer request targets are refused outright; no page of a briefing comes near it.
    static let maximumLength = 2048

    enum Problem: Error, Sendable, Equatable {
        /// Not a path this server could ever answer with a file: 400.
        case malformed(String)
        /// Well-formed but names nothing that is served (hidden files, empty segments): 404.
        case notServed
    }

    init(segments: [String], trailingSlash: Bool, query: String? = nil) {
        self.segments = segments
        self.trailingSlash = trailingSlash
        self.query = query
    }

    /// Checks and decodes a request target such as `/people/x/?q=1`.
    static func parse(_ target: String) -> Result<RequestPath, Problem> {
        guard target.utf8.count <= maximumLength else { return .failure(.malformed("request path too long")) }
        var path = Substring(target)
        if let hash = path.firstIndex(of: "#") { path = path[..<hash] }
        var query: String?
        if let mark = path.firstIndex(of: "?") {
            query = String(path[path.index(after: mark)...])
            path = path[..<mark]
        }
        guard path.hasPrefix("/") else { return .failure(.malformed("request path must start with /")) }

        var rawSegments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var trailingSlash = false
        if rawSegments.last?.isEmpty == true {
            trailingSlash = true
            rawSegments.removeLast()
        }

        var segments: [String] = []
        var hidden = false
        for raw in rawSegments {
            let segment: String
            switch decode(raw) {
            case .success(let decoded): segment = decoded
            case .failure(let problem): return .failure(problem)
            }
            if segment == "." || segment == ".." { return .failure(.malformed("dot segments are not allowed")) }
            if segment.isEmpty || segment.hasPrefix(".") { hidden = true }
            segments.append(segment)
        }
        if hidden { return .failure(.notServed) }
        let parsed = RequestPath(segments: segments, trailingSlash: trailingSlash || segments.isEmpty, query: query)
        // Raw non-ASCII grows threefold when re-encoded: refuse a path whose own redirect would be refused.
        guard parsed.encoded.utf8.count <= maximumLength else { return .failure(.malformed("request path too long")) }
        return .success(parsed)
    }

    /// The path re-encoded for a `Location` header, always starting with a single `/`.
    var encoded: String {
        var result = "/" + segments.map(Self.encode).joined(separator: "/")
        if trailingSlash, !segments.isEmpty { result += "/" }
        if let query { result += "?" + query }
        return result
    }

    // MARK: - Percent-encoding

    private static func decode(_ raw: Substring) -> Result<String, Problem> {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var iterator = raw.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return .failure(.malformed("bad percent-encoding"))
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        for byte in bytes where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") {
            return .failure(.malformed("forbidden character in path"))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(.malformed("path is not UTF-8"))
        }
        return .success(text)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func encode(_ segment: String) -> String {
        var result = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}
