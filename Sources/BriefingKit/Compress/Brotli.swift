import CBrotli
import Foundation

// The only file that calls the brotli library.

/// Brotli (RFC 7932) through Debian's libbrotlienc, in its mode for UTF-8 text, with a 4 MB window.
enum Brotli {
    private static let window: Int32 = 22

    /// `brotli 1.0.9 window 22`: what a file compressed by this build depends on, besides the quality.
    static let settings: String = {
        let version = BrotliEncoderVersion()
        return "brotli \(version >> 24).\((version >> 12) & 0xFFF).\(version & 0xFFF) window \(window)"
    }()

    /// `data` compressed at `quality` (0 to 11); nil if the library fails (it fails only when out of memory).
    static func compress(_ data: Data, quality: Int32) -> Data? {
        var size = BrotliEncoderMaxCompressedSize(data.count)
        guard size > 0 else { return nil }
        var output = Data(count: size)
        let succeeded = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                BrotliEncoderCompress(quality, window, BROTLI_MODE_TEXT, input.count, input.bindMemory(to: UInt8.self).baseAddress,
                                      &size, out.bindMemory(to: UInt8.self).baseAddress)
            }
        }
        guard succeeded == BROTLI_TRUE else { return nil }
        output.count = size
        return output
    }
}
