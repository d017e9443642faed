import Foundation

/// What the listings (`GET /v1/tasks`, `GET /v1/dead-letters`) share: a page's size, a name
/// filter, the error for a parameter they do not take, and their cursors' text.
public enum Listing {
    /// A page's size when the request names none.
    public static let defaultLimit = 50
    /// The largest page; a larger `limit` is read as this.
    public static let maximumLimit = 500

    /// A `limit` parameter: a whole number from 1, read as at most ``maximumLimit``.
    static func limit(_ value: String) throws -> Int {
        guard let limit = Int(value), limit >= 1 else {
            throw WarrenError(
                .invalidParameter, "limit: must be a whole number from 1 (at most \(maximumLimit) are listed)")
        }
        return min(limit, maximumLimit)
    }

    /// A name filter, checked by `validate` (one of ``Names``' rules).
    static func name(_ value: String, parameter: String, _ validate: (String) throws -> Void) throws -> String {
        do {
            try validate(value)
        } catch let error as WarrenError {
            throw WarrenError(.invalidParameter, "\(parameter): \(error.message)")
        }
        return value
    }

    static let notACursor = WarrenError(
        .invalidParameter, "cursor: not a cursor this API gave; pass next_cursor from a listing")

    static func unknown(_ parameter: String, takes parameters: String) -> WarrenError {
        WarrenError(.invalidParameter, "\(parameter): not a parameter of this listing; it takes \(parameters)")
    }

    /// A cursor's text: its parts, opaque to clients, as URL-safe base64.
    static func cursorText(_ parts: [String]) -> String {
        Data(parts.joined(separator: ".").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The parts of a cursor's text, or nil when it is not one.
    static func cursorParts(_ text: String) -> [String]? {
        guard text.utf8.count <= 80 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: ".", omittingEmptySubsequences: false).map(
            String.init)
    }
}
