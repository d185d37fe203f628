import Foundation

/// A date as precise as the reporting allows: a year, a month or a day.
///
/// Ordering puts a less precise date before the more precise dates of the same period,
/// so "May 2025" comes before "11 May 2025" and "2025" before both.
public struct PartialDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int?
    public var day: Int?

    public init(year: Int, month: Int? = nil, day: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or explains what is wrong.
    public static func parse(_ text: String) -> Result<PartialDate, DateError> {
        // On the bytes, digit by digit: every entry has a date, and splitting a `String` into parts and testing
        // `Character`s cost 2 % of a 10,000-entry build.
        let widths = [4, 2, 2]
        var numbers = [0, 0, 0]
        var part = 0, digits = 0
        var wellFormed = true
        for byte in text.utf8 {
            if byte == UInt8(ascii: "-"), digits == widths[part], part < 2 {
                part += 1
                digits = 0
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < widths[part] {
                numbers[part] = numbers[part] * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                wellFormed = false
                break
            }
        }
        guard wellFormed, digits == widths[part] else {
            return .failure(DateError("invalid date '\(text)': write YYYY, YYYY-MM or YYYY-MM-DD"))
        }
        let date = PartialDate(year: numbers[0], month: part >= 1 ? numbers[1] : nil, day: part == 2 ? numbers[2] : nil)
        if let month = date.month, !(1...12).contains(month) {
            return .failure(DateError("invalid date '\(text)': month \(month) does not exist"))
        }
        if let month = date.month, let day = date.day {
            let days = PartialDate.daysIn(month: month, year: date.year)
            guard (1...days).contains(day) else {
                return .failure(DateError("invalid date '\(text)': \(PartialDate.monthNames[month - 1]) \(date.year) has \(days) days"))
            }
        }
        return .success(date)
    }

    public struct DateError: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The machine form, valid in `<time datetime>`: `2025`, `2025-05` or `2025-05-11`.
    public var description: String {
        var text = PartialDate.padded(year, to: 4)
        if let month { text += "-" + PartialDate.padded(month, to: 2) }
        if let day { text += "-" + PartialDate.padded(day, to: 2) }
        return text
    }

    /// `String(format:)` goes through Foundation's formatter; this is called for every date on every page.
    static func padded(_ number: Int, to width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// How a reader sees it: "2025", "May 2025", "11 May 2025".
    public var display: String {
        guard let month else { return String(year) }
        let monthYear = "\(PartialDate.monthNames[month - 1]) \(year)"
        guard let day else { return monthYear }
        return "\(day) \(monthYear)"
    }

    /// The month this date belongs to, or the year alone when no month is known.
    public var monthPeriod: PartialDate { PartialDate(year: year, month: month) }

    public var isFullDate: Bool { day != nil }

    public static func < (a: PartialDate, b: PartialDate) -> Bool {
        (a.year, a.month ?? 0, a.day ?? 0) < (b.year, b.month ?? 0, b.day ?? 0)
    }
}

extension PartialDate: Decodable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch PartialDate.parse(text) {
        case .success(let date): self = date
        case .failure(let error):
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }
}
