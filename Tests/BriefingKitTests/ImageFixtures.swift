import Foundation

/// Pictures for the image tests, made when a test needs them: photographs with libvips's command-line tool (`vips`,
/// Debian's libvips-tools), the rest byte by byte. Nothing is committed but this code.
enum ImageFixtures {
    /// Runs `vips` with `arguments` in `folder`.
    @discardableResult
    static func vips(_ arguments: [String], in folder: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/vips")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What `vips` prints for `arguments`, e.g. `avg FILE`: the mean of its pixels.
    static func vipsOutput(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/vips")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A JPEG of `width` × `height` whose left half is black and right half white.
    static func halfBlackHalfWhite(width: Int = 600, height: Int = 200) throws -> Data {
        let folder = try workFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try vips(["black", "black.v", String(width / 2), String(height), "--bands", "3"], in: folder)
        try vips(["cast", "black.v", "left.v", "uchar"], in: folder)
        try vips(["linear", "black.v", "right.v", "1", "255", "--uchar"], in: folder)
        try vips(["join", "left.v", "right.v", "both.v", "horizontal"], in: folder)
        try vips(["copy", "both.v", "out.jpg[Q=95]"], in: folder)
        return try Data(contentsOf: folder.appendingPathComponent("out.jpg"))
    }

    /// A scratch folder for making pictures.
    static func workFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A photograph-like picture (soft clouds of colour, not noise) of `width` × `height`, as `name` (its ending picks
    /// the format; libvips options may follow in brackets, e.g. `x.jpg[Q=90]`). `seed` varies it.
    static func photo(width: Int, height: Int, name: String, seed: Int = 1) throws -> Data {
        let folder = try workFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cell = String(max(8, min(width, height) / 4))
        for (band, offset) in [("r", 90), ("g", 110), ("b", 130)] {
            try vips(["perlin", "\(band)-noise.v", String(width), String(height), "--cell-size", cell, "--seed", String(seed * 7 + offset)], in: folder)
            try vips(["linear", "\(band)-noise.v", "\(band).v", "110", String(offset), "--uchar"], in: folder)
        }
        try vips(["bandjoin", "r.v g.v b.v", "rgb.v"], in: folder)
        try vips(["copy", "rgb.v", "picture.v"], in: folder)
        let plain = name.split(separator: "[").first.map(String.init) ?? name
        let options = name.dropFirst(plain.count)
        let fileExtension = (plain as NSString).pathExtension
        switch fileExtension {
        case "cmyk":
            try vips(["colourspace", "picture.v", "out.jpg", "cmyk"], in: folder)
            return try Data(contentsOf: folder.appendingPathComponent("out.jpg"))
        case "rgb16":
            try vips(["colourspace", "picture.v", "out.png", "rgb16"], in: folder)
            return try Data(contentsOf: folder.appendingPathComponent("out.png"))
        default:
            try vips(["copy", "picture.v", "out.\(fileExtension)\(options)"], in: folder)
            return try Data(contentsOf: folder.appendingPathComponent("out.\(fileExtension)"))
        }
    }

    /// A JPEG of `width` × `height`.
    static func jpeg(width: Int = 640, height: Int = 427, seed: Int = 1) throws -> Data {
        try photo(width: width, height: height, name: "x.jpg[Q=85]", seed: seed)
    }

    static func png(width: Int = 64, height: Int = 48) throws -> Data {
        try photo(width: width, height: height, name: "x.png")
    }

    /// `jpeg` with an EXIF block saying how the camera was held (`orientation` 6: turned a quarter clockwise to view),
    /// as cameras write it, and a GPS position: the EXIF segment made here byte by byte.
    static func orientedJPEG(_ jpeg: Data, orientation: UInt16) -> Data {
        func short(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func long(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        // TIFF header (little-endian), IFD0 at 8 with two entries: Orientation, and the GPS IFD's offset; the GPS IFD
        // with the latitude's hemisphere.
        var tiff: [UInt8] = Array("II".utf8) + short(42) + long(8)
        tiff += short(2)
        tiff += short(0x0112) + short(3) + long(1) + short(orientation) + short(0)
        tiff += short(0x8825) + short(4) + long(1) + long(8 + 2 + 24 + 4)
        tiff += long(0)
        tiff += short(1) + short(0x0001) + short(2) + long(2) + Array("N".utf8) + [0, 0, 0] + long(0)
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let segment: [UInt8] = [0xFF, 0xE1] + [UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
        let bytes = [UInt8](jpeg)
        return Data(bytes.prefix(2) + segment + bytes.dropFirst(2))
    }

    /// A CMYK JPEG (with libvips's CMYK profile embedded).
    static func cmykJPEG() throws -> Data {
        try photo(width: 320, height: 240, name: "x.cmyk")
    }

    /// A PNG of 16 bits per channel.
    static func sixteenBitPNG() throws -> Data {
        try photo(width: 320, height: 240, name: "x.rgb16")
    }

    /// A PNG that claims `side` × `side` pixels, all black, one bit each, compressed: a decompression bomb, small on disk
    /// (about 300 KB for 50,000 × 50,000), that would take gigabytes decoded.
    static func pngBomb(side: Int = 50_000) throws -> Data {
        let folder = try workFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
            import struct, sys, zlib
            side = int(sys.argv[1])
            def chunk(kind, data):
                return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
            compressor = zlib.compressobj(9)
            row = bytes(1 + (side + 7) // 8)
            body = b"".join(compressor.compress(row * 1000) for _ in range(side // 1000)) + compressor.compress(row * (side % 1000)) + compressor.flush()
            header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
            sys.stdout.buffer.write(b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(side)]
        let output = folder.appendingPathComponent("bomb.png")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        process.waitUntilExit()
        return try Data(contentsOf: output)
    }

    /// An animated WebP of `frames` frames of 8 × 8: each frame a lossless image made by libvips, put in the
    /// animation's container (RIFF chunks VP8X, ANIM, ANMF) here.
    static func animatedWebP(frames: Int = 3) throws -> Data {
        let folder = try workFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try vips(["black", "black.v", "8", "8", "--bands", "3"], in: folder)
        try vips(["copy", "black.v", "frame.webp[lossless]"], in: folder)
        let still = [UInt8](try Data(contentsOf: folder.appendingPathComponent("frame.webp")))
        // The still file is RIFF, size, WEBP, then chunks (VP8X, VP8L, metadata): the frame is the VP8L chunk.
        var frameChunk: [UInt8] = []
        var offset = 12
        while offset + 8 <= still.count {
            let size = Int(still[offset + 4]) | Int(still[offset + 5]) << 8 | Int(still[offset + 6]) << 16 | Int(still[offset + 7]) << 24
            let end = min(still.count, offset + 8 + size + size % 2)
            if still[offset..<offset + 4].elementsEqual("VP8L".utf8) { frameChunk = Array(still[offset..<end]) }
            offset = end
        }
        func little(_ value: Int, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        func chunk(_ kind: String, _ payload: [UInt8]) -> [UInt8] {
            Array(kind.utf8) + little(payload.count, 4) + payload + (payload.count % 2 == 1 ? [0] : [])
        }
        var body = Array("WEBP".utf8)
        body += chunk("VP8X", [0x02, 0, 0, 0] + little(7, 3) + little(7, 3))
        body += chunk("ANIM", [0, 0, 0, 0] + little(0, 2))
        for _ in 0..<frames {
            body += chunk("ANMF", little(0, 3) + little(0, 3) + little(7, 3) + little(7, 3) + little(100, 3) + [0] + Array(frameChunk))
        }
        return Data(Array("RIFF".utf8) + little(body.count, 4) + body)
    }

    /// A two-frame animated GIF of 1 × 1.
    static let animatedGIF = Data([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                                   0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [0x03, 0x01, 0x00, 0x00, 0x00]
                                  + [0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
                                     0x02, 0x02, 0x44, 0x01, 0x00]
                                  + [0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
                                     0x02, 0x02, 0x4C, 0x01, 0x00, 0x3B])

    /// An SVG that would run a script where SVG is shown as a document.
    static let svg = Data("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(1)</script></svg>\n".utf8)

    /// A sidecar with every required field.
    static func sidecar(alt: String = "Two delegations at a long table", credit: String = "Ada Example/Test Agency",
                        license: String = "CC BY 4.0", extra: String = "") -> String {
        "alt: \"\(alt)\"\ncredit: \"\(credit)\"\nlicense: \"\(license)\"\n" + extra
    }
}
