import Foundation

/// A 128-bit digest of a file's bytes, recorded with every file of the site in the output's marker so that the next
/// build can tell which files it has to write without opening the old ones. It tells files apart, it does not guard
/// against anyone: the bytes come from the editors' own content. Eight bytes at a time in two lanes, then mixed.
struct FileDigest: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(_ data: Data) {
        var a: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(data.count)
        var b: UInt64 = 0x1319_8A2E_0370_7344 &+ UInt64(data.count)
        data.withUnsafeBytes { bytes in
            let count = bytes.count
            var offset = 0
            while offset + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                a = ((a ^ word) &* 0x9E37_79B9_7F4A_7C15).rotatedLeft(by: 29)
                b = (b &+ word) &* 0xC2B2_AE3D_27D4_EB4F
                b ^= b >> 31
                offset += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            a = ((a ^ tail) &* 0x9E37_79B9_7F4A_7C15).rotatedLeft(by: 29)
            b = (b &+ tail) &* 0xC2B2_AE3D_27D4_EB4F
        }
        high = Self.mix(a ^ b.rotatedLeft(by: 17))
        low = Self.mix(b &+ high)
    }

    /// The digest of a file made from one with this digest by `recipe` (a compressed copy: its suffix and the settings).
    func derived(_ recipe: String) -> FileDigest {
        var data = Data(capacity: 16 + recipe.utf8.count)
        withUnsafeBytes(of: high.littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: low.littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: recipe.utf8)
        return FileDigest(data)
    }

    /// MurmurHash3's finaliser: every bit of the input moves every bit of the output.
    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    /// 32 hex digits.
    func appendHex(to bytes: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        for word in [high, low] {
            for shift in stride(from: 60, through: 0, by: -4) { bytes.append(digits[Int((word >> UInt64(shift)) & 0xF)]) }
        }
    }

    /// From 32 hex digits.
    init?(hex: UnsafeRawBufferPointer) {
        guard hex.count == 32 else { return nil }
        var words: [UInt64] = [0, 0]
        for (index, byte) in hex.enumerated() {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            words[index / 16] = words[index / 16] << 4 | UInt64(value)
        }
        high = words[0]
        low = words[1]
    }
}

private extension UInt64 {
    func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
