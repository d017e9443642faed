import WarrenPosix

/// A small pool of ``PostgresConnection``s opened on demand, each on its own thread.
public actor PostgresPool {
    private let uri: String
    private let maximumConnections: Int
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<PostgresConnection?, Never>] = []
    private var closed = false

    /// - Parameters:
    ///   - uri: a libpq connection URI.
    ///   - maximumConnections: how many connections may be open at once.
    public init(uri: String, maximumConnections: Int = 4) {
        self.uri = uri
        self.maximumConnections = max(1, maximumConnections)
    }

    /// Makes a pool, runs `body` with it, and closes it, whether `body` returns or throws.
    public static func withPool<Result: Sendable>(
        uri: String, maximumConnections: Int = 4, _ body: (PostgresPool) async throws -> Result
    ) async throws -> Result {
        let pool = PostgresPool(uri: uri, maximumConnections: maximumConnections)
        return try await closing(pool.close) { try await body(pool) }
    }

    /// Lends a connection to `body` and takes it back afterwards (dropping it if it broke).
    public func withConnection<T: Sendable>(
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            await giveBack(connection)
            return result
        } catch {
            await giveBack(connection)
            throw error
        }
    }

    /// Runs one statement on a pooled connection.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    /// Runs `body` in a transaction on one pooled connection.
    public func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { try await $0.transaction(body) }
    }

    /// Closes idle connections; connections in use close when they come back.
    public func close() async {
        closed = true
        let connections = idle
        idle.removeAll()
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
        for connection in connections {
            open -= 1
            await connection.close()
        }
    }

    private func lease() async throws -> PostgresConnection {
        while true {
            if closed { throw PostgresError(.connectionLost, message: "the pool is closed") }
            if let connection = idle.popLast() { return connection }
            if open < maximumConnections {
                open += 1
                do {
                    return try await PostgresConnection.connect(uri: uri, name: "warren-pg\(open)")
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            if let connection = await withCheckedContinuation({ waiters.append($0) }) {
                return connection
            }
        }
    }

    private func giveBack(_ connection: PostgresConnection) async {
        if closed || !connection.isUsable {
            open -= 1
            await connection.close()
            wakeOne()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Lets a waiter retry after a slot freed up (it will open a new connection).
    private func wakeOne() {
        if !waiters.isEmpty { waiters.removeFirst().resume(returning: nil) }
    }
}
