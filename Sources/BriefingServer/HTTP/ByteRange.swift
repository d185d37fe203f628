/// What a `Range` header asks of a representation of a known size (RFC 9110 §14).
enum ByteRange: Sendable, Equatable {
    /// Serve the whole representation: no header, a header this server ignores (several ranges, another unit), or a malformed one.
    case whole
    /// Serve `range` (non-empty, inside the representation) with 206.
    case partial(ClosedRange<Int>)
    /// Nothing of the representation is selected: 416.
    case unsatisfiable

    /// Resolves `header` (such as `bytes=0-99`, `bytes=500-`, `bytes=-3`) against a representation of `size` bytes.
    init(header: String?, size: Int) {
        guard let header else { self = .whole; return }
        let trimmed = header.trimmingSpaces
        guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals].trimmingSpaces.lowercased() == "bytes" else {
            self = .whole
            return
        }
        let spec = trimmed[trimmed.index(after: equals)...].trimmingSpaces
        // Multipart range responses are optional; a client asking for several ranges gets the whole file.
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let first = spec[..<dash].trimmingSpaces
        let last = spec[spec.index(after: dash)...].trimmingSpaces

        if first.isEmpty {
            guard let suffix = Self.number(last) else { self = .whole; return }
            guard suffix > 0, size > 0 else { self = .unsatisfiable; return }
            self = .partial(max(0, size - suffix)...(size - 1))
            return
        }
        guard let start = Self.number(first) else { self = .whole; return }
        var end = size - 1
        if !last.isEmpty {
            guard let requestedEnd = Self.number(last), requestedEnd >= start else { self = .whole; return }
            end = min(end, requestedEnd)
        }
        guard start < size else { self = .unsatisfiable; return }
        self = .partial(start...end)
    }

    /// A run of ASCII digits that fits comfortably in an `Int`.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(text)
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        let characters = Substring(self)
        guard let start = characters.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let end = characters.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return characters[start...end]
    }
}
