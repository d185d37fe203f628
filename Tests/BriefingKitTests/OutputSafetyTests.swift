@testable import BriefingKit
import Foundation
import Testing

/// The output folder under attack: folders it must never replace, two builds at once, and a build
/// killed at any moment. These run the `briefing` executable, as a user would.
@Suite(.serialized) struct OutputSafetyTests {
    // MARK: - Folders it refuses

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        /// `--output`, relative to the project folder.
        var output: String
        /// What the message says after `error: ` and the output's absolute path.
        var reason: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "the project folder", output: ".", reason: " as the output folder: it would be replaced whole"),
        Refusal(name: "the content folder", output: "content", reason: " as the output folder: it overlaps {root}/content"),
        Refusal(name: "a folder inside content", output: "content/people", reason: " as the output folder: it overlaps {root}/content"),
        Refusal(name: "the templates folder", output: "templates", reason: " as the output folder: it overlaps {root}/templates"),
        Refusal(name: "the assets folder", output: "templates/assets", reason: " as the output folder: it overlaps {root}/templates"),
        Refusal(name: "a link to the content folder", output: "linked", reason: " as the output folder: it overlaps {root}/content"),
        Refusal(name: "a folder it did not write", output: "notes", reason: " is not empty and was not made by briefing (no .briefing-output file): remove it or choose another --output"),
        Refusal(name: "a file", output: "notes/todo.txt", reason: " exists and is not a folder"),
    ]

    /// Each refusal leaves every file of the project as it was; all of them are inside a temporary folder,
    /// so a refusal that failed would replace nothing of anyone's.
    @Test(arguments: refusals)
    func refusesToReplace(_ refusal: Refusal) throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        let root = site.root.resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: root.appendingPathComponent("notes/todo.txt"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("linked").path, withDestinationPath: "content")
        let before = manifest(of: root)

        let result = try BriefingProcess.run(["build", "--output", refusal.output], in: root)
        let shown = root.appendingPathComponent(refusal.output).standardizedFileURL.path
        let reason = refusal.reason.replacingOccurrences(of: "{root}", with: root.path)
        let expected = reason.hasPrefix(" as the output")
            ? "error: refusing to use \(shown)\(reason)\n" : "error: \(shown)\(reason)\n"
        #expect(result.status == 1)
        #expect(result.stderr == expected)
        #expect(manifest(of: root) == before)
    }

    /// Checked without building: a refusal that failed here would replace the real folder.
    @Test(arguments: ["/", FileManager.default.homeDirectoryForCurrentUser.path])
    func refusesTheRootAndTheHomeFolder(_ path: String) {
        let output = URL(fileURLWithPath: path).standardizedFileURL
        #expect(throws: OutputError.self) { try OutputWriter.checkSafe(output, protecting: []) }
        do {
            try OutputWriter.checkSafe(output, protecting: [])
        } catch {
            #expect(error.description == "refusing to use \(output.path) as the output folder: it would be replaced whole")
        }
    }

    // MARK: - Two builds at once

    /// While another build holds the lock, a build says so and waits, writing nothing; then it finishes.
    @Test func aBuildWaitsForTheOneHoldingTheLock() throws {
        let site = try FixtureSite(FixtureSite.minimal)
        defer { site.delete() }
        let root = site.root.resolvingSymlinksInPath()
        let lockFile = root.appendingPathComponent(".public.lock")
        _ = FileManager.default.createFile(atPath: lockFile.path, contents: nil)
        let held = open(lockFile.path, O_RDWR | O_CLOEXEC)
        try #require(held >= 0 && flock(held, LOCK_EX) == 0)

        let build = try BriefingProcess(["build"], in: root)
        let waiting = "waiting for another build into public/ to finish (it holds \(lockFile.path))\n"
        let deadline = Date().addingTimeInterval(60)
        while build.stderr != waiting, build.process.isRunning, Date() < deadline { usleep(20_000) }
        #expect(build.stderr == waiting)
        usleep(300_000)
        #expect(build.process.isRunning)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("public").path))

        close(held)
        let result = build.wait()
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("public/index.html").path))
    }

    /// Two builds of different content into one folder, started together: both succeed, one after the
    /// other, and the folder holds exactly one of the two sites, with nothing left beside it.
    @Test func concurrentBuildsLeaveOneWholeSite() throws {
        let corpus = try Corpus(entries: 200)
        defer { corpus.delete() }
        let first = try BriefingProcess(corpus.buildArguments("x"), in: corpus.root)
        let second = try BriefingProcess(corpus.buildArguments("y"), in: corpus.root)
        let (a, b) = (first.wait(), second.wait())
        #expect(a.status == 0, "\(a.stderr)")
        #expect(b.status == 0, "\(b.stderr)")
        let result = manifest(of: corpus.output)
        #expect(result == corpus.expected["x"] || result == corpus.expected["y"])
        #expect(corpus.leftovers().isEmpty)
    }

    // MARK: - kill -9

    /// A build killed at random moments (`BRIEFING_KILL_ENTRIES`, default 200 entries; `BRIEFING_KILL_ROUNDS`,
    /// default 8) leaves the output exactly the old site or the new one, and the next build succeeds.
    @Test func killedBuildLeavesOldOrNewSite() throws {
        let environment = ProcessInfo.processInfo.environment
        let entries = environment["BRIEFING_KILL_ENTRIES"].flatMap(Int.init) ?? 200
        let rounds = environment["BRIEFING_KILL_ROUNDS"].flatMap(Int.init) ?? 8
        let corpus = try Corpus(entries: entries)
        defer { corpus.delete() }

        // Start from a whole site; each round builds the other corpus and kills it part of the way through.
        var current = "x"
        #expect(try BriefingProcess.run(corpus.buildArguments(current), in: corpus.root).status == 0)
        var generator = SystemRandomNumberGenerator()
        var outcomes: [String] = []
        for round in 1...rounds {
            let target = current == "x" ? "y" : "x"
            let delay = Double.random(in: 0...(corpus.buildSeconds * 1.2), using: &generator)
            let build = try BriefingProcess(corpus.buildArguments(target), in: corpus.root)
            usleep(UInt32(delay * 1_000_000))
            let finished = !build.process.isRunning
            build.kill()

            let found = manifest(of: corpus.output)
            let which = found == corpus.expected["x"] ? "x" : found == corpus.expected["y"] ? "y" : "a mix"
            outcomes.append("round \(round): killed after \(Int(delay * 1000)) ms\(finished ? " (already finished)" : ""), found \(which)")
            #expect(which == current || which == target, "\(outcomes.joined(separator: "; "))")
            if which != current, which != target { return }
            current = which
        }
        let target = current == "x" ? "y" : "x"
        let last = try BriefingProcess.run(corpus.buildArguments(target), in: corpus.root)
        #expect(last.status == 0, "\(last.stderr)")
        #expect(manifest(of: corpus.output) == corpus.expected[target])
        #expect(corpus.leftovers().isEmpty)
        print("kill -9 test, \(entries) entries, a full build \(Int(corpus.buildSeconds * 1000)) ms: \(outcomes.joined(separator: "; "))")
    }

    /// A rebuild with the output in place, killed (`BRIEFING_KILL_AT`: the build kills itself with SIGKILL there) at each
    /// moment the write stage changes something beside the live site: the spare's marker removed, the spare half brought
    /// up to the new site, the spare whole and not yet swapped in, just after the swap (with the spare, and with a new
    /// staging folder that was to become the spare). Each leaves exactly the old site or the new one, and the next build
    /// of the other site succeeds, leaves nothing beside the output but the lock and a whole spare: the site before.
    @Test func rebuildKilledAtEachMomentLeavesOldOrNewSite() throws {
        let corpus = try Corpus(entries: 60)
        defer { corpus.delete() }
        var current = "x"
        let other = { (name: String) in name == "x" ? "y" : "x" }
        for name in ["x", "y"] {
            #expect(try BriefingProcess.run(corpus.buildArguments(name), in: corpus.root).status == 0)
            current = name
        }
        let moments: [(moment: String, withSpare: Bool, swapped: Bool)] = [
            ("marked", true, false), ("updating", true, false), ("ready", true, false), ("swapped", true, true),
            ("ready", false, false), ("swapped", false, true),
        ]
        for (moment, withSpare, swapped) in moments {
            let label = "killed at \(moment) \(withSpare ? "with" : "without") a spare"
            if !withSpare { try FileManager.default.removeItem(at: corpus.spare) }
            let target = other(current)
            let killed = try BriefingProcess.run(corpus.buildArguments(target), in: corpus.root, environment: ["BRIEFING_KILL_AT": moment])
            #expect(killed.status != 0, "\(label): the build finished")
            let found = manifest(of: corpus.output)
            #expect(found == corpus.expected[swapped ? target : current], "\(label)")
            current = swapped ? target : current

            let next = other(current)
            let rebuilt = try BriefingProcess.run(corpus.buildArguments(next), in: corpus.root)
            #expect(rebuilt.status == 0, "\(label): \(rebuilt.stderr)")
            #expect(manifest(of: corpus.output) == corpus.expected[next], "\(label): the next build")
            #expect(corpus.leftovers() == [], "\(label)")
            // The spare, when there is one, is the site before, whole.
            if FileManager.default.fileExists(atPath: corpus.spare.path) {
                #expect(manifest(of: corpus.spare).filter { $0.key != OutputWriter.markerName }
                        == corpus.expected[current]?.filter { $0.key != OutputWriter.markerName }, "\(label): the spare")
            }
            current = next
        }
    }
}

/// Two synthetic briefings (`scripts/bench/generate.py`), `x/content` and `y/content`, each built once
/// into a folder of its own to know what a whole build of it looks like.
private struct Corpus {
    let root: URL
    var expected: [String: [String: String]] = [:]
    /// How long a full build took.
    var buildSeconds = 0.0

    var output: URL { root.appendingPathComponent("public") }

    init(entries: Int) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("briefing-corpus-\(UUID().uuidString)").resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (name, count) in [("x", entries), ("y", entries + 1)] {
            let generate = Process()
            generate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            generate.arguments = ["python3", FixtureSite.repository.appendingPathComponent("scripts/bench/generate.py").path,
                                  String(count), root.appendingPathComponent(name).path]
            generate.standardOutput = FileHandle.nullDevice
            try generate.run()
            generate.waitUntilExit()
            guard generate.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
            try? FileManager.default.removeItem(at: root.appendingPathComponent("\(name)/hugo"))

            let start = Date()
            let reference = try BriefingProcess.run(buildArguments(name, into: "reference-\(name)"), in: root)
            buildSeconds = max(buildSeconds, Date().timeIntervalSince(start))
            guard reference.status == 0 else { throw CocoaError(.fileWriteUnknown) }
            expected[name] = manifest(of: root.appendingPathComponent("reference-\(name)"))
        }
    }

    func buildArguments(_ name: String, into output: String = "public") -> [String] {
        ["build", "--content", "\(name)/content", "--assets", FixtureSite.repository.appendingPathComponent("templates/assets").path,
         "--output", output]
    }

    /// The spare: the site before the live one, kept beside it.
    var spare: URL { root.appendingPathComponent(".public.spare") }

    /// Staging or retired folders left beside the output (the spare is not one).
    func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter {
            $0.hasPrefix(".public.") && $0 != ".public.lock" && $0 != ".public.spare"
        }
    }

    func delete() {
        try? FileManager.default.removeItem(at: root)
    }
}
