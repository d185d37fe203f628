import CLibFuzzer
import Foundation

/// The signature libFuzzer calls for every input.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs a fuzz target.
///
/// Built by `make fuzz` (`-sanitize=fuzzer,address -DFUZZING`) this hands the command line to libFuzzer.
/// SwiftPM links every executable with its own `main`, so libFuzzer's `main` is never the one that runs: the driver
/// is called from here instead. In a normal build the same program replays inputs: each argument is a file or a
/// folder of files, each run through the same checks once. A failed check stops the program with the input's name.
public func runFuzzTarget(_ callback: FuzzCallback) -> Never {
    #if FUZZING
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    #else
    let arguments = CommandLine.arguments.dropFirst()
    guard !arguments.isEmpty, !arguments.contains(where: { $0.hasPrefix("-") }) else {
        let name = (CommandLine.arguments.first ?? "fuzz-target").split(separator: "/").last ?? ""
        FileHandle.standardError.write(Data("""
            usage: \(name) FILE-OR-FOLDER...
            Replays each input through the fuzz target's checks. To fuzz, build with `make fuzz`.

            """.utf8))
        exit(2)
    }
    var count = 0
    for path in arguments.flatMap(inputFiles) {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
            exit(1)
        }
        FuzzInput.current = path
        [UInt8](data).withUnsafeBufferPointer { _ = callback($0.baseAddress, $0.count) }
        count += 1
    }
    print("replayed \(count) input\(count == 1 ? "" : "s"): no check failed")
    exit(0)
    #endif
}

/// The replayed file, named when a check fails.
public enum FuzzInput {
    nonisolated(unsafe) public static var current: String?
}

/// Stops the program when a property of the code under test does not hold: libFuzzer saves the input as a crash.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    guard !condition() else { return }
    let input = FuzzInput.current.map { " (input \($0))" } ?? ""
    fatalError("fuzz check failed\(input): \(message())", file: file, line: line)
}

/// Every regular file below `path`, sorted, or `path` itself when it is a file.
private func inputFiles(_ path: String) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
    let names = (FileManager.default.subpaths(atPath: path) ?? []).sorted()
    return names.map { path + "/" + $0 }.filter {
        FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
