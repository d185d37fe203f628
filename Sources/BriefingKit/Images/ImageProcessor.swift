import CVips
import CVipsShim
import Foundation

// Every call into libvips lives in this file; nothing else imports CVips or CVipsShim. It runs only in image worker
// processes (`ImageWorker`): decoders are C, and a crash or a hang in one must cost one image, not the build.

/// Makes the variants of one image with libvips.
enum ImageProcessor {
    /// The libvips version, part of every cache key: another version may make other bytes.
    static var libraryVersion: String { String(cString: vips_version_string()) }

    /// Starts libvips in this process: once, before any other call. `threads` bounds libvips's own thread pool.
    static func start(threads: Int) -> Bool {
        guard briefing_vips_init(CommandLine.arguments.first ?? "briefing") == 0 else { return false }
        // Only the loaders a briefing accepts, never ones that read other files or run other programs.
        vips_block_untrusted_set(1)
        // Each image is read once: libvips's operation cache would only hold memory.
        vips_cache_set_max(0)
        vips_concurrency_set(Int32(max(1, threads)))
        return true
    }

    /// Reads `job.source` and writes its variants into `job.folder`, which exists and is empty.
    static func process(_ job: ImageJob) -> Result<ProcessedImage, ImageProblem> {
        defer { vips_error_clear() }
        guard let header = briefing_vips_open_header(job.source) else {
            return .failure(.damaged(libvipsError()))
        }
        let loader = briefing_vips_loader(header).map { String(cString: $0) } ?? "unknown"
        let storedWidth = Int(vips_image_get_width(header)), storedHeight = Int(vips_image_get_height(header))
        let pages = Int(vips_image_get_n_pages(header))
        let swapped = vips_image_get_orientation_swap(header) != 0
        g_object_unref(header)

        guard ImageFormat.allCases.contains(where: { $0.loader == loader }) else { return .failure(.unsupportedLoader(loader)) }
        // Checked on the header, before a single pixel is decoded: a small file can claim billions of pixels.
        guard storedWidth > 0, storedHeight > 0 else { return .failure(.damaged("the header gives no size")) }
        guard storedWidth * storedHeight <= job.settings.pixelLimit else {
            return .failure(.tooManyPixels(width: storedWidth, height: storedHeight, limit: job.settings.pixelLimit))
        }
        guard pages == 1 else { return .failure(.severalFrames(pages)) }
        let width = swapped ? storedHeight : storedWidth, height = swapped ? storedWidth : storedHeight

        // Decoded once, shrunk on load to the widest variant needed, oriented, in sRGB; every variant is made from it.
        let widths = job.settings.variantWidths(forWidth: width)
        var decoded: UnsafeMutablePointer<VipsImage>?
        guard briefing_vips_thumbnail(job.source, &decoded, Int32(widths.last!), Int32(VIPS_MAX_COORD)) == 0, let decoded else {
            return .failure(.damaged(libvipsError()))
        }
        defer { g_object_unref(decoded) }
        var converted: UnsafeMutablePointer<VipsImage>?
        guard briefing_vips_to_srgb8(decoded, &converted) == 0, let converted else { return .failure(.damaged(libvipsError())) }
        defer { g_object_unref(converted) }
        // No variant may carry the source's EXIF (GPS, camera, serial numbers), XMP, IPTC or profile: removed here, from
        // the image every variant is made of, and again by each saver's `strip`.
        var stripped: UnsafeMutablePointer<VipsImage>?
        guard briefing_vips_without_metadata(converted, &stripped) == 0, let stripped else { return .failure(.damaged(libvipsError())) }
        defer { g_object_unref(stripped) }
        // Into memory now: this is where the whole file is decoded and a damaged one fails.
        guard let base = vips_image_copy_memory(stripped) else { return .failure(.damaged(libvipsError())) }
        defer { g_object_unref(base) }

        var variants: [ImageVariant] = []
        for variantWidth in widths.reversed() {
            var scaled: UnsafeMutablePointer<VipsImage>?
            guard briefing_vips_thumbnail_image(base, &scaled, Int32(variantWidth), Int32(VIPS_MAX_COORD)) == 0, let scaled else {
                return .failure(.damaged(libvipsError()))
            }
            defer { g_object_unref(scaled) }
            switch save(scaled, name: String(variantWidth), job: job) {
            case .success(let saved): variants += saved
            case .failure(let problem): return .failure(problem)
            }
        }
        for crop in job.settings.crops {
            switch cropped(base, to: crop, focus: job.focus) {
            case .success(let image):
                defer { g_object_unref(image) }
                switch save(image, name: crop.name, job: job, formats: crop.formats) {
                case .success(let saved): variants += saved
                case .failure(let problem): return .failure(problem)
                }
            case .failure(let problem): return .failure(problem)
            }
        }
        return .success(ProcessedImage(width: width, height: height, variants: variants))
    }

    /// `image` saved as each of `formats` (the settings' by default) under `name`.
    private static func save(_ image: UnsafeMutablePointer<VipsImage>, name: String, job: ImageJob,
                             formats: [VariantFormat]? = nil) -> Result<[ImageVariant], ImageProblem> {
        var saved: [ImageVariant] = []
        let width = Int(vips_image_get_width(image)), height = Int(vips_image_get_height(image))
        var flattened: UnsafeMutablePointer<VipsImage>?
        defer { if let flattened { g_object_unref(flattened) } }
        for format in formats ?? job.settings.formats {
            let file = "\(name).\(format.fileExtension)"
            let path = job.folder + "/" + file
            let status: Int32
            switch format {
            case .webp:
                status = briefing_vips_save_webp(image, path, Int32(job.settings.webpQuality))
                guard status != 0 || WebPMetadata.strip(path) else { return .failure(.cannotWrite("cannot remove the metadata of \(file)")) }
            case .avif: status = briefing_vips_save_avif(image, path, Int32(job.settings.avifQuality))
            case .jpeg:
                // JPEG has no transparency: a transparent PNG's fallback is shown over white.
                if flattened == nil {
                    guard briefing_vips_flatten_white(image, &flattened) == 0 else { return .failure(.cannotWrite(libvipsError())) }
                }
                status = briefing_vips_save_jpeg(flattened, path, Int32(job.settings.jpegQuality))
            }
            guard status == 0 else { return .failure(.cannotWrite(libvipsError())) }
            saved.append(ImageVariant(name: name, format: format, width: width, height: height))
        }
        return .success(saved)
    }

    /// `image` cut to `crop`'s shape around `focus` and shrunk to its size; never enlarged, so a small image gives a
    /// smaller crop of the same shape.
    private static func cropped(_ image: UnsafeMutablePointer<VipsImage>, to crop: ImageCrop, focus: ImageFocus)
        -> Result<UnsafeMutablePointer<VipsImage>, ImageProblem> {
        let width = Double(vips_image_get_width(image)), height = Double(vips_image_get_height(image))
        let scale = max(Double(crop.width) / width, Double(crop.height) / height)
        var source = image
        var resized: UnsafeMutablePointer<VipsImage>?
        defer { if let resized { g_object_unref(resized) } }
        var cropWidth = crop.width, cropHeight = crop.height
        if scale < 1 {
            guard briefing_vips_resize(image, &resized, scale) == 0, let resized else { return .failure(.damaged(libvipsError())) }
            source = resized
        } else {
            cropWidth = Int((Double(crop.width) / scale).rounded(.down))
            cropHeight = Int((Double(crop.height) / scale).rounded(.down))
        }
        let sourceWidth = Int(vips_image_get_width(source)), sourceHeight = Int(vips_image_get_height(source))
        cropWidth = max(1, min(cropWidth, sourceWidth))
        cropHeight = max(1, min(cropHeight, sourceHeight))
        let left = min(max(0, Int(focus.x * Double(sourceWidth)) - cropWidth / 2), sourceWidth - cropWidth)
        let top = min(max(0, Int(focus.y * Double(sourceHeight)) - cropHeight / 2), sourceHeight - cropHeight)
        var out: UnsafeMutablePointer<VipsImage>?
        guard briefing_vips_extract(source, &out, Int32(left), Int32(top), Int32(cropWidth), Int32(cropHeight)) == 0, let out else {
            return .failure(.damaged(libvipsError()))
        }
        return .success(out)
    }

    /// libvips's messages since the last call, on one line. Its error buffer is process-wide: the worker handles one
    /// image at a time, so it holds this image's messages only.
    private static func libvipsError() -> String {
        let text = String(cString: vips_error_buffer())
        vips_error_clear()
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var seen: Set<String> = []
        return lines.filter { seen.insert($0).inserted }.joined(separator: "; ")
    }
}
