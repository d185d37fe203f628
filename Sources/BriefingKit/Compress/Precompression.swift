import Foundation

/// Compressed copies of the site's text files, written beside them (`index.html.br`, `index.html.gz`) for servers that
/// send them as they are instead of compressing on every request: nginx's `gzip_static` and `brotli_static`, Apache
/// with the rules of the `.htaccess` the build writes.
enum Precompression {
    /// The kinds of file a server sends compressed: every text format the site has.
    static let extensions: Set<String> = ["html", "css", "js", "json", "xml", "txt", "svg"]
    /// Files of this size or smaller fit in one packet either way.
    static let minimumSize = 1024
    /// A variant that saves less than a tenth of the plain file is not worth a second file on the server.
    static let minimumSaving = 0.10

    /// How hard the encoders work on a file. The highest settings cost far more than they save on the many pages of a
    /// large briefing: brotli's quality 11 compresses them at about 0.5 MB/s of CPU time and its 5 at 80 MB/s, for
    /// copies a tenth larger; zlib's level 9 saves a hundredth on level 6 in two thirds of the speed. They are kept for
    /// the stylesheet and scripts, which every reader loads and which change rarely.
    struct Effort: Sendable, Hashable {
        var brotliQuality: Int32
        var gzipLevel: Int32

        static let best = Effort(brotliQuality: 11, gzipLevel: 9)
        static let fast = Effort(brotliQuality: 5, gzipLevel: 6)
    }

    /// Assets up to this size get the best effort; a larger one (a large briefing's search index) is compressed fast.
    static let largestBestEffort = 256 * 1024

    static func effort(for path: String, size: Int) -> Effort {
        path.hasPrefix("assets/") && size <= largestBestEffort ? .best : .fast
    }

    /// The suffixes of the compressed copies, in the order servers prefer them.
    static let suffixes = [".br", ".gz"]

    /// What the compressed files depend on besides the plain file's bytes and path: a copy of an unchanged file is reused
    /// from the previous build only if that build recorded the same settings.
    static let settings = "\(Brotli.settings) quality \(Effort.best.brotliQuality)/\(Effort.fast.brotliQuality); "
        + "\(Gzip.settings) level \(Effort.best.gzipLevel)/\(Effort.fast.gzipLevel); best up to \(largestBestEffort) bytes in assets/"

    /// Whether a file at `path` of `size` bytes gets compressed copies.
    static func applies(to path: String, size: Int) -> Bool {
        guard size > minimumSize, let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return extensions.contains(String(path[path.index(after: dot)...]))
    }

    /// The compressed copies of the file at `path` worth keeping: each suffix with its bytes.
    static func variants(of contents: Data, at path: String) -> [(suffix: String, bytes: Data)] {
        let effort = effort(for: path, size: contents.count)
        let largest = Int(Double(contents.count) * (1 - minimumSaving))
        let copies = [(".br", Brotli.compress(contents, quality: effort.brotliQuality)), (".gz", Gzip.compress(contents, level: effort.gzipLevel))]
        return copies.compactMap { suffix, bytes in
            guard let bytes, bytes.count <= largest else { return nil }
            return (suffix, bytes)
        }
    }
}
