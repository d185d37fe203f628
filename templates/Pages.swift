// One function per page kind. Each takes plain values and returns the whole page.

public func overviewPage(_ page: PageContext, title: String, summary: String?, image: FigureView?, body markdown: HTML,
                         people: [PersonCard], positions: [TopicQuotes], events: [EventItem], topics: [CountedLink]) -> HTML {
    let asOf: HTML = page.asOf.map { "<p class=\"as-of\">As of <time datetime=\"\($0.machine)\">\($0.display)</time></p>\n" } ?? .empty
    let main: HTML = """
    <article class="overview">
    <header class="page-header">
    <h1>\(title)</h1>
    \(summary.html { "<p class=\"lede\">\($0)</p>\n" })\(asOf)</header>
    \(leadImage(image))\(body(markdown))</article>
    \(positionsSection(positions, allQuotes: page.root + "quotes/index.html"))\
    \(section("Who’s who", id: "people", "<ul class=\"card-grid\">\n\(people.map { personCard($0) })</ul>\n", when: !people.isEmpty))\
    \(section("Timeline", id: "timeline", "<ol class=\"timeline\">\n\(events.map { eventItem($0) })</ol>\n<p class=\"more\"><a href=\"\(page.root)timeline/index.html\">Full timeline</a></p>\n", when: !events.isEmpty))\
    \(section("Topics", id: "topics", countedLinks(topics), when: !topics.isEmpty))
    """
    return layout(page, main: main)
}

public func personPage(_ page: PageContext, name: String, role: String, kindLabel: String?, country: String?, aliases: [String],
                       summary: String?, portrait: FigureView?, body markdown: HTML, topics: [Link], quotes: [TopicQuotes], events: [EventItem], mentions: [Link]) -> HTML {
    var facts: [HTML] = ["<dt>Role</dt><dd>\(role)</dd>"]
    if let kindLabel { facts.append("<dt>Kind</dt><dd>\(kindLabel)</dd>") }
    if let country { facts.append("<dt>Country</dt><dd>\(country)</dd>") }
    if !aliases.isEmpty { facts.append("<dt>Also written</dt><dd>\(aliases.joined(separator: ", "))</dd>") }
    if !topics.isEmpty { facts.append("<dt>Quoted on</dt><dd>\(linkSentence(topics))</dd>") }
    let byTopic = quotes.map { group -> HTML in
        let heading: HTML = group.topic.map { "<h3 class=\"stance-topic\">On <a href=\"\($0.url)\">\($0.title)</a></h3>\n" }
            ?? (quotes.count > 1 ? "<h3 class=\"stance-topic\">Other quotes</h3>\n" : .empty)
        return "<div class=\"stance-group\">\n\(heading)\(group.quotes.map { quoteCard($0, showSpeaker: false, filedUnder: group.topic) })</div>\n"
    }
    let main: HTML = """
    <article class="person">
    <header class="page-header\(portrait == nil ? "" : " with-portrait")">
    \(portrait.map { figure($0, className: "photo portrait-figure") } ?? .empty)<h1>\(name)</h1>
    \(summary.html { "<p class=\"lede\">\($0)</p>\n" })<dl class="facts">\(facts.joined(separator: "\n"))</dl>
    </header>
    \(body(markdown))</article>
    \(section("Quotes", id: "quotes", "\(byTopic)", when: !quotes.isEmpty))\
    \(section("In the timeline", id: "events", "<ol class=\"timeline\">\n\(events.map { eventItem($0) })</ol>\n", when: !events.isEmpty))\
    \(mentionedIn(mentions))
    """
    return layout(page, main: main)
}

public func peopleListPage(_ page: PageContext, people: [PersonCard], sides: [PersonCard]) -> HTML {
    let main: HTML = """
    <h1>People</h1>
    <p class="lede">Everyone the reporting quotes or names, with their role at the time.</p>
    <ul class="card-grid">
    \(people.map { personCard($0, heading: 2) })</ul>
    \(section("Governments and organisations", id: "sides", "<p>Words the reporting attributes to a side rather than to one person.</p>\n<ul class=\"card-grid\">\n\(sides.map { personCard($0) })</ul>\n", when: !sides.isEmpty))
    """
    return layout(page, main: main)
}

public func quotePage(_ page: PageContext, quote: QuoteCard, body markdown: HTML, previous: Link?, next: Link?, mentions: [Link]) -> HTML {
    var facts: [HTML] = [
        "<dt>Speaker</dt><dd><a href=\"\(quote.speaker.url)\">\(quote.speaker.title)</a>\(quote.speakerRole.html { ", \($0)" })</dd>",
        "<dt>Date</dt><dd>\(dateTag(quote.date))</dd>",
    ]
    if let medium = quote.medium { facts.append("<dt>Said in</dt><dd>\(medium)</dd>") }
    if let event = quote.event { facts.append("<dt>Event</dt><dd><a href=\"\(event.url)\">\(event.title)</a></dd>") }
    if let source = quote.source { facts.append("<dt>Source</dt><dd><cite><a href=\"\(source.url)\">\(source.title)</a></cite></dd>") }
    if !quote.topics.isEmpty { facts.append("<dt>Topics</dt><dd>\(linkSentence(quote.topics))</dd>") }
    let main: HTML = """
    <article class="quote">
    <h1 class="visually-hidden">Quote by \(quote.speaker.title)</h1>
    <figure class="quote-hero">
    <blockquote><p>\(quote.text)</p></blockquote>
    <figcaption>— <a href="\(quote.speaker.url)">\(quote.speaker.title)</a>, \(dateTag(quote.date))</figcaption>
    </figure>
    <dl class="facts">\(facts.joined(separator: "\n"))</dl>
    \(markdown.isEmpty ? HTML.empty : "<h2>Context</h2>\n\(body(markdown))")</article>
    \(pager(previous: previous, next: next, label: "Previous and next quote", noun: "quote"))\
    \(mentionedIn(mentions))
    """
    return layout(page, main: main)
}

/// `speakers` and `topics` are shown on the first page only.
public func quotesListPage(_ page: PageContext, quotes: [QuoteCard], speakers: [CountedLink], topics: [CountedLink], pages: PageNumbers) -> HTML {
    let filters: HTML = pages.isFirst ? """
    <div class="filters">
    \(section("By speaker", id: "by-speaker", countedLinks(speakers), when: !speakers.isEmpty))\
    \(section("By topic", id: "by-topic", countedLinks(topics), when: !topics.isEmpty))</div>

    """ : .empty
    let main: HTML = """
    <h1>Quotes</h1>
    <p class="lede">Every quotation in the briefing, verbatim, in date order.</p>
    \(filters)<h2 id="all-quotes">\(pages.count > 1 ? "Quotes \(pages.first)–\(pages.last) of \(pages.total)" : "All quotes")</h2>
    \(quotes.map { quoteCard($0) })\
    \(pageNumbers(pages, label: "Pages of quotes"))
    """
    return layout(page, main: main)
}

public func eventPage(_ page: PageContext, title: String, date: DateView, time: String?, image: FigureView?, body markdown: HTML, people: [Link],
                      quotes: [QuoteCard], sources: [Link], topics: [Link], previous: Link?, next: Link?, mentions: [Link]) -> HTML {
    var facts: [HTML] = ["<dt>Date</dt><dd>\(dateTag(date))\(time.html { ", \($0)" })</dd>"]
    if !people.isEmpty { facts.append("<dt>People</dt><dd>\(linkSentence(people))</dd>") }
    if !sources.isEmpty { facts.append("<dt>Sources</dt><dd>\(linkSentence(sources))</dd>") }
    if !topics.isEmpty { facts.append("<dt>Topics</dt><dd>\(linkSentence(topics))</dd>") }
    let main: HTML = """
    <article class="event">
    <header class="page-header">
    <p class="kicker">\(dateTag(date))\(time.html { " · \($0)" })</p>
    <h1>\(title)</h1>
    </header>
    \(leadImage(image))<dl class="facts">\(facts.joined(separator: "\n"))</dl>
    \(body(markdown))</article>
    \(section("Quotes", id: "quotes", quotes.map { quoteCard($0, showEvent: false) }.joined(), when: !quotes.isEmpty))\
    \(pager(previous: previous, next: next, label: "Previous and next event", noun: "event"))\
    \(mentionedIn(mentions))
    """
    return layout(page, main: main)
}

public func timelinePage(_ page: PageContext, periods: [TimelinePeriod], pages: PageNumbers) -> HTML {
    let groups = periods.map { period -> HTML in
        """
        <section class="period" aria-labelledby="period-\(period.machine)">
        <h2 id="period-\(period.machine)"><time datetime="\(period.machine)">\(period.label)</time></h2>
        <ol class="timeline">
        \(period.events.map { eventItem($0, showQuotes: true) })</ol>
        </section>

        """
    }
    let main: HTML = """
    <h1>Timeline</h1>
    <p class="lede">What happened, in date order. Dates known only to the month or year are shown as such and come first in their period.</p>
    \(pages.count > 1 ? "<p class=\"page-range\">Events \(pages.first)–\(pages.last) of \(pages.total)</p>\n" : .empty)\
    \(groups)\
    \(pageNumbers(pages, label: "Pages of the timeline"))
    """
    return layout(page, main: main)
}

public func sourcePage(_ page: PageContext, title: String, publisher: String, url: String?, date: DateView?, image: FigureView?, body markdown: HTML,
                       quotes: [QuoteCard], events: [Link], mentions: [Link]) -> HTML {
    var facts: [HTML] = ["<dt>Publisher</dt><dd>\(publisher)</dd>"]
    if let date { facts.append("<dt>Date</dt><dd>\(dateTag(date))</dd>") }
    if let url { facts.append("<dt>Link</dt><dd><a href=\"\(url)\" rel=\"external\">\(url)</a></dd>") }
    let main: HTML = """
    <article class="source">
    <header class="page-header"><h1>\(title)</h1></header>
    \(leadImage(image))<dl class="facts">\(facts.joined(separator: "\n"))</dl>
    \(body(markdown))</article>
    \(section("Quotes from this source", id: "quotes", quotes.map { quoteCard($0) }.joined(), when: !quotes.isEmpty))\
    \(section("Events citing this source", id: "events", linkList(events), when: !events.isEmpty))\
    \(mentionedIn(mentions))
    """
    return layout(page, main: main)
}

public func sourcesListPage(_ page: PageContext, sources: [CountedLink]) -> HTML {
    let main: HTML = """
    <h1>Sources</h1>
    <p class="lede">Where every quote and event in this briefing comes from, with the number of entries citing each.</p>
    \(countedLinks(sources))
    """
    return layout(page, main: main)
}

/// A topic's quotes may run over several pages; the summary, speakers, events and mentions are on the first.
public func topicPage(_ page: PageContext, title: String, summary: String?, image: FigureView?, body markdown: HTML,
                      speakers: [CountedLink], quotes: [QuoteCard], events: [EventItem], mentions: [Link], pages: PageNumbers) -> HTML {
    let quotesTitle = pages.count > 1 ? "Quotes \(pages.first)–\(pages.last) of \(pages.total)" : "Quotes"
    let quotesSection: HTML = quotes.isEmpty ? .empty : """
    <section aria-labelledby="quotes">
    <h2 id="quotes">\(quotesTitle)</h2>
    \(quotes.map { quoteCard($0) }.joined())\(pageNumbers(pages, label: "Pages of quotes on \(title)"))</section>

    """
    guard pages.isFirst else {
        return layout(page, main: """
        <article class="topic">
        <header class="page-header">
        <p class="kicker">Topic</p>
        <h1>\(title)</h1>
        </header>
        </article>
        \(quotesSection)
        """)
    }
    let main: HTML = """
    <article class="topic">
    <header class="page-header">
    <p class="kicker">Topic</p>
    <h1>\(title)</h1>
    \(summary.html { "<p class=\"lede\">\($0)</p>\n" })</header>
    \(leadImage(image))\(body(markdown))</article>
    \(section("Who spoke on this", id: "speakers", countedLinks(speakers), when: !speakers.isEmpty))\
    \(quotesSection)\
    \(section("Events", id: "events", "<ol class=\"timeline\">\n\(events.map { eventItem($0) })</ol>\n", when: !events.isEmpty))\
    \(mentionedIn(mentions))
    """
    return layout(page, main: main)
}

public func topicsListPage(_ page: PageContext, topics: [CountedLink]) -> HTML {
    let main: HTML = """
    <h1>Topics</h1>
    <p class="lede">The questions the sides disagree on, with the number of quotes and events on each.</p>
    \(countedLinks(topics))
    """
    return layout(page, main: main)
}

public func plainPage(_ page: PageContext, title: String, image: FigureView?, body markdown: HTML, mentions: [Link]) -> HTML {
    let main: HTML = """
    <article class="page">
    <h1>\(title)</h1>
    \(leadImage(image))\(body(markdown))</article>
    \(mentionedIn(mentions))
    """
    return layout(page, main: main)
}

public func notFoundPage(_ page: PageContext) -> HTML {
    let main: HTML = """
    <h1>Page not found</h1>
    <p class="lede">There is no page at this address. It may have been renamed or removed.</p>
    <ul class="link-list">
    <li><a href="\(page.root)index.html">The overview</a></li>
    <li><a href="\(page.root)people/index.html">People</a></li>
    <li><a href="\(page.root)quotes/index.html">Quotes</a></li>
    <li><a href="\(page.root)timeline/index.html">Timeline</a></li>
    </ul>
    """
    return layout(page, main: main)
}

/// Search over a prebuilt index loaded as a script, so it works from disk as well as from a server.
public func searchPage(_ page: PageContext, indexScript: String, searchScript: String) -> HTML {
    let main: HTML = """
    <h1>Search</h1>
    <form class="search-form" role="search" action="index.html" method="get">
    <label for="search-query">Search people, quotes and events</label>
    <input id="search-query" name="q" type="search" spellcheck="false">
    </form>
    <p id="search-status" class="search-status" role="status" aria-live="polite"></p>
    <ol id="search-results" class="search-results"></ol>
    <noscript><p>Search needs JavaScript. Everything is also listed on the <a href="\(page.root)people/index.html">People</a>, <a href="\(page.root)quotes/index.html">Quotes</a> and <a href="\(page.root)timeline/index.html">Timeline</a> pages.</p></noscript>
    <script src="\(page.root + indexScript)" defer></script>
    <script src="\(page.root + searchScript)" defer></script>
    """
    return layout(page, main: main)
}

/// The photograph at the head of an entry's page.
func leadImage(_ image: FigureView?) -> HTML {
    image.map { figure($0, className: "photo lead") } ?? .empty
}

/// Links to the other pages of a long list: previous and next, the first and last, and those near this one.
func pageNumbers(_ pages: PageNumbers, label: String) -> HTML {
    guard pages.count > 1 else { return .empty }
    let count = pages.count
    let shown = Set([1, count] + Array(max(1, pages.number - 2)...min(count, pages.number + 2)))
    var items: [HTML] = []
    for number in 1...count where shown.contains(number) {
        if number > 1, !shown.contains(number - 1) { items.append("<li class=\"gap\" aria-hidden=\"true\">…</li>") }
        items.append(number == pages.number
            ? "<li><a aria-current=\"page\" href=\"\(pages.url(number))\">\(number)</a></li>"
            : "<li><a href=\"\(pages.url(number))\">\(number)</a></li>")
    }
    let previous: HTML = pages.number > 1 ? "<a class=\"previous\" rel=\"prev\" href=\"\(pages.url(pages.number - 1))\">Earlier</a>" : .empty
    let next: HTML = pages.number < count ? "<a class=\"next\" rel=\"next\" href=\"\(pages.url(pages.number + 1))\">Later</a>" : .empty
    return "<nav class=\"page-numbers\" aria-label=\"\(label)\">\(previous)<ol>\(items.joined())</ol>\(next)</nav>\n"
}

func pager(previous: Link?, next: Link?, label: String, noun: String) -> HTML {
    guard previous != nil || next != nil else { return .empty }
    let previousLink: HTML = previous.map { "<a class=\"previous\" rel=\"prev\" href=\"\($0.url)\"><span>Previous \(noun)</span> \(shortened($0.title))</a>" } ?? "<span></span>"
    let nextLink: HTML = next.map { "<a class=\"next\" rel=\"next\" href=\"\($0.url)\"><span>Next \(noun)</span> \(shortened($0.title))</a>" } ?? "<span></span>"
    return "<nav class=\"pager\" aria-label=\"\(label)\">\(previousLink)\(nextLink)</nav>\n"
}

/// Who is quoted on which question, each speaker once per topic with their latest words there.
func positionsSection(_ positions: [TopicQuotes], allQuotes: String) -> HTML {
    let groups = positions.compactMap { group -> HTML? in
        guard let topic = group.topic else { return nil }
        let more: HTML = group.total > group.quotes.count
            ? "<p class=\"more\"><a href=\"\(topic.url)\">All \(group.total) voices on \(topic.title)</a></p>\n" : .empty
        return """
        <div class="position">
        <h3><a href="\(topic.url)">\(topic.title)</a></h3>
        \(group.summary.html { "<p class=\"position-summary\">\($0)</p>\n" })<ul class="stances">
        \(group.quotes.map(stanceItem))</ul>
        \(more)</div>

        """
    }
    let content: HTML = """
    <p class="section-intro">Each quote is filed under the question it mainly addresses; the question with the most voices comes first.</p>
    <div class="positions">
    \(groups)</div>
    <p class="more"><a href="\(allQuotes)">All quotes, by speaker and topic</a></p>

    """
    return section("Where they stand", id: "positions", content, when: !groups.isEmpty)
}
