import Foundation

/// What every image is made into, and the limits it is held to. Every setting that changes the output is part of the
/// cache key (`key`), so a change of setting processes the images again.
public struct ImageSettings: Sendable, Hashable {
    /// The widths of the full-frame variants; an image narrower than one of them stops at its own width (never enlarged).
    public var widths = [320, 640, 960, 1280, 1920]
    public var jpegQuality = 80
    public var webpQuality = 80
    /// AVIF too: about nine times slower than WebP with bookworm's libheif, so off by default.
    public var avif = false
    public var avifQuality = 60
    /// Larger files are refused before anything reads them.
    public var sizeLimit = 50 * 1024 * 1024
    /// Images of more pixels are refused on their header, before any pixel is decoded (decompression bombs).
    public var pixelLimit = 100_000_000
    /// How long one image may take before its worker is killed and the image reported.
    public var deadline: Duration = .seconds(120)
    /// The address space one worker may use (setrlimit RLIMIT_AS): a decoder asking for more fails that image.
    public var memoryLimit = 3 * 1024 * 1024 * 1024

    public init() {}

    /// The crops made of every image, around its focus point: portraits on person cards, photos on timeline items,
    /// and the picture of link previews (1200 × 630, what social networks show large).
    var crops: [ImageCrop] {
        [ImageCrop(name: "square-160", width: 160, height: 160, formats: formats),
         ImageCrop(name: "square-320", width: 320, height: 320, formats: formats),
         ImageCrop(name: "card-320", width: 320, height: 213, formats: formats),
         ImageCrop(name: "card-640", width: 640, height: 427, formats: formats),
         // JPEG only: every link-preview crawler reads it.
         ImageCrop(name: "social", width: 1200, height: 630, formats: [.jpeg])]
    }

    /// The formats every variant is saved in, the most compact first; JPEG last, as the fallback every browser shows.
    var formats: [VariantFormat] { (avif ? [.avif] : []) + [.webp, .jpeg] }

    /// The full-frame widths made of an image `width` pixels wide, narrowest first: the standard widths it reaches,
    /// and its own width when it falls between two (or is narrower than the first).
    func variantWidths(forWidth width: Int) -> [Int] {
        var chosen = widths.sorted().filter { $0 <= width }
        if chosen.last != width, width < (widths.max() ?? width) { chosen.append(width) }
        return chosen.isEmpty ? [width] : chosen
    }

    /// Everything here that changes the bytes of a variant, as text for the cache key.
    var outputDescription: String {
        "widths \(widths.sorted()) jpeg \(jpegQuality) webp \(webpQuality) avif \(avif ? String(avifQuality) : "off") "
            + "crops \(crops.map { "\($0.name) \($0.width)x\($0.height) \($0.formats.map(\.fileExtension))" }) "
            + "pipeline \(Self.pipelineVersion)"
    }

    /// Raised when the processing code changes what it makes, so caches made before are not reused.
    static let pipelineVersion = 1
}

/// A crop of a fixed shape, e.g. the 1200 × 630 link preview.
struct ImageCrop: Sendable, Hashable {
    var name: String
    var width: Int
    var height: Int
    var formats: [VariantFormat]
}

/// The point of an image to keep in crops, as fractions of its width and height from the top left.
public struct ImageFocus: Sendable, Hashable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    public static let centre = ImageFocus(x: 0.5, y: 0.5)

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// `0.5, 0.3`; nil if it is not two numbers from 0 to 1.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]), (0...1).contains(x), (0...1).contains(y) else { return nil }
        self.init(x: x, y: y)
    }

    public var description: String { "\(x), \(y)" }
}

/// The file formats variants are written in.
public enum VariantFormat: String, Sendable, Hashable, CaseIterable {
    case avif, webp, jpeg

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    public var mediaType: String { "image/\(rawValue)" }
}

/// One file made of an image: a full-frame width or a crop, in one format.
public struct ImageVariant: Sendable, Hashable {
    /// `640` for a full-frame width, or a crop's name such as `social`.
    public var name: String
    public var format: VariantFormat
    public var width: Int
    public var height: Int

    /// The file's name in the cache folder of its image, e.g. `640.webp`.
    public var fileName: String { "\(name).\(format.fileExtension)" }
}

/// What processing made of an image: its size as shown (after the EXIF orientation) and its variants.
public struct ProcessedImage: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var variants: [ImageVariant]
}

/// One image for a worker to process.
struct ImageJob: Sendable {
    /// The source file's absolute path.
    var source: String
    /// An empty folder for the variants.
    var folder: String
    var focus: ImageFocus
    var settings: ImageSettings
}
