import WarrenPostgres

/// The statements that read and write tasks (`warren.tasks`, `task_events`, `outbox`,
/// `dead_letters`, `task_types`, `rate_limits`), one facet a file: `+Submitting`, `+Working`,
/// `+Relaying`, `+Revoking`, `+Reading`, `+Catalog`. Statements take many rows at once (`unnest`
/// of array parameters), pass states as parameters, and find rows by primary key, so their plans
/// stay right as the table grows. ``Migrator`` owns the schema's own statements.
struct TaskStore: Sendable {
    let pool: PostgresPool
}
