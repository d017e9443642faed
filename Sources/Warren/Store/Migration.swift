import Foundation
import WarrenCore

/// One numbered SQL file from `migrations/`.
public struct Migration: Sendable, Equatable {
    /// The file name, e.g. `0001_tasks.sql`; files apply in name order.
    public var name: String
    /// The SQL text.
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// Reads every `*.sql` file in a directory, sorted by name.
    public static func load(from directory: String) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw WarrenError(.migration, "cannot read the migrations directory \(directory)")
        }
        return try names.filter { $0.hasSuffix(".sql") }.sorted().map { name in
            Migration(name: name, sql: try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8))
        }
    }
}
