internal import COpenSSL
public import Foundation
public import WarrenCore

/// An API key as `warren.api_keys` keeps it: everything but the key itself, which is shown once.
public struct APIKey: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var role: APIRole
    /// The key's first characters, to recognise it by.
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?

    /// `{"id", "name", "role", "prefix", "created_at", "revoked_at"}`.
    public var document: JSONValue { .object(members) }

    /// The document of a key just created, with `key`, the key itself: the one time it is shown.
    public func document(revealing key: String) -> JSONValue {
        var members = members
        members["key"] = .string(key)
        return .object(members)
    }

    private var members: [String: JSONValue] {
        [
            "id": JSONValue(id), "name": .string(name), "role": .string(role.rawValue), "prefix": .string(prefix),
            "created_at": .time(createdAt), "revoked_at": revokedAt.map(JSONValue.time) ?? .null,
        ]
    }
}

/// The secret half of an API key: how one is made, and the digest that is stored in its place.
public enum APIKeySecret {
    /// A new key: `wk_` and 48 hexadecimal digits (192 random bits).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "wk_" + hex(bytes)
    }

    /// How many of a key's characters its ``APIKey/prefix`` shows.
    static let prefixLength = 9

    /// The SHA-256 of a key, in hexadecimal. A key is 192 random bits, so a fast digest is enough:
    /// guessing one from its digest is as hard as guessing the key.
    public static func digest(_ key: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let bytes = Array(key.utf8)
        _ = bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return hex(digest)
    }

    /// Whether two digests are equal, in a time that does not depend on where they differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a.utf8, b.utf8) { difference |= x ^ y }
        return difference == 0
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
