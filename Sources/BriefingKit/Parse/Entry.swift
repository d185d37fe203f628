import Foundation
import Synchronization
import Yams

/// The typed front matter of one entry.
public enum EntryFields: Sendable, Hashable {
    case overview(OverviewFields)
    case person(PersonFields)
    case quote(QuoteFields)
    case event(EventFields)
    case source(SourceFields)
    case page(PageFields)
    case topic(TopicFields)
}

/// A content file after parsing: typed front matter, rendered Markdown, and where everything was written.
/// A class, never changed after parsing: the resolved site holds each entry in many lists and maps, and sharing
/// one reference is much cheaper than copying a dozen fields each time.
public final class Entry: Sendable {
    public let kind: ContentKind
    public let id: String
    /// Path as shown in messages, e.g. `content/quotes/x.md`.
    public let path: String
    /// Path inside `content/`, e.g. `quotes/x.md`.
    public let relativePath: String
    public let fields: EntryFields
    public let editorial: EditorialFields
    let lines: FieldLines
    public let body: RenderedMarkdown
    /// What each of `body.links` points at, in the same order; worked out once, when the entry is parsed.
    public let linkTargets: [LinkTarget]
    /// Line of the file where the Markdown body starts; add it to body positions.
    public let bodyFirstLine: Int

    init(kind: ContentKind, id: String, path: String, relativePath: String, fields: EntryFields, editorial: EditorialFields,
         lines: FieldLines, body: RenderedMarkdown, linkTargets: [LinkTarget], bodyFirstLine: Int) {
        self.kind = kind
        self.id = id
        self.path = path
        self.relativePath = relativePath
        self.fields = fields
        self.editorial = editorial
        self.lines = lines
        self.body = body
        self.linkTargets = linkTargets
        self.bodyFirstLine = bodyFirstLine
        page = SitePaths.page(kind, id)
        title = Self.title(of: fields)
    }

    /// The output file this entry becomes.
    public let page: String

    /// The title, name or quoted text. Stored, not worked out on each use: taking it out of `fields` copies the whole
    /// case, a reference count on each of its strings, and mentions and sorting ask for it often.
    public let title: String

    private static func title(of fields: EntryFields) -> String {
        switch fields {
        case .overview(let fields): return fields.title
        case .person(let fields): return fields.name
        case .quote(let fields): return fields.text
        case .event(let fields): return fields.title
        case .source(let fields): return fields.title
        case .page(let fields): return fields.title
        case .topic(let fields): return fields.title
        }
    }

    /// The image id of the entry's `image:` field, whatever its kind.
    public var imageID: String? {
        switch fields {
        case .overview(let fields): return fields.image
        case .person(let fields): return fields.image
        case .quote: return nil
        case .event(let fields): return fields.image
        case .source(let fields): return fields.image
        case .page(let fields): return fields.image
        case .topic(let fields): return fields.image
        }
    }

    /// Where a link of the body was written, in file coordinates.
    func location(of link: MarkdownLink) -> SourceLocation {
        SourceLocation(path: path, line: link.line + bodyFirstLine - 1, column: link.column)
    }
}

/// The parse stage: front matter into typed fields, Markdown into HTML with links rewritten.
enum EntryParser {
    /// Parses every file; Markdown rendering runs on all cores, in worker processes when `workers` says how.
    /// `pool`: workers kept running by the caller (the preview's session) instead of started for this call.
    static func parse(_ files: [SourceFile], resolver: LinkResolver, options: MarkdownOptions,
                      workers: MarkdownWorkerSettings? = nil, pool: MarkdownWorkerPool? = nil,
                      displayRoot: String = "content") -> ([Entry], [Diagnostic]) {
        let renderer: BodyRenderer
        if let pool {
            renderer = .workers(pool)
        } else if var workers, !files.isEmpty {
            // A preview rebuild parses one or two files: no more workers than that.
            workers.workers = min(workers.workers, files.count)
            do {
                renderer = .workers(try MarkdownWorkerPool(settings: workers, contentFiles: resolver.contentFiles, options: options))
            } catch {
                return ([], [Diagnostic(SourceLocation(path: displayRoot), error.message)])
            }
        } else {
            renderer = .inProcess(options)
        }
        defer { if pool == nil, case .workers(let started) = renderer { started.shutDown() } }

        // In batches, so each batch makes one YAMLDecoder (making one reads the whole environment).
        let batchSize = max(1, files.count / (ProcessInfo.processInfo.activeProcessorCount * 8))
        let batches = stride(from: 0, to: files.count, by: batchSize).map { Array(files[$0..<min($0 + batchSize, files.count)]) }
        // With workers, twice as many threads as cores: while one thread waits for a worker's HTML, another reads
        // front matter, so the cores are not idle between a batch of bodies sent and its answer.
        let threads: Int
        switch renderer {
        case .inProcess: threads = ProcessInfo.processInfo.activeProcessorCount
        case .workers: threads = 2 * ProcessInfo.processInfo.activeProcessorCount
        }
        // Bodies go to the workers a few dozen at a time; a small site (or a preview rebuild) sends them one by one,
        // so that several bodies too slow to render are each found within one deadline, on every worker at once.
        let bodiesPerBatch = max(1, min(64, files.count / (threads * 4)))
        let results = batches.concurrentMap(threads: threads) { batch in
            let decoder = YAMLDecoder()
            return stride(from: 0, to: batch.count, by: bodiesPerBatch).flatMap { start in
                let files = batch[start..<min(start + bodiesPerBatch, batch.count)]
                return parse(files, resolver: resolver, renderer: renderer, decoder: decoder)
            }
        }.flatMap { $0 }
        var entries: [Entry] = []
        var problems: [Diagnostic] = []
        for result in results {
            switch result {
            case .success(let entry): entries.append(entry)
            case .failure(let found): problems += found.diagnostics
            }
        }
        return (entries, problems)
    }

    /// A file whose front matter is decoded, its body still Markdown.
    private struct Decoded {
        var file: SourceFile
        var split: FrontMatterSplit
        var fields: EntryFields
        var editorial: EditorialFields
        var lines: FieldLines
        var page: String
    }

    /// Parses a few files: their front matter one by one, then their bodies together (one message to a worker).
    static func parse(_ files: ArraySlice<SourceFile>, resolver: LinkResolver, renderer: BodyRenderer,
                      decoder: YAMLDecoder) -> [Result<Entry, BuildFailure>] {
        let decoded = files.map { decodeFrontMatter($0, decoder: decoder) }
        let ready = decoded.compactMap { try? $0.get() }
        let bodies: [Result<RenderedMarkdown, MarkdownWorkerFailure>]
        switch renderer {
        case .inProcess(let options):
            bodies = ready.map { entry in
                .success(MarkdownRenderer.render(entry.split.body, options: options, rewrite: { destination in
                    resolver.outputURL(for: destination, from: entry.file.relativePath, page: entry.page)
                }, isFigure: { resolver.isImage($0, from: entry.file.relativePath) }))
            }
        case .workers(let pool):
            bodies = pool.render(ready.map { MarkdownJob(body: $0.split.body, relativePath: $0.file.relativePath, page: $0.page) })
        }
        var rendered = bodies.makeIterator()
        return decoded.map { result in
            result.flatMap { entry in
                switch rendered.next()! {
                case .success(let body):
                    return .success(Entry(kind: entry.file.kind, id: entry.file.id, path: entry.file.path, relativePath: entry.file.relativePath,
                                          fields: entry.fields, editorial: entry.editorial, lines: entry.lines, body: body,
                                          linkTargets: body.links.map { resolver.resolve($0.destination, from: entry.file.relativePath) },
                                          bodyFirstLine: entry.split.bodyFirstLine))
                case .failure(let failure):
                    return .failure([Diagnostic(SourceLocation(path: entry.file.path, line: entry.split.bodyFirstLine), failure.message)])
                }
            }
        }
    }

    private static func decodeFrontMatter(_ file: SourceFile, decoder: YAMLDecoder) -> Result<Decoded, BuildFailure> {
        let split: FrontMatterSplit
        switch FrontMatterParser.split(file.text, path: file.path) {
        case .success(let value): split = value
        case .failure(let problem): return .failure([problem])
        }

        func decode<Fields: FrontMatterFields>(_ type: Fields.Type, _ wrap: (Fields) -> EntryFields) -> Result<(EntryFields, EditorialFields, FieldLines), BuildFailure> {
            FrontMatterParser.decode(type, yaml: split.yaml, path: file.path, firstLine: split.yamlFirstLine, decoder: decoder).map { (wrap($0.fields), $0.editorial, $0.lines) }
        }
        let decoded: Result<(EntryFields, EditorialFields, FieldLines), BuildFailure>
        switch file.kind {
        case .overview: decoded = decode(OverviewFields.self, EntryFields.overview)
        case .person: decoded = decode(PersonFields.self, EntryFields.person)
        case .quote: decoded = decode(QuoteFields.self, EntryFields.quote)
        case .event: decoded = decode(EventFields.self, EntryFields.event)
        case .source: decoded = decode(SourceFields.self, EntryFields.source)
        case .page: decoded = decode(PageFields.self, EntryFields.page)
        case .topic: decoded = decode(TopicFields.self, EntryFields.topic)
        }
        return decoded.map { fields, editorial, lines in
            Decoded(file: file, split: split, fields: fields, editorial: editorial, lines: lines, page: SitePaths.page(file.kind, file.id))
        }
    }
}

/// Where bodies are rendered: in this process (under cmark's parse lock), or in worker processes with a deadline.
enum BodyRenderer: Sendable {
    case inProcess(MarkdownOptions)
    case workers(MarkdownWorkerPool)
}

extension Array where Element: Sendable {
    /// `map` spread over all cores, results in the original order.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        let results = ResultSlots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results.store(transform(self[index]), at: index)
        }
        return results.takeValues()
    }
}

extension Array where Element: Sendable {
    /// `map` on `threads` threads of its own, results in the original order: for work that waits (on a worker
    /// process), where more threads than cores keep the cores busy.
    func concurrentMap<T: Sendable>(threads: Int, _ transform: @escaping @Sendable (Element) -> T) -> [T] {
        guard threads > ProcessInfo.processInfo.activeProcessorCount, count > 1 else { return concurrentMap(transform) }
        let results = ResultSlots<T>(count: count)
        // An atomic counter, not a lock: with more threads than cores, a thread preempted while holding a lock left the
        // others spinning for it (0.6 s of CPU when reading 100,000 files).
        let next = NextIndex()
        let done = DispatchGroup()
        let items = self
        for _ in 0..<Swift.min(threads, count) {
            done.enter()
            Thread.detachNewThread {
                while true {
                    let index = next.take()
                    guard index < items.count else { break }
                    results.store(transform(items[index]), at: index)
                }
                done.leave()
            }
        }
        done.wait()
        return results.takeValues()
    }
}

/// Hands out 0, 1, 2, … to threads taking work items in turn.
private final class NextIndex: Sendable {
    private let next = Atomic(0)
    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// A value worked out on a thread of its own while the caller goes on; `value` waits for it.
final class Background<Value: Sendable>: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<Value?>(nil)

    init(_ work: @escaping @Sendable () -> Value) {
        Thread.detachNewThread { [self] in
            let value = work()
            result.withLock { $0 = value }
            done.signal()
        }
    }

    var value: Value {
        done.wait()
        done.signal()
        return result.withLock { $0! }
    }
}

/// Slots for results computed on many threads. Each slot is written once, by one thread, and read only after every
/// writer is done: `concurrentPerform` has returned, or the threads' group has been waited for, which orders the writes
/// before the reads. So no lock: with more threads than cores, a thread preempted while holding one left the others
/// spinning for it (1.8 % of a 100,000-entry build's samples, all while reading the files).
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ value: T, at index: Int) {
        slots[index] = value
    }

    /// The results, moved out of the slots: once, after every `store`.
    func takeValues() -> [T] {
        let values = (0..<count).map { (slots + $0).move()! }
        slots.initialize(repeating: nil, count: count)
        return values
    }
}
