/// The fields of an `application/x-www-form-urlencoded` body (or a query string), in order: a name may repeat, as the
/// items of a list do.
struct FormData: Sendable {
    var fields: [(name: String, value: String)]

    init(fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// Parses `name=value&…`; `+` is a space and `%XX` a byte. Bytes that are not UTF-8 become U+FFFD.
    init(encoded: some Collection<UInt8>) {
        fields = encoded.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The first value of `name`, with line breaks as LF (browsers send a textarea's as CRLF).
    subscript(_ name: String) -> String? {
        fields.first { $0.name == name }.map { Self.lines($0.value) }
    }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map { Self.lines($0.value) }
    }

    private static func lines(_ text: String) -> String {
        text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
    }

    private static func decode(_ bytes: some Collection<UInt8>) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                result.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex), high != bytes.endIndex,
                      let low = bytes.index(high, offsetBy: 1, limitedBy: bytes.endIndex), low != bytes.endIndex,
                      let value = hex(bytes[high]).flatMap({ h in hex(bytes[low]).map { h << 4 | $0 } }) {
                result.append(value)
                index = low
            } else {
                result.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `text` encoded for a query string.
    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
