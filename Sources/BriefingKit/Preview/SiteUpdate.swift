import Foundation

/// The resolve stage for one saved quote or timeline event: the site as a full resolve would produce it, worked out
/// from the previous site by checking and re-filing that one entry. A save in the preview must not cost as much as
/// checking every entry of a large briefing again.
///
/// It handles the everyday save: the entry's references and links are all valid, and the set of pages and the order
/// of events stay as they were. For anything else (an error to report, a topic used for the first or last time, a
/// changed event date or weight) it returns nil, and the caller resolves the whole site, which finds and reports
/// every problem in the usual order.
enum SiteUpdate {
    static func replacing(_ old: Entry, with new: Entry, in site: Site, drafts: Set<String>) -> Site? {
        guard old.kind == new.kind, old.id == new.id, !new.editorial.isDraft, !old.editorial.isDraft, old.imageID == new.imageID,
              site.entriesByPage[old.page] === old,
              linksHold(new, in: site, drafts: drafts)
        else { return nil }
        var site = site
        if old.body.headingIDs != new.body.headingIDs {
            // Links from other entries into this page may name a heading that is gone.
            for linker in site.mentions[new.page] ?? [] {
                for target in linker.linkTargets {
                    guard case .content(_, let page, let anchor?) = target, page == new.page, !anchor.isEmpty else { continue }
                    guard new.body.headingIDs.contains(anchor) else { return nil }
                }
            }
        }
        switch (old.fields, new.fields) {
        case (.quote(let before), .quote(let after)):
            let item = Quote(entry: new, fields: after)
            guard site.person(after.speaker) != nil, site.source(after.source) != nil,
                  after.event.map({ site.event($0) != nil }) ?? true,
                  topicsHold(old: before.topics ?? [], new: after.topics ?? [], in: site)
            else { return nil }
            let events = site.eventsByID
            let comesFirst = { (a: Quote, b: Quote) in SiteOrder.quote(a, events: events) < SiteOrder.quote(b, events: events) }
            reposition(&site.quotes, id: new.id, as: item, by: comesFirst)
            refile(&site.quotesBySpeaker, id: new.id, as: item, into: [after.speaker], from: [before.speaker], by: comesFirst)
            refile(&site.quotesByEvent, id: new.id, as: item, into: after.event.map { [$0] } ?? [], from: before.event.map { [$0] } ?? [],
                   by: comesFirst)
            refile(&site.quotesBySource, id: new.id, as: item, into: [after.source], from: [before.source], by: comesFirst)
            refile(&site.quotesByTopic, id: new.id, as: item, into: after.topics ?? [], from: before.topics ?? [], by: comesFirst)
        case (.event(let before), .event(let after)):
            // The date and weight order the timeline, and the weight orders the quotes of a day.
            guard before.date == after.date, before.weight == after.weight,
                  (after.people ?? []).allSatisfy({ site.person($0) != nil }),
                  (after.sources ?? []).allSatisfy({ site.source($0) != nil }),
                  topicsHold(old: before.topics ?? [], new: after.topics ?? [], in: site)
            else { return nil }
            let item = Event(entry: new, fields: after)
            let comesFirst = { (a: Event, b: Event) in SiteOrder.event(a) < SiteOrder.event(b) }
            reposition(&site.events, id: new.id, as: item, by: comesFirst)
            site.eventsByID[new.id] = item
            refile(&site.eventsByPerson, id: new.id, as: item, into: after.people ?? [], from: before.people ?? [], by: comesFirst)
            refile(&site.eventsBySource, id: new.id, as: item, into: after.sources ?? [], from: before.sources ?? [], by: comesFirst)
            refile(&site.eventsByTopic, id: new.id, as: item, into: after.topics ?? [], from: before.topics ?? [], by: comesFirst)
        default:
            return nil
        }

        // The pages this entry links to list it among their mentions.
        for page in mentionedPages(old) {
            site.mentions[page]?.removeAll { $0 === old }
            if site.mentions[page]?.isEmpty == true { site.mentions[page] = nil }
        }
        for page in mentionedPages(new) {
            var list = site.mentions[page] ?? []
            list.insert(new, at: insertionIndex(of: new, in: list) { SiteOrder.mention($0) < SiteOrder.mention($1) })
            site.mentions[page] = list
        }
        site.entriesByPage[new.page] = new
        return site
    }

    /// Every link of `entry` reaches a published page, and every `#anchor` a heading on it.
    private static func linksHold(_ entry: Entry, in site: Site, drafts: Set<String>) -> Bool {
        entry.linkTargets.allSatisfy { target in
            switch target {
            case .external:
                return true
            case .sameDocument(let anchor):
                return anchor.isEmpty || entry.body.headingIDs.contains(anchor)
            case .content(let relativePath, let page, let anchor):
                guard !drafts.contains(relativePath) else { return false }
                guard let anchor, !anchor.isEmpty else { return true }
                let headings = page == entry.page ? entry.body.headingIDs : site.entriesByPage[page]?.body.headingIDs
                return headings.map { $0.contains(anchor) } ?? true
            // Images are checked and processed by the whole pipeline.
            case .missing, .notContent, .unsafe, .image:
                return false
            }
        }
    }

    /// The new topics all exist already, and every topic the entry leaves keeps a file or another use: the set of
    /// topic pages stays the same.
    private static func topicsHold(old: [String], new: [String], in site: Site) -> Bool {
        guard new.allSatisfy({ site.topic($0) != nil }) else { return false }
        return Set(old).subtracting(new).allSatisfy { id in
            site.topic(id)?.entry != nil || (site.quotesByTopic[id]?.count ?? 0) + (site.eventsByTopic[id]?.count ?? 0) > 1
        }
    }

    /// The other pages `entry` links to, each once.
    private static func mentionedPages(_ entry: Entry) -> [String] {
        var seen: Set<String> = []
        return entry.linkTargets.compactMap { target in
            guard case .content(_, let page, _) = target, page != entry.page, seen.insert(page).inserted else { return nil }
            return page
        }
    }

    /// Takes the item with `id` out of the groups `from` and puts `item` into the groups `into`, each in order.
    private static func refile<Key: Hashable, Fields>(_ groups: inout [Key: [Item<Fields>]], id: String, as item: Item<Fields>,
                                                     into: [Key], from: [Key], by comesFirst: (Item<Fields>, Item<Fields>) -> Bool) {
        for key in Set(from) {
            groups[key]?.removeAll { $0.id == id }
            if groups[key]?.isEmpty == true { groups[key] = nil }
        }
        for key in Set(into) {
            var list = groups[key] ?? []
            list.insert(item, at: insertionIndex(of: item, in: list, by: comesFirst))
            groups[key] = list
        }
    }

    /// Replaces the item with `id` in the ordered `list` by `item`, where its order puts it.
    private static func reposition<Fields>(_ list: inout [Item<Fields>], id: String, as item: Item<Fields>,
                                           by comesFirst: (Item<Fields>, Item<Fields>) -> Bool) {
        list.removeAll { $0.id == id }
        list.insert(item, at: insertionIndex(of: item, in: list, by: comesFirst))
    }

    /// Where `item` goes in the ordered `list`: a binary search.
    private static func insertionIndex<T>(of item: T, in list: [T], by comesFirst: (T, T) -> Bool) -> Int {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if comesFirst(list[middle], item) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
