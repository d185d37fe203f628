import BriefingKit
import Foundation
import Synchronization
import Testing

/// Input on which Debian's cmark-gfm 0.29.0.gfm.6 is quadratic (the 2023 CVEs) or that cmark's own pathological
/// test list carries. Each is run through the real `briefing build` and `briefing check` with a short
/// `--markdown-timeout`: every one ends in a page or in the timeout error at the line where the body starts.
/// Sizes are chosen far from the timeout on either side (a slow case takes 15 s or more alone on this kind of
/// machine; a fast one well under a second), so the outcome does not depend on the machine's load.
@Suite(.serialized) struct PathologicalMarkdownTests {
    enum Outcome: Sendable, Equatable, CustomStringConvertible {
        case page
        case timedOut
        /// Stopped before Markdown by another check, with this message after `path:line:col: error: `.
        case error(line: Int, column: Int, String)

        var description: String {
            switch self {
            case .page: return "page"
            case .timedOut: return "timeout"
            case .error: return "error"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let outcome: Outcome

        var testDescription: String { "\(name) → \(outcome)" }
    }

    static let timeout = 3

    static let cases: [Case] = [
        // The shapes the 2023 advisories (CVE-2023-22483, -22484, -22486, -24824, -26485, -37463) describe.
        // Quadratic: 30,000 repeats render in about 2 s since the executable links jemalloc, so twice as many.
        Case(name: "image openers ![[]() repeated", body: String(repeating: "![[]()", count: 60_000), outcome: .timedOut),
        Case(name: "table rows in quotes |-\\nt>|-\\n repeated", body: String(repeating: "|-\nt>|-\n", count: 20_000), outcome: .timedOut),
        Case(name: "autolink z_www. repeated", body: String(repeating: "z_www.", count: 20_000), outcome: .timedOut),
        Case(name: "> × n then a* × n", body: String(repeating: ">", count: 30_000) + String(repeating: "a*", count: 30_000),
             outcome: .timedOut),
        // 30,000 columns sometimes render within the 3 s deadline on a quiet machine: quadratic, so twice as many.
        Case(name: "header row of 60,000 columns",
             body: "|" + String(repeating: "a|", count: 60_000) + "\n|" + String(repeating: "-|", count: 60_000) + "\n", outcome: .timedOut),
        Case(name: " - repeated", body: String(repeating: " -", count: 20_000), outcome: .page),
        // cmark's test/pathological_tests.py. This version handles them in linear time; at the list's sizes all take
        // well under a second here except the last two (2–4 s, near the timeout), so those run at smaller sizes.
        Case(name: "many emph closers with no openers", body: String(repeating: "a_ ", count: 65_000), outcome: .page),
        Case(name: "many emph openers with no closers", body: String(repeating: "_a ", count: 65_000), outcome: .page),
        Case(name: "many link closers with no openers", body: String(repeating: "a]", count: 65_000), outcome: .page),
        Case(name: "many link openers with no closers", body: String(repeating: "[a", count: 65_000), outcome: .page),
        Case(name: "mismatched openers and closers", body: String(repeating: "*a_ ", count: 50_000), outcome: .page),
        Case(name: "openers and closers multiple of 3", body: "a**b" + String(repeating: "c* ", count: 50_000), outcome: .page),
        Case(name: "link openers and emph closers", body: String(repeating: "[ a_", count: 50_000), outcome: .page),
        Case(name: "pattern [ (]( repeated", body: String(repeating: "[ (](", count: 80_000), outcome: .page),
        Case(name: "hard link/emph case", body: "**x [a*b**c*](https://example.org/d)", outcome: .page),
        Case(name: "nested brackets", body: String(repeating: "[", count: 50_000) + "a" + String(repeating: "]", count: 50_000), outcome: .page),
        Case(name: "nested block quotes", body: String(repeating: "> ", count: 50_000) + "a", outcome: .page),
        Case(name: "deeply nested lists", body: (0..<1000).map { String(repeating: "  ", count: $0) + "* a\n" }.joined(), outcome: .page),
        Case(name: "U+0000 in input", body: "abc\u{0}de\u{0}",
             outcome: .error(line: 4, column: 4, "binary file: contains a NUL byte; content files must be UTF-8 text")),
        // 1..<5000 makes 12.5 MB, over the 8 MiB file limit.
        Case(name: "backticks", body: (1..<3000).map { "e" + String(repeating: "`", count: $0) }.joined(), outcome: .page),
        Case(name: "unclosed links A", body: String(repeating: "[a](<b", count: 30_000), outcome: .page),
        Case(name: "unclosed links B", body: String(repeating: "[a](b", count: 30_000), outcome: .page),
        Case(name: "nested strong emph", body: String(repeating: "*a **a ", count: 5_000) + "b" + String(repeating: " a** a*", count: 5_000),
             outcome: .page),
        // The loader refuses the vertical tab (a control character) before Markdown sees it.
        Case(name: "tables with CR and VT", body: String(repeating: "aaa\rbbb\n-\u{0B}\n", count: 5_000),
             outcome: .error(line: 5, column: 2, "control character U+000B: delete it (tabs and line breaks are the only control characters allowed)")),
    ]

    static let front = "---\ntitle: Hostile\n---\n"
    /// The body starts on the line after the closing `---`.
    static let bodyLine = 4
    static var expectedError: String {
        "content/pages/hostile.md:\(bodyLine):1: error: Markdown body took longer than \(timeout) s to render and was stopped; "
            + "cmark-gfm is very slow on some shapes of input (thousands of nested brackets, quote markers, emphasis markers "
            + "or table columns): shorten or simplify the body"
    }

    @Test(arguments: cases)
    func buildEndsInAPageOrTheTimeoutError(_ hostile: Case) throws {
        let site = try FixtureSite(FixtureSite.minimal.merging(["pages/hostile.md": Self.front + hostile.body]) { $1 })
        defer { site.delete() }
        let run = try BriefingCommand.run(["build", "--markdown-timeout", "\(Self.timeout)"], in: site.root)
        #expect(run.seconds < 60, "took \(run.seconds) s")
        switch hostile.outcome {
        case .page:
            #expect(run.status == 0, "\(run.standardError)")
            let page = try site.page("hostile/index.html")
            #expect(page.contains("<h1>Hostile</h1>") || page.contains("Hostile"))
        case .timedOut:
            #expect(run.status == 1)
            #expect(run.standardError == Self.expectedError + "\nbuild failed: 1 error; public output left unchanged\n")
            #expect(!FileManager.default.fileExists(atPath: site.output.path))
        case .error(let line, let column, let message):
            #expect(run.status == 1)
            #expect(run.standardError == "content/pages/hostile.md:\(line):\(column): error: \(message)\nbuild failed: 1 error; public output left unchanged\n")
        }
    }

    @Test(arguments: cases.filter { $0.outcome == .timedOut } + [cases[5]])
    func checkEndsInNoProblemsOrTheTimeoutError(_ hostile: Case) throws {
        let site = try FixtureSite(FixtureSite.minimal.merging(["pages/hostile.md": Self.front + hostile.body]) { $1 })
        defer { site.delete() }
        let run = try BriefingCommand.run(["check", "--markdown-timeout", "\(Self.timeout)"], in: site.root)
        #expect(run.seconds < 60, "took \(run.seconds) s")
        switch hostile.outcome {
        case .page:
            #expect(run.status == 0, "\(run.standardError)")
            #expect(run.standardOutput == "No problems found in content/.\n")
        case .timedOut:
            #expect(run.status == 1)
            #expect(run.standardError == Self.expectedError + "\ncheck failed: 1 error\n")
        case .error:
            Issue.record("no such case in the check table")
        }
    }

    /// Several stuck files cost one timeout per worker, not one per file in turn, and good files still render.
    @Test func severalHostileFilesAreEachReported() throws {
        var files = FixtureSite.minimal
        for index in 1...3 { files["pages/hostile-\(index).md"] = Self.front + String(repeating: "![[]()", count: 60_000) }
        let site = try FixtureSite(files)
        defer { site.delete() }
        let run = try BriefingCommand.run(["check", "--markdown-timeout", "\(Self.timeout)"], in: site.root)
        #expect(run.status == 1)
        let lines = run.standardError.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        for index in 1...3 {
            #expect(lines[index - 1] == Self.expectedError.replacingOccurrences(of: "hostile.md", with: "hostile-\(index).md"))
        }
    }

    @Test func aWorkerThatCannotStartIsOneError() throws {
        let site = try FixtureSite()
        defer { site.delete() }
        var options = site.options
        options.markdownWorkers = MarkdownWorkerSettings(executable: URL(fileURLWithPath: "/nonexistent/briefing"), arguments: ["markdown-worker"])
        #expect(throws: BuildError.self) { try SiteBuilder.build(options) }
        #expect(SiteBuilder.check(options).map(\.description)
            == ["content:1:1: error: cannot start the Markdown worker: /nonexistent/briefing: No such file or directory"])
    }

    /// A worker that dies fails only the file it was rendering; a new worker renders the rest. The stand-in worker
    /// passes every batch of bodies to a real one, except that it crashes (SIGSEGV) on a batch holding CRASH; given a
    /// second argument, it logs each batch there.
    @Test func aCrashingWorkerFailsOnlyItsFile() throws {
        let site = try FixtureSite(FixtureSite.full.merging(["pages/crash.md": Self.front + "Before\n\nCRASH\n"]) { $1 })
        defer { site.delete() }
        let proxy = site.root.appendingPathComponent("crashing-worker.py")
        try Data(Self.crashingWorker.utf8).write(to: proxy)
        var options = site.options
        options.markdownWorkers = MarkdownWorkerSettings(executable: URL(fileURLWithPath: "/usr/bin/env"),
                                                         arguments: ["python3", proxy.path, try BriefingCommand.executable().path])
        #expect(SiteBuilder.check(options).map(\.description)
            == ["content/pages/crash.md:4:1: error: the Markdown renderer (cmark-gfm) crashed (signal 11) on this body"])
    }

    static let crashingWorker = #"""
        import os, signal, struct, subprocess, sys
        real = subprocess.Popen([sys.argv[1], "markdown-worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        def frame(stream):
            header = stream.read(4)
            if len(header) < 4:
                return None
            return header + stream.read(struct.unpack("<I", header)[0])
        def forward(message):
            real.stdin.write(message)
            real.stdin.flush()
            sys.stdout.buffer.write(frame(real.stdout))
            sys.stdout.buffer.flush()
        forward(frame(sys.stdin.buffer))
        while True:
            request = frame(sys.stdin.buffer)
            if request is None:
                break
            if len(sys.argv) > 2:
                with open(sys.argv[2], "a") as log:
                    count = struct.unpack("<q", request[4:12])[0]
                    log.write(f"{count} {int(b'CRASH' in request)} {int(b'z_www.z_www.' in request)}\n")
            if b"CRASH" in request:
                os.kill(os.getpid(), signal.SIGSEGV)
            forward(request)
        """#

    /// In a site of many files, bodies go to the workers in batches, whose answer does not say which body was too
    /// slow: the batch is rendered again one body at a time, and only the slow file is reported. The stand-in worker
    /// logs each batch, to show the slow body was sent along with others.
    @Test func aSlowBodySentWithOthersIsTheOnlyFileReported() throws {
        // 120 KB: small enough to share a batch with other bodies, slow enough to pass the timeout many times over.
        let slow = String(repeating: "z_www.", count: 20_000)
        let site = try FixtureSite(Self.manyPages.merging(["pages/hostile.md": Self.front + slow]) { $1 })
        defer { site.delete() }
        let log = site.root.appendingPathComponent("batches.log")
        var options = try Self.optionsWithLoggingWorker(site, log: log)
        options.markdownWorkers?.deadline = .seconds(Int64(Self.timeout))
        #expect(SiteBuilder.check(options).map(\.description) == [Self.expectedError])
        let batches = try Self.loggedBatches(log)
        #expect(batches.contains { $0.count > 1 && $0.slow }, "\(batches)")
    }

    /// A crash in a batch fails only the file that crashes the renderer; the others of its batch render.
    @Test func aCrashInABatchFailsOnlyItsFile() throws {
        let site = try FixtureSite(Self.manyPages.merging(["pages/crash.md": Self.front + "Before\n\nCRASH\n"]) { $1 })
        defer { site.delete() }
        let log = site.root.appendingPathComponent("batches.log")
        var options = try Self.optionsWithLoggingWorker(site, log: log)
        #expect(SiteBuilder.check(options).map(\.description)
            == ["content/pages/crash.md:4:1: error: the Markdown renderer (cmark-gfm) crashed (signal 11) on this body"])
        #expect(try Self.loggedBatches(log).contains { $0.count > 1 && $0.crash })
        // Without the crash, the same site builds.
        try site.remove("pages/crash.md")
        options.markdownWorkers = MarkdownWorkerSettings(executable: try BriefingCommand.executable(), arguments: ["markdown-worker"])
        #expect(SiteBuilder.check(options).isEmpty)
    }

    /// Enough files that bodies are sent to the workers several at a time on any number of cores.
    static var manyPages: [String: String] {
        var files = FixtureSite.full
        for index in 0..<(40 * ProcessInfo.processInfo.activeProcessorCount) {
            files["pages/page-\(index).md"] = "---\ntitle: Page \(index)\n---\nSee [Putin](../people/vladimir-putin.md).\n"
        }
        return files
    }

    static func optionsWithLoggingWorker(_ site: FixtureSite, log: URL) throws -> BuildOptions {
        let proxy = site.root.appendingPathComponent("crashing-worker.py")
        try Data(Self.crashingWorker.utf8).write(to: proxy)
        var options = site.options
        options.markdownWorkers = MarkdownWorkerSettings(executable: URL(fileURLWithPath: "/usr/bin/env"),
                                                         arguments: ["python3", proxy.path, try BriefingCommand.executable().path, log.path])
        return options
    }

    /// Each batch the stand-in worker was sent: how many bodies, and whether the crash or the slow body was among them.
    static func loggedBatches(_ log: URL) throws -> [(count: Int, crash: Bool, slow: Bool)] {
        try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: " ").map { Int($0) ?? -1 }
            return (fields[0], fields[1] == 1, fields[2] == 1)
        }
    }

    /// The worker renders exactly what the in-process renderer does, links rewritten and headings anchored.
    @Test func workersRenderTheSameSiteAsTheProcessItself() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        try site.build()
        let inProcess = site.snapshot()
        try FileManager.default.removeItem(at: site.output)
        var options = site.options
        options.markdownWorkers = MarkdownWorkerSettings(executable: try BriefingCommand.executable(), arguments: ["markdown-worker"])
        _ = try SiteBuilder.build(options)
        let inWorkers = site.snapshot()
        #expect(inWorkers.keys.sorted() == inProcess.keys.sorted())
        for (path, data) in inProcess where !path.hasPrefix(".") {
            #expect(inWorkers[path] == data, "\(path)")
        }
    }

    /// A worker holds no file the building process had open. Foundation opens the files it writes without
    /// `FD_CLOEXEC`; a worker spawned meanwhile kept such a file open until it exited, and the preview server's watcher
    /// then saw a save's close long after the save, and rebuilt for it (the symlink test of PathSafetyTests failed so).
    @Test func workersInheritNoFileOfTheBuild() throws {
        let site = try FixtureSite(FixtureSite.full)
        defer { site.delete() }
        let openFile = site.root.appendingPathComponent("open-for-writing.txt").path
        let descriptor = open(openFile, O_WRONLY | O_CREAT, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let log = site.root.appendingPathComponent("descriptors.log")
        let recorder = site.root.appendingPathComponent("recording-worker.py")
        try Data(Self.descriptorRecordingWorker.utf8).write(to: recorder)
        var options = site.options
        options.markdownWorkers = MarkdownWorkerSettings(executable: URL(fileURLWithPath: "/usr/bin/env"),
                                                         arguments: ["python3", recorder.path, log.path, try BriefingCommand.executable().path])
        _ = try SiteBuilder.build(options)
        let held = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(!held.isEmpty, "no worker was started")
        #expect(!held.contains { $0.contains("open-for-writing.txt") }, "\(held)")
        // Standard input and output are the worker's socket, standard error /dev/null; nothing else.
        for line in held {
            #expect(line.split(separator: " ").map { String($0.split(separator: "=")[0]) } == ["0", "1", "2"], "\(line)")
        }
    }

    /// Logs the descriptors it was started with, one line per worker (`0=socket:[…] 1=… 2=/dev/null`), then becomes
    /// the real worker.
    static let descriptorRecordingWorker = #"""
        import os, sys
        held = []
        for name in sorted(os.listdir("/proc/self/fd"), key=int):
            try:
                held.append(f"{name}={os.readlink('/proc/self/fd/' + name)}")
            except OSError:
                pass  # the descriptor listdir itself used, closed by now
        with open(sys.argv[1], "a") as log:
            log.write(" ".join(held) + "\n")
        os.execv(sys.argv[2], [sys.argv[2], "markdown-worker"])
        """#
}

/// The `briefing` executable SwiftPM built next to this test bundle, run as a user would run it.
enum BriefingCommand {
    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
        var seconds: Double
    }

    static func executable() throws -> URL {
        var folders = [Bundle.main.bundleURL.deletingLastPathComponent()]
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.insert(URL(fileURLWithPath: own).deletingLastPathComponent(), at: 0)
        }
        for folder in folders {
            let candidate = folder.appendingPathComponent("briefing")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "briefing next to \(folders.map(\.path))"])
    }

    /// Runs `briefing` with `arguments` in `folder`; kills it after two minutes so a hang fails the test instead of the run.
    static func run(_ arguments: [String], in folder: URL) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let start = Date()
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        // Read both pipes to the end before waiting, so a full pipe cannot stall the child.
        let errorData = Mutex<Data>(Data())
        let group = DispatchGroup()
        let errorHandle = errors.fileHandleForReading
        DispatchQueue.global().async(group: group) { errorData.withLock { $0 = errorHandle.readDataToEndOfFile() } }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Run(status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                   standardError: String(decoding: errorData.withLock { $0 }, as: UTF8.self), seconds: Date().timeIntervalSince(start))
    }
}
