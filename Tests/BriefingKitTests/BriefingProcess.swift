import Foundation

/// The `briefing` executable run as a separate process, as a user runs it.
struct BriefingProcess {
    /// `BRIEFING_BIN` if set (e.g. a release build), else the `briefing` built beside the test bundle.
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["BRIEFING_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return products.appendingPathComponent("briefing")
    }

    let process = Process()
    /// Standard error goes to a file, so it can be read while the process runs.
    let stderrFile: URL

    /// Starts `briefing` with `arguments` in `folder`; `environment` entries are added to this process's own.
    init(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws {
        stderrFile = folder.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = BriefingProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    /// Runs `briefing` to the end.
    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        let running = try BriefingProcess(arguments, in: folder, environment: environment)
        return running.wait()
    }

    var stderr: String {
        (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
    }

    func wait() -> (status: Int32, stderr: String) {
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: stderrFile) }
        return (process.terminationStatus, stderr)
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: stderrFile)
    }
}

/// Every file below `folder`, hidden ones included, with its size and a hash of its bytes.
func manifest(of folder: URL) -> [String: String] {
    var files: [String: String] = [:]
    guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return files }
    while let path = enumerator.nextObject() as? String {
        guard enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular,
              let data = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) else { continue }
        files[path] = "\(data.count) \(fnv1a(data))"
    }
    return files
}

private func fnv1a(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data {
        hash ^= UInt64(byte)
        hash &*= 0x100_0000_01b3
    }
    return String(hash, radix: 16)
}
