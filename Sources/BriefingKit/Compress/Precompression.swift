import Foundation

/// Compressed copies of the site's text files, written beside them (`index.html.br`, `index.html.gz`) for servers that
/// send them as they are instead of compressing on every request: nginx's `gzip_static` and `brotli_static`, Apache
/// with the rules of the `.htaccess` the build writes.
struct Precompression: Sendable {
    /// The kinds of file a server sends compressed: every text format the site has.
    static let extensions: Set<String> = ["html", "css", "js", "json", "xml", "txt", "svg"]
    /// Files of this size or smaller fit in one packet either way.
    static let minimumSize = 1024
    /// A variant that saves less than a tenth of the plain file is not worth a second file on the server.
    static let minimumSaving = 0.10

    /// One compressed copy: its suffix and how it is made.
    struct Encoding: Sendable {
        var suffix: String
        var compress: @Sendable (Data) -> Data?
    }

    static let encodings = [Encoding(suffix: ".br", compress: Brotli.compress), Encoding(suffix: ".gz", compress: Gzip.compress)]

    /// What the compressed files depend on besides the plain file's bytes: a variant of an unchanged file is reused from
    /// the previous build only if that build recorded the same settings.
    static let settings = Brotli.settings + "; " + Gzip.settings

    /// Whether a file at `path` of `size` bytes gets compressed copies.
    static func applies(to path: String, size: Int) -> Bool {
        guard size > minimumSize, let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return extensions.contains(String(path[path.index(after: dot)...]))
    }

    /// The compressed copies of `contents` worth keeping: each suffix with its bytes.
    static func variants(of contents: Data) -> [(suffix: String, bytes: Data)] {
        let largest = Int(Double(contents.count) * (1 - minimumSaving))
        return encodings.compactMap { encoding in
            guard let bytes = encoding.compress(contents), bytes.count <= largest else { return nil }
            return (encoding.suffix, bytes)
        }
    }
}
