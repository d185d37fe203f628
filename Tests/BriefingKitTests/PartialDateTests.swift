@testable import BriefingKit
import Testing

@Suite struct PartialDateTests {
    @Test(arguments: [
        ("2025", "2025", "2025"),
        ("2025-05", "May 2025", "2025-05"),
        ("2025-05-11", "11 May 2025", "2025-05-11"),
        ("2024-02-29", "29 February 2024", "2024-02-29"),
    ])
    func parsesAndDisplays(text: String, display: String, machine: String) throws {
        let date = try PartialDate.parse(text).get()
        #expect(date.display == display)
        #expect(date.description == machine)
    }

    @Test(arguments: [
        ("2025-02-30", "invalid date '2025-02-30': February 2025 has 28 days"),
        ("2025-13", "invalid date '2025-13': month 13 does not exist"),
        ("2025-5-1", "invalid date '2025-5-1': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("May 2025", "invalid date 'May 2025': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("+2025", "invalid date '+2025': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("", "invalid date '': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2025-", "invalid date '2025-': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2025-05-11-01", "invalid date '2025-05-11-01': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2025-05-1x", "invalid date '2025-05-1x': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("20255", "invalid date '20255': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("２０２５", "invalid date '２０２５': write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2025-00", "invalid date '2025-00': month 0 does not exist"),
        ("2024-02-30", "invalid date '2024-02-30': February 2024 has 29 days"),
    ])
    func rejectsImpossibleDates(text: String, message: String) {
        #expect(throws: PartialDate.DateError.self) { try PartialDate.parse(text).get() }
        if case .failure(let error) = PartialDate.parse(text) { #expect(error.description == message) }
    }

    @Test func partialDatesSortBeforeFullDatesOfTheSamePeriod() throws {
        let dates = try ["2025-05-11", "2025-05", "2025", "2025-05-09", "2022-03", "2026"].map { try PartialDate.parse($0).get() }
        #expect(dates.sorted().map(\.description) == ["2022-03", "2025", "2025-05", "2025-05-09", "2025-05-11", "2026"])
    }
}
