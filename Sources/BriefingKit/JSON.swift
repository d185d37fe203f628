/// A JSON value with its keys in the order written, serialised the same way every time.
enum JSON: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([JSON])
    case object([Member])
    case null
    /// A value serialised before, written as it is.
    case serialized(String)

    struct Member: Sendable, Hashable {
        var key: String
        var value: JSON
    }

    init(stringLiteral value: String) { self = .string(value) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }

    /// An object; members whose value is nil are left out.
    static func object(_ members: KeyValuePairs<String, JSON?>) -> JSON {
        .object(members.compactMap { key, value in value.map { Member(key: key, value: $0) } })
    }

    static func string(_ value: String?) -> JSON? { value.map(JSON.string) }

    static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

    func serialized() -> String {
        var output = ""
        output.reserveCapacity(1024)
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .string(let text): JSON.writeString(text, to: &output)
        case .int(let number): output += String(number)
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        case .serialized(let json): output += json
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                JSON.writeString(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        // Most text has nothing to escape: append it whole rather than scalar by scalar.
        let needsEscaping: (UInt8) -> Bool = { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0x7F }
        if !(text.utf8.withContiguousStorageIfAvailable { $0.contains(where: needsEscaping) } ?? text.utf8.contains(where: needsEscaping)) {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{0}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
