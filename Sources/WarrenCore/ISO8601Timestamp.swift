public import Foundation

/// ISO 8601 timestamps in UTC with milliseconds, as Warren writes them in JSON.
public enum ISO8601Timestamp {
    public static func format(_ date: Date) -> String {
        // Rounded to the millisecond and its digits written here: the formatter cuts the fraction
        // short, so that a time read from `…00.123Z` could be written back as `…00.122Z`.
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let fraction = String(Int(milliseconds - seconds * 1000))
        let whole = Date(timeIntervalSince1970: seconds).formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
                .timeSeparator(.colon).timeZone(separator: .omitted))
        return "\(whole.dropLast()).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)Z"
    }

    /// Reads ISO 8601 with or without fractional seconds, to the nearest millisecond: what is
    /// read is written back the same, and a message read and sent on keeps its times.
    public static func parse(_ text: String) -> Date? {
        let date =
            (try? Date(text, strategy: .iso8601))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        return date.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 * 1000).rounded() / 1000) }
    }
}
