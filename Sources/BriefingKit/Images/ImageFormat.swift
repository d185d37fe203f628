import Foundation

/// The image formats a briefing accepts in `content/media/`.
public enum ImageFormat: String, Sendable, Hashable, CaseIterable {
    case jpeg, png, webp

    /// The file name endings of the format.
    var extensions: [String] {
        switch self {
        case .jpeg: return ["jpg", "jpeg"]
        case .png: return ["png"]
        case .webp: return ["webp"]
        }
    }

    /// The libvips loader that reads it.
    var loader: String {
        switch self {
        case .jpeg: return "jpegload"
        case .png: return "pngload"
        case .webp: return "webpload"
        }
    }

    var name: String { self == .jpeg ? "JPEG" : rawValue.uppercased() }

    /// The media type its files are served with, e.g. `image/jpeg`.
    public var mediaType: String { "image/" + rawValue }

    /// The file name ending a new file of the format gets, e.g. `jpg`.
    public var fileExtension: String { extensions[0] }

    /// The format of a file named with `fileExtension` (any case), if accepted.
    static func named(_ fileExtension: String) -> ImageFormat? {
        allCases.first { $0.extensions.contains(fileExtension.lowercased()) }
    }

    /// Every accepted ending, for messages: `.jpg, .jpeg, .png or .webp`.
    static var extensionList: String {
        let all = allCases.flatMap(\.extensions).map { "." + $0 }
        return all.dropLast().joined(separator: ", ") + " or " + all.last!
    }
}

/// What the first bytes of a file say it is. Checked before any decoder sees the file: a file whose name says JPEG must
/// hold a JPEG, and SVG, GIF and the rest never reach libvips.
enum SniffedFormat: Equatable {
    case accepted(ImageFormat)
    case gif, svg, tiff, heif, bmp, pdf
    case empty
    case unknown

    init(_ bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(64))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + prefix.count && Array(head[offset..<offset + prefix.count]) == prefix
        }
        if head.isEmpty {
            self = .empty
        } else if starts([0xFF, 0xD8, 0xFF]) {
            self = .accepted(.jpeg)
        } else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .accepted(.png)
        } else if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) {
            self = .accepted(.webp)
        } else if starts(Array("GIF8".utf8)) {
            self = .gif
        } else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) {
            self = .tiff
        } else if starts(Array("ftyp".utf8), at: 4) {
            self = .heif
        } else if starts(Array("BM".utf8)) {
            self = .bmp
        } else if starts(Array("%PDF".utf8)) {
            self = .pdf
        } else {
            // SVG is text: `<svg`, or `<?xml` / a comment / a doctype before it, after any byte-order mark and spaces.
            let text = String(decoding: head, as: UTF8.self).drop { $0 == "\u{FEFF}" || $0.isWhitespace }.lowercased()
            self = text.hasPrefix("<svg") || text.hasPrefix("<?xml") || text.hasPrefix("<!doctype svg") || text.hasPrefix("<!--") ? .svg : .unknown
        }
    }

    /// How the format is named in messages.
    var name: String {
        switch self {
        case .accepted(let format): return format.name
        case .gif: return "GIF"
        case .svg: return "SVG"
        case .tiff: return "TIFF"
        case .heif: return "HEIF/AVIF"
        case .bmp: return "BMP"
        case .pdf: return "PDF"
        case .empty: return "nothing"
        case .unknown: return "no image format briefing knows"
        }
    }
}

/// Why an image cannot be used; each becomes an error at the image file.
enum ImageProblem: Error, Sendable, Equatable {
    case damaged(String)
    case tooManyPixels(width: Int, height: Int, limit: Int)
    case severalFrames(Int)
    case unsupportedLoader(String)
    case cannotWrite(String)
    case timedOut(Duration)
    case crashed(String)
    case unavailable(String)
    /// A problem a worker found, as it worded it.
    case reported(String)

    var message: String {
        switch self {
        case .reported(let message):
            return message
        case .damaged(let detail):
            return "damaged image: it cannot be decoded (\(detail)); export it again from the original"
        case .tooManyPixels(let width, let height, let limit):
            return "image too large: \(width) × \(height) pixels (\(megapixels(width * height)) megapixels); the limit is "
                + "\(megapixels(limit)) megapixels: scale it down before adding it"
        case .severalFrames(let count):
            return "animated or multi-page image (\(count) frames): a briefing shows still photographs; save one frame as JPEG or PNG"
        case .unsupportedLoader(let loader):
            return "not a JPEG, PNG or WebP image (libvips read it with \(loader))"
        case .cannotWrite(let detail):
            return "cannot write the image's variants into the cache: \(detail)"
        case .timedOut(let deadline):
            return "image took longer than \(MarkdownWorkerFailure.seconds(deadline)) to process and was stopped: scale it down or save it again"
        case .crashed(let how):
            return "the image decoder \(how) on this file: export it again from the original"
        case .unavailable(let why):
            return "cannot start the image worker: \(why)"
        }
    }

    private func megapixels(_ pixels: Int) -> String {
        let value = Double(pixels) / 1_000_000
        return value.rounded() == value || value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }
}
