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
enum APIKeySecret {
    /// A new key: `wk_` and 48 hexadecimal digits (192 random bits).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "wk_" + hex(bytes)
    }

    /// How many of a key's characters its ``APIKey/prefix`` shows.
    static let prefixLength = 9

    static func hex(_ bytes: [UInt8]) -> String {
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

/// The SHA-256 of an API key: what `warren.api_keys` stores in the key's place, and what a
/// presented key is compared with. A key is 192 random bits, so a fast digest is enough: guessing
/// one from its digest is as hard as guessing the key.
public struct KeyDigest: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// OpenSSL 3 looks SHA-256 up by name on each one-shot call unless it is given the algorithm:
    /// fetched once, it leaves the digest itself as most of a request's key check.
    nonisolated(unsafe) private static let sha256 = EVP_MD_fetch(nil, "SHA256", nil)

    public init(of key: String) {
        var key = key
        key.withUTF8 { input in
            withUnsafeMutableBytes(of: &words) { output in
                _ = EVP_Digest(input.baseAddress, input.count, output.baseAddress, nil, Self.sha256, nil)
            }
        }
    }

    /// A digest as ``hex`` writes it, as `encode(hash, 'hex')` reads it from PostgreSQL.
    public init?(hex: String) {
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: bytes) }
    }

    /// The digest in hexadecimal, as `decode(…, 'hex')` stores it.
    public var hex: String {
        var words = words
        return withUnsafeBytes(of: &words) { APIKeySecret.hex(Array($0)) }
    }

    /// Whether two digests are equal, in a time that does not depend on where they differ.
    public func matches(_ other: KeyDigest) -> Bool {
        (words.0 ^ other.words.0) | (words.1 ^ other.words.1) | (words.2 ^ other.words.2) | (words.3 ^ other.words.3)
            == 0
    }
}
