public import Foundation

/// Times as the history's filters and commands take them: a duration back from now (`30s`, `15m`,
/// `1h`, `7d`) or an RFC 3339 time (`2026-12-01T09:00:00Z`, `2026-12-01T10:00:00+01:00`).
public enum TimeText {
    /// The length of a duration such as `30s`, `15m`, `1h` or `7d`, in seconds; nil for anything else.
    public static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 0, count <= 100_000_000,
            text.dropLast().allSatisfy(\.isASCII)
        else { return nil }
        switch unit {
        case "s": return count
        case "m": return count * 60
        case "h": return count * 3600
        case "d": return count * 86400
        default: return nil
        }
    }

    /// The time `text` names: `now` less a duration, or an RFC 3339 time.
    /// - Throws: ``WarrenError`` `invalidParameter` naming `parameter`.
    public static func date(_ text: String, now: Date, parameter: String) throws -> Date {
        let date = seconds(text).map { now.addingTimeInterval(-Double($0)) } ?? ISO8601Timestamp.parse(text)
        if let date {
            guard earliest...latest ~= date else {
                throw WarrenError(
                    .invalidParameter,
                    "\(parameter): \(text.prefix(60).debugDescription) is before the year 1 or after 9999")
            }
            return date
        }
        throw WarrenError(
            .invalidParameter,
            "\(parameter): \(text.prefix(60).debugDescription) is neither a duration (30s, 15m, 1h, 7d) "
                + "nor an RFC 3339 time (2026-12-01T09:00:00Z)")
    }

    /// The times PostgreSQL and RFC 3339 both hold: 0001-01-01 to 9999-12-31, UTC.
    private static let earliest = Date(timeIntervalSince1970: -62_135_596_800)
    private static let latest = Date(timeIntervalSince1970: 253_402_300_799)
}
