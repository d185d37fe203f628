import CZlib
import Foundation

// The only file that calls zlib.

/// gzip (RFC 1952) through the system's zlib, as `gzip -n` writes it: no file name and a modification time of 0 in the
/// header, so the same bytes compress to the same file on every build.
enum Gzip {
    /// `zlib 1.2.13`: what a file compressed by this build depends on, besides the level.
    static let settings = "zlib \(String(cString: zlibVersion()))"

    /// `data` compressed at `level` (1 to 9); nil if zlib fails (it fails only when out of memory).
    static func compress(_ data: Data, level: Int32) -> Data? {
        var stream = z_stream()
        // 15 bits of window plus 16: a gzip header and trailer instead of zlib's. `deflateInit2` is a C macro, which
        // Swift does not import; this is what it expands to.
        let windowBits: Int32 = 15 + 16
        guard deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 9, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count)))
        var output = Data(count: bound)
        let status = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                // zlib takes a mutable pointer to its input but only reads it.
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.count = Int(stream.total_out)
        return output
    }
}
