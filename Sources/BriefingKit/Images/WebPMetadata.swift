import Foundation

/// Removes metadata chunks from a WebP file. Debian bookworm's libvips 8.14 writes an EXIF chunk into every WebP file
/// it saves, `strip` or not (with the source's fields when the image still has them, else a generated one): so after
/// saving, the file's `EXIF`, `XMP ` and `ICCP` chunks are taken out here and the `VP8X` header's flags for them cleared.
enum WebPMetadata {
    /// Rewrites the WebP file at `path` without metadata; false if it is not a WebP file this can read or write.
    static func strip(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) else { return false }
        var kept: [UInt8] = Array("WEBP".utf8)
        var offset = 12
        var removed = false
        while offset + 8 <= bytes.count {
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            let end = offset + 8 + size + size % 2
            guard end <= bytes.count else { return false }
            let kind = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            switch kind {
            case "EXIF", "XMP ", "ICCP":
                removed = true
            case "VP8X":
                var chunk = Array(bytes[offset..<end])
                // Flags: ICC profile 0x20, EXIF 0x08, XMP 0x04.
                chunk[8] &= ~UInt8(0x20 | 0x08 | 0x04)
                kept += chunk
            default:
                kept += bytes[offset..<end]
            }
            offset = end
        }
        guard removed else { return true }
        var size = UInt32(kept.count).littleEndian
        let header = Array("RIFF".utf8) + withUnsafeBytes(of: &size) { Array($0) }
        return FileManager.default.createFile(atPath: path, contents: Data(header + kept))
    }
}
