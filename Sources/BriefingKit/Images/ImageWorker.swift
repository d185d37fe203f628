import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The worker side of `ImageWorkerPool`: processes one image at a time, sent over a socket in the frames of
/// `WireFrame`.
///
/// The pool's greeting gives libvips's thread count and the worker's memory limit; the worker sets the limit, starts
/// libvips and answers an empty frame. Then each request is one image (source, folder for the variants, focus,
/// settings) and each answer either its size and variants or the problem found. The worker exits when the pool hangs up.
public enum ImageWorker {
    /// Serves the pool on `input`/`output` (standard input and output in `briefing image-worker`).
    /// Returns false if the conversation broke off in the middle of a message or libvips did not start.
    public static func serve(input: Int32 = 0, output: Int32 = 1) -> Bool {
        guard let greetingFrame = WireFrame.read(from: input) else { return true }
        var greeting = WireReader(greetingFrame)
        guard let threads = greeting.integer(), let memoryLimit = greeting.integer() else { return false }
        // Bounds what a decoder can take: past it, its allocation fails and so does this image, not the machine.
        var limit = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        guard ImageProcessor.start(threads: threads), WireFrame.write([], to: output) else { return false }

        while let frame = WireFrame.read(from: input) {
            var request = WireReader(frame)
            guard let job = decodeJob(&request), let deadline = request.integer() else { return false }
            // If the pool is gone, nobody kills a worker stuck in a decoder; this alarm does, a little after the pool would.
            alarm(UInt32(deadline + 2))
            let result = ImageProcessor.process(job)
            alarm(0)
            guard WireFrame.write(encode(result), to: output) else { return false }
        }
        return true
    }

    // MARK: - Messages

    static func greeting(threads: Int, memoryLimit: Int) -> [UInt8] {
        var writer = WireWriter()
        writer.integer(threads)
        writer.integer(memoryLimit)
        return writer.bytes
    }

    static func request(_ job: ImageJob) -> [UInt8] {
        var writer = WireWriter()
        writer.string(job.source)
        writer.string(job.folder)
        writer.string(job.focus.description)
        let settings = job.settings
        writer.integer(settings.widths.count)
        for width in settings.widths { writer.integer(width) }
        for value in [settings.jpegQuality, settings.webpQuality, settings.avif ? 1 : 0, settings.avifQuality, settings.pixelLimit] {
            writer.integer(value)
        }
        writer.integer(Int(settings.deadline.components.seconds))
        return writer.bytes
    }

    private static func decodeJob(_ reader: inout WireReader) -> ImageJob? {
        guard let source = reader.string(), let folder = reader.string(), let focusText = reader.string(),
              let focus = ImageFocus(parsing: focusText), let count = reader.integer() else { return nil }
        var settings = ImageSettings()
        settings.widths = []
        for _ in 0..<count {
            guard let width = reader.integer() else { return nil }
            settings.widths.append(width)
        }
        guard let jpeg = reader.integer(), let webp = reader.integer(), let avif = reader.integer(), let avifQuality = reader.integer(),
              let pixelLimit = reader.integer() else { return nil }
        settings.jpegQuality = jpeg
        settings.webpQuality = webp
        settings.avif = avif != 0
        settings.avifQuality = avifQuality
        settings.pixelLimit = pixelLimit
        return ImageJob(source: source, folder: folder, focus: focus, settings: settings)
    }

    static func encode(_ result: Result<ProcessedImage, ImageProblem>) -> [UInt8] {
        var writer = WireWriter()
        switch result {
        case .success(let image):
            writer.integer(0)
            writer.integer(image.width)
            writer.integer(image.height)
            writer.integer(image.variants.count)
            for variant in image.variants {
                writer.string(variant.name)
                writer.string(variant.format.rawValue)
                writer.integer(variant.width)
                writer.integer(variant.height)
            }
        case .failure(let problem):
            writer.integer(1)
            writer.string(problem.message)
        }
        return writer.bytes
    }

    /// An answer; nil if it is broken.
    static func decode(_ bytes: [UInt8]) -> Result<ProcessedImage, ImageProblem>? {
        var reader = WireReader(bytes)
        guard let status = reader.integer() else { return nil }
        if status != 0 { return reader.string().map { .failure(.reported($0)) } }
        guard let width = reader.integer(), let height = reader.integer(), let count = reader.integer() else { return nil }
        var variants: [ImageVariant] = []
        for _ in 0..<count {
            guard let name = reader.string(), let format = reader.string().flatMap(VariantFormat.init(rawValue:)),
                  let variantWidth = reader.integer(), let variantHeight = reader.integer() else { return nil }
            variants.append(ImageVariant(name: name, format: format, width: variantWidth, height: variantHeight))
        }
        return reader.isAtEnd ? .success(ProcessedImage(width: width, height: height, variants: variants)) : nil
    }
}
