import Foundation
import Templates

// The views of images: pictures in their variants, figures with their credits, link-preview pictures and JSON-LD.
extension PageRenderer {
    /// How wide the layout shows a figure: the text column (48rem less its padding) on wide screens, the screen less
    /// its padding on phones.
    static let figureSizes = "(min-width: 48rem) 45.5rem, calc(100vw - 2.5rem)"
    /// A person's portrait on their page: floated beside the heading from 36rem up.
    static let portraitSizes = "(min-width: 36rem) 12rem, calc(100vw - 2.5rem)"
    static let cardPortraitSizes = "4.5rem"
    static let eventPhotoSizes = "(min-width: 36rem) 10rem, 6rem"

    /// The full-frame picture of image `id`, as seen from the page at `path`; `alt` replaces the sidecar's.
    func picture(_ id: String, from path: String, sizes: String, alt: String? = nil) -> PictureView? {
        guard let image = images.images[id] else { return nil }
        let jpegs = image.widths(.jpeg)
        // The fallback `src`: the variant nearest a common screen's need, for browsers without srcset.
        guard let fallback = jpegs.last(where: { $0.width <= 960 }) ?? jpegs.first else { return nil }
        return pictureView(image, variants: { image.widths($0) }, fallback: fallback, from: path, sizes: sizes, alt: alt)
    }

    /// A crop of image `id` (its variants `names`, smallest first) as seen from `path`.
    func croppedPicture(_ id: String, _ names: [String], from path: String, sizes: String) -> PictureView? {
        guard let image = images.images[id] else { return nil }
        let variants: (VariantFormat) -> [ImageVariant] = { format in
            names.flatMap { image.crop($0) }.filter { $0.format == format }.sorted { $0.width < $1.width }
        }
        guard let fallback = variants(.jpeg).first else { return nil }
        return pictureView(image, variants: variants, fallback: fallback, from: path, sizes: sizes, alt: nil)
    }

    private func pictureView(_ image: PublishedImage, variants: (VariantFormat) -> [ImageVariant], fallback: ImageVariant,
                             from path: String, sizes: String, alt: String?) -> PictureView {
        let root = SitePaths.root(from: path)
        func srcset(_ list: [ImageVariant]) -> String {
            // A crop smaller than asked for (of a small image) can repeat a width: one entry each.
            var seen: Set<Int> = []
            return list.filter { seen.insert($0.width).inserted }.map { "\(root)\(image.outputPath($0)) \($0.width)w" }.joined(separator: ", ")
        }
        let sources = VariantFormat.allCases.filter { $0 != .jpeg }.compactMap { format -> PictureSource? in
            let list = variants(format)
            return list.isEmpty ? nil : PictureSource(type: format.mediaType, srcset: srcset(list))
        }
        return PictureView(sources: sources, src: root + image.outputPath(fallback), srcset: srcset(variants(.jpeg)), sizes: sizes,
                           width: fallback.width, height: fallback.height, alt: alt ?? image.image.fields.alt)
    }

    /// Image `id` as a figure with its caption and credit, as seen from `path`.
    func figure(_ id: String?, from path: String, sizes: String = PageRenderer.figureSizes, alt: String? = nil, caption: String? = nil) -> FigureView? {
        guard let id, let picture = picture(id, from: path, sizes: sizes, alt: alt), let image = images.images[id] else { return nil }
        let fields = image.image.fields
        return FigureView(picture: picture, caption: caption ?? fields.caption, credit: fields.credit, license: fields.license,
                          licenseURL: fields.licenseURL)
    }

    /// A portrait cropped square, for person cards.
    func portrait(_ id: String?, from path: String) -> PictureView? {
        id.flatMap { croppedPicture($0, ["square-160", "square-320"], from: path, sizes: Self.cardPortraitSizes) }
    }

    /// An event's photograph cropped to the card shape, for timeline items.
    func eventPhoto(_ id: String?, from path: String) -> PictureView? {
        id.flatMap { croppedPicture($0, ["card-320", "card-640"], from: path, sizes: Self.eventPhotoSizes) }
    }

    /// The entry's body with its figures in place of their placeholders.
    func bodyHTML(_ entry: Entry, from path: String) -> HTML {
        guard !entry.body.figures.isEmpty else { return HTML(renderedMarkdown: entry.body.html) }
        var html = entry.body.html
        for (index, markdownFigure) in entry.body.figures.enumerated() {
            let view = imageID(ofFigure: markdownFigure, in: entry).flatMap {
                figure($0, from: path, alt: markdownFigure.alt.isEmpty ? nil : markdownFigure.alt,
                       caption: markdownFigure.caption.isEmpty ? nil : markdownFigure.caption)
            }
            html = html.replacingOccurrences(of: figurePlaceholder(index), with: view.map { Templates.figure($0).markup } ?? "")
        }
        return HTML(renderedMarkdown: html)
    }

    /// The image id a figure shows: the resolve stage checked its destination names an image of `media/`.
    func imageID(ofFigure figure: MarkdownFigure, in entry: Entry) -> String? {
        let path = figure.destination.split(separator: "#").first.flatMap { $0.split(separator: "?").first }.map(String.init) ?? ""
        let name = ((path.removingPercentEncoding ?? path) as NSString).lastPathComponent
        let id = (name as NSString).deletingPathExtension
        return images.images[id] == nil ? nil : id
    }

    /// Every image id the page of `entry` shows large: its own image, then its figures.
    func imageIDs(of entry: Entry) -> [String] {
        var ids = entry.imageID.map { [$0] } ?? []
        for figure in entry.body.figures {
            if let id = imageID(ofFigure: figure, in: entry), !ids.contains(id) { ids.append(id) }
        }
        return ids.filter { images.images[$0] != nil }
    }

    /// The link-preview picture of a page showing `entry`: its image, else its first figure, else the site's.
    func socialImage(for entry: Entry?) -> SocialImageView? {
        let id = entry.flatMap { imageIDs(of: $0).first } ?? site.config.image
        guard let id, let image = images.images[id], let social = image.crop("social").first else { return nil }
        return SocialImageView(url: absolute(image.outputPath(social)), width: social.width, height: social.height, alt: image.image.fields.alt)
    }

    /// The absolute URLs of the images the page at `page` shows large, for the sitemap.
    func imagesShown(on page: String) -> [String] {
        guard let entry = site.entriesByPage[page] else { return [] }
        return imageIDs(of: entry).compactMap { contentURL(of: $0) }
    }

    /// The absolute URL of image `id`'s largest JPEG.
    func contentURL(of id: String) -> String? {
        guard let image = images.images[id], let largest = image.widths(.jpeg).last else { return nil }
        return absolute(image.outputPath(largest))
    }

    /// schema.org's ImageObject for image `id`, with its credit and licence.
    func imageObject(_ id: String?) -> JSON? {
        guard let id, let image = images.images[id], let largest = image.widths(.jpeg).last else { return nil }
        let fields = image.image.fields
        let url: JSON = .string(absolute(image.outputPath(largest)))
        let creator: JSON? = fields.creator.map { .object(["@type": "Person", "name": .string($0)]) }
        let license: JSON = .string(fields.licenseURL ?? fields.license)
        return .object([
            "@type": "ImageObject", "contentUrl": url, "width": .int(largest.width), "height": .int(largest.height),
            "caption": .string(fields.caption), "description": .string(fields.alt), "creditText": .string(fields.credit),
            "creator": creator, "copyrightNotice": .string(fields.copyright), "license": license,
            "acquireLicensePage": .string(fields.acquireLicenseURL), "dateCreated": .string(fields.date?.description),
        ])
    }
}

/// The first `<img>` of a page loads at once and first; the rest wait until they are near the screen.
func firstImageLoadsFirst(_ page: Data) -> Data {
    let lazy = Data(lazyImage.utf8)
    guard let range = page.range(of: lazy) else { return page }
    var page = page
    page.replaceSubrange(range, with: Data(eagerImage.utf8))
    return page
}
