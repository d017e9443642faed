internal import CLibPQ
import Synchronization
import WarrenPosix

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection on its own thread. Queries are parameterized; results come back as text.
///
/// Every session is set to UTC with ISO dates, so `timestamptz` columns read back unambiguously.
/// Parameterized statements are prepared on first use and reused, with generic plans: the hot
/// statements are large CTEs whose parsing and planning would otherwise cost more database CPU
/// than their execution. A plan fits the table sizes of the moment it was made, and PostgreSQL
/// keeps it until new statistics (ANALYZE, VACUUM) or DDL invalidate it: one made while
/// `warren.tasks` was nearly empty scans the whole table, however large it has grown since. So a
/// statement is prepared again, with a fresh plan, at its first use outside a transaction once it
/// is `replanInterval` old.
public final class PostgresConnection: @unchecked Sendable {
    /// Prepared statements kept per connection before the cache is reset.
    private static let maximumPreparedStatements = 200
    /// How long a prepared statement's plan is used before it is made again, unless `connect`
    /// says otherwise.
    public static let defaultReplanInterval = Duration.seconds(10)
    private let thread: ConnectionThread
    private let replanInterval: Duration
    // Touched only on `thread`.
    private var connection: OpaquePointer?
    /// SQL text → prepared statement name, and when it was prepared.
    private var prepared: [String: (name: String, preparedAt: ContinuousClock.Instant)] = [:]
    /// Names are never reused, even after the cache is reset.
    private var lastStatementNumber = 0
    /// Set on the thread when libpq reports the connection bad; read from anywhere.
    private let brokenFlag = Atomic<Bool>(false)
    private var broken: Bool {
        get { brokenFlag.load(ordering: .relaxed) }
        set { brokenFlag.store(newValue, ordering: .relaxed) }
    }
    /// Set by ``transaction(_:)``; the next statement sends `BEGIN` ahead of itself, in the same
    /// round trip. Cleared on the thread by that statement.
    private let beginPending = Atomic<Bool>(false)

    private init(thread: ConnectionThread, replanInterval: Duration) {
        self.thread = thread
        self.replanInterval = replanInterval
    }

    /// A connection dropped without ``close()`` still closes and ends its thread. No job can be
    /// running: each holds the connection, so it could not be deinitializing.
    deinit {
        if let connection {
            let handle = ThreadOwnedHandle(connection)
            thread.enqueue { PQfinish(handle.pointer) }
        }
        thread.stop()
    }

    /// Connects with a libpq connection URI (`postgresql://user@host:port/db`).
    /// - Parameters:
    ///   - name: the connection thread's name.
    ///   - replanInterval: how long a prepared statement's plan is used before it is made again.
    /// - Throws: ``PostgresError`` `connectionFailed` with libpq's message (never the password).
    public static func connect(
        uri: String, name: String = "warren-pg", replanInterval: Duration = PostgresConnection.defaultReplanInterval
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(thread: ConnectionThread(name: name), replanInterval: replanInterval)
        do {
            try await connection.thread.run { try connection.open(uri: uri) }
        } catch {
            connection.thread.stop()
            throw error
        }
        return connection
    }

    /// Connects, runs `body` with the connection, and closes it, whether `body` returns or throws.
    public static func withConnection<Result: Sendable>(
        uri: String, name: String = "warren-pg",
        replanInterval: Duration = PostgresConnection.defaultReplanInterval,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await connect(uri: uri, name: name, replanInterval: replanInterval)
        return try await closing(connection.close) { try await body(connection) }
    }

    /// False once the connection broke; a pool drops such connections.
    public var isUsable: Bool { !broken }

    /// Closes the connection and ends its thread.
    public func close() async {
        _ = try? await thread.run { [self] in
            thread.watch(nil)
            if let connection { PQfinish(connection) }
            connection = nil
            broken = true
        }
        thread.stop()
    }

    /// Runs one statement and returns its rows.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        let sql = query.sql
        let texts = query.parameters.map(\.postgresText)
        if let recorder = PostgresPlans.recorder, PostgresPlans.explains(sql) {
            let plan = try await thread.run { [self] in try execute("EXPLAIN (COSTS OFF) " + sql, texts) }
            recorder.record(try plan.map { try $0.decode("QUERY PLAN", as: String.self) })
        }
        return try await thread.run { [self] in try execute(sql, texts) }
    }

    /// Runs SQL text that may hold several statements and no parameters (migrations).
    /// The caller vouches that the text holds no user data.
    public func execute(unsafeSQL sql: String) async throws {
        _ = try await thread.run { [self] in try execute(sql, nil) }
    }

    /// Runs `body` inside `BEGIN … COMMIT`, rolling back if it throws. `BEGIN` goes out with the
    /// transaction's first statement, in the same round trip; a body that runs none sends nothing.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        beginPending.store(true, ordering: .relaxed)
        do {
            let result = try await body(self)
            if !beginPending.exchange(false, ordering: .relaxed) { _ = try await query("COMMIT") }
            return result
        } catch {
            if !beginPending.exchange(false, ordering: .relaxed) {
                do {
                    _ = try await query("ROLLBACK")
                } catch {
                    // Still inside the failed transaction: no later user of this connection could work.
                    broken = true
                }
            }
            throw error
        }
    }

    /// Listens on `channel` (a name Warren chooses, never user input): `onNotification` gets each
    /// payload, and `onLost` is called once if the connection breaks; both run on the connection's
    /// thread. The connection is given over to listening: run no other statements on it.
    public func listen(
        to channel: String, onNotification: @escaping @Sendable (String) -> Void,
        onLost: @escaping @Sendable () -> Void
    ) async throws {
        precondition(channel.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") }, "a channel is a plain identifier")
        try await thread.run { [self] in
            guard let connection, !broken else {
                throw PostgresError(.connectionLost, message: "the connection is closed")
            }
            _ = try execute("LISTEN \(channel)", nil)
            thread.watch(
                ConnectionThread.SocketWatcher(
                    descriptor: PQsocket(connection), idleInterval: -1, hasBufferedInput: { false },
                    onReadable: { [weak self] in self?.readNotifications(onNotification, onLost) }, onIdle: {}))
            // Any that arrived with LISTEN's own reply are in libpq's buffer already.
            readNotifications(onNotification, onLost)
        }
    }

    // MARK: On the connection's thread

    private func readNotifications(_ onNotification: (String) -> Void, _ onLost: () -> Void) {
        guard let connection, !broken else { return }
        guard PQconsumeInput(connection) != 0 else {
            broken = true
            thread.watch(nil)
            onLost()
            return
        }
        while let notification = PQnotifies(connection) {
            onNotification(String(cString: notification.pointee.extra))
            PQfreemem(notification)
        }
    }

    /// Settings for every connection unless its URI sets them: a server that goes silent (a cut
    /// link, a host gone) is given up on within about 30 s instead of the kernel's two hours.
    private static let defaults: KeyValuePairs = [
        "connect_timeout": "10", "keepalives_idle": "10", "keepalives_interval": "5", "keepalives_count": "3",
        "tcp_user_timeout": "30000",
    ]

    private func open(uri: String) throws {
        // The URI comes last, so that its own settings win (expand_dbname); nil ends each list.
        let keywords: [String?] = Self.defaults.map(\.key) + ["dbname", nil]
        let values: [String?] = Self.defaults.map(\.value) + [uri, nil]
        let connection = withCStrings(keywords) { keywords in
            withCStrings(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        self.connection = connection
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            broken = true
            throw PostgresError(.connectionFailed, message: message.trimmingTrailingNewlines())
        }
        // Notices ("schema already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        // A generic plan knows no parameter's value, so it may expect far more rows than a statement
        // reads; JIT then compiled a 0.2 ms read of ten million tasks for 20 ms. Warren's statements
        // read few rows each and never gain from it.
        _ = try execute(
            """
            SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601';
            SET plan_cache_mode = force_generic_plan; SET jit = off
            """, nil)
    }

    /// With `parameters` nil, runs `PQexec` (several statements allowed); otherwise the statement
    /// prepared. A pending `BEGIN` goes first, in the same round trip.
    private func execute(_ sql: String, _ parameters: [String?]?) throws -> PostgresRows {
        guard let connection, !broken else {
            throw PostgresError(.connectionLost, message: "the connection is closed")
        }
        guard let parameters else {
            let begin = beginPending.exchange(false, ordering: .relaxed) ? "BEGIN;\n" : ""
            let result = PQexec(connection, begin + sql)
            defer { PQclear(result) }
            return try check(result, on: connection)
        }
        let name = try preparedName(for: sql, parameterCount: parameters.count, on: connection)
        if beginPending.exchange(false, ordering: .relaxed) {
            return try executeAfterBegin(name, parameters, on: connection)
        }
        let result = withCStrings(parameters) { values in
            PQexecPrepared(connection, name, Int32(parameters.count), values, nil, nil, 0)
        }
        defer { PQclear(result) }
        return try check(result, on: connection)
    }

    /// `BEGIN` and the prepared statement `name` sent together in pipeline mode: one round trip.
    private func executeAfterBegin(_ name: String, _ parameters: [String?], on connection: OpaquePointer) throws
        -> PostgresRows
    {
        guard PQenterPipelineMode(connection) == 1 else { throw lost(connection) }
        let sent = withCStrings(parameters) { values in
            PQsendQueryParams(connection, "BEGIN", 0, nil, nil, nil, nil, 0) == 1
                && PQsendQueryPrepared(connection, name, Int32(parameters.count), values, nil, nil, 0) == 1
                && PQpipelineSync(connection) == 1
        }
        guard sent else { throw lost(connection) }
        // Each statement's result is followed by a null; the sync's own result ends the pipeline.
        // All are read before any error is thrown, so that the connection leaves pipeline mode.
        let begin = PQgetResult(connection)
        while let extra = PQgetResult(connection) { PQclear(extra) }
        let statement = PQgetResult(connection)
        while let extra = PQgetResult(connection) { PQclear(extra) }
        var synced = false
        while !synced, let result = PQgetResult(connection) {
            synced = PQresultStatus(result) == PGRES_PIPELINE_SYNC
            PQclear(result)
        }
        defer {
            PQclear(begin)
            PQclear(statement)
        }
        guard synced, PQexitPipelineMode(connection) == 1 else { throw lost(connection) }
        _ = try check(begin, on: connection)
        return try check(statement, on: connection)
    }

    /// Marks the connection broken and returns libpq's reason.
    private func lost(_ connection: OpaquePointer) -> PostgresError {
        broken = true
        return PostgresError(
            .connectionLost, message: String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines())
    }

    /// The name of `sql` prepared on this connection, preparing it first if needed, or again if
    /// its plan is `replanInterval` old and no transaction is open: there, a DEALLOCATE that failed
    /// would abort the caller's transaction, and one already aborted refuses it.
    private func preparedName(for sql: String, parameterCount: Int, on connection: OpaquePointer) throws -> String {
        let now = ContinuousClock.now
        if let statement = prepared[sql] {
            let fresh = now - statement.preparedAt < replanInterval
            if fresh || PQtransactionStatus(connection) != PQTRANS_IDLE { return statement.name }
            prepared[sql] = nil
            // Outside a transaction a failure here harms nothing; a lost connection fails the PREPARE.
            PQclear(PQexec(connection, "DEALLOCATE \(statement.name)"))
        }
        if prepared.count >= Self.maximumPreparedStatements {
            PQclear(PQexec(connection, "DEALLOCATE ALL"))
            prepared.removeAll()
        }
        lastStatementNumber += 1
        let name = "warren_\(lastStatementNumber)"
        let result = PQprepare(connection, name, sql, Int32(parameterCount), nil)
        defer { PQclear(result) }
        _ = try check(result, on: connection)
        prepared[sql] = (name, now)
        return name
    }

    /// The rows of a successful result, or the error it carries.
    private func check(_ result: OpaquePointer?, on connection: OpaquePointer) throws -> PostgresRows {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return rows(result!)
        default:
            if PQstatus(connection) != CONNECTION_OK { throw lost(connection) }
            func field(_ code: Character) -> String? {
                guard let result, let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
                return String(cString: value)
            }
            throw PostgresError(
                .server, sqlState: field("C"),
                message: field("M") ?? String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines(),
                detail: field("D"))
        }
    }

    private func rows(_ result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var line: [String?] = []
            line.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                line.append(
                    PQgetisnull(result, row, column) != 0 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
            values.append(line)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? rowCount
        return PostgresRows(columns: columns, values: values, affectedRows: affected)
    }
}

/// Calls `body` with a C array of C strings (NULL for nil) that lives for the call.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } }
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeMutableBufferPointer { buffer in
        body(buffer.map { $0.map { UnsafePointer($0) } })
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
