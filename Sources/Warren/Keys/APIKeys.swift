import Foundation
import Logging
public import WarrenCore
import WarrenPostgres

/// The API keys in `warren.api_keys`: created, listed and revoked by `warren keys` and
/// `/v1/keys`, and read by the API to check the keys it is sent.
public struct APIKeys: Sendable {
    /// A key the API accepts: its id, role and digest.
    public struct Active: Sendable {
        public var id: Int
        public var role: APIRole
        public var digest: KeyDigest
    }

    /// What the API checks keys against: the keys that are not revoked, and whether any key was
    /// ever created (an API on loopback is open only until the first one is).
    public struct Stored: Sendable {
        public var active: [Active]
        public var anyCreated: Bool
    }

    let pool: PostgresPool
    let logger: Logger

    /// Runs `body` with the keys of the database at `databaseURL`, for a command that only
    /// manages keys.
    public static func withKeys<Result: Sendable>(
        databaseURL: String, _ body: (APIKeys) async throws -> Result
    ) async throws -> Result {
        try await PostgresPool.withPool(uri: databaseURL, maximumConnections: 1) {
            try await body(APIKeys(pool: $0, logger: Logger(label: "warren.keys")))
        }
    }

    /// Creates a key. The key itself is returned here and never again: only its digest is stored.
    public func create(name: String, role: APIRole) async throws -> (key: String, record: APIKey) {
        guard !name.isEmpty, name.utf8.count <= 200, !name.containsNUL else {
            throw WarrenError(.invalidArguments, "a key's name is 1 to 200 bytes, without U+0000")
        }
        let key = APIKeySecret.generate()
        let prefix = String(key.prefix(APIKeySecret.prefixLength))
        let rows = try await query(
            """
            INSERT INTO warren.api_keys (name, role, prefix, hash)
            VALUES (\(name), \(role.rawValue), \(prefix), decode(\(KeyDigest(of: key).hex), 'hex'))
            RETURNING \(unsafeSQL: Self.columns)
            """)
        return (key, try Self.key(rows.first!))
    }

    /// Every key, revoked or not, oldest first.
    public func list() async throws -> [APIKey] {
        try await query("SELECT \(unsafeSQL: Self.columns) FROM warren.api_keys ORDER BY id").map(Self.key)
    }

    /// Revokes a key: the API refuses it within a second (its cache's age).
    /// Revoking a revoked key again keeps its first revocation time.
    /// - Returns: the key, or nil when no key has that id.
    public func revoke(_ id: Int) async throws -> APIKey? {
        let rows = try await query(
            """
            UPDATE warren.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id)
            RETURNING \(unsafeSQL: Self.columns)
            """)
        return try rows.first.map(Self.key)
    }

    /// The keys that are not revoked, with their digests, and whether any key was ever created.
    public func stored() async throws -> Stored {
        let rows = try await query(
            """
            SELECT id, role, encode(hash, 'hex') AS digest, revoked_at IS NULL AS active FROM warren.api_keys
            """)
        var active: [Active] = []
        for row in rows where try row.decode("active", as: Bool.self) {
            guard let digest = KeyDigest(hex: try row.decode("digest")) else { continue }
            active.append(Active(id: try row.decode("id"), role: try Self.role(row), digest: digest))
        }
        return Stored(active: active, anyCreated: !rows.isEmpty)
    }

    /// Runs a statement, reporting the database's errors as ``WarrenError``s, as the client does.
    private func query(_ statement: PostgresQuery) async throws -> PostgresRows {
        do {
            return try await pool.query(statement)
        } catch let error as PostgresError {
            throw WarrenClient.reported(error, logger: logger)
        }
    }

    private static let columns = "id, name, role, prefix, created_at, revoked_at"

    private static func key(_ row: PostgresRow) throws -> APIKey {
        APIKey(
            id: try row.decode("id"), name: try row.decode("name"), role: try role(row),
            prefix: try row.decode("prefix"), createdAt: try row.decode("created_at"),
            revokedAt: try row.decodeIfPresent("revoked_at"))
    }

    private static func role(_ row: PostgresRow) throws -> APIRole {
        let role: String = try row.decode("role")
        guard let known = APIRole(rawValue: role) else {
            throw PostgresError(.decoding, message: "warren.api_keys holds an unknown role \(role.debugDescription)")
        }
        return known
    }
}

extension WarrenClient {
    /// The API keys, in this client's database.
    public var apiKeys: APIKeys { APIKeys(pool: pool, logger: logger) }
}
