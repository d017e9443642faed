import WarrenCore

/// The advertised task types and the queues submissions may name, re-read at most once a second.
actor CatalogCache {
    private let store: TaskStore
    private var types: [String: AdvertisedTaskType] = [:]
    private var queues: Set<String> = []
    private var readAt: ContinuousClock.Instant?

    init(store: TaskStore) {
        self.store = store
    }

    func type(named name: String) async throws -> AdvertisedTaskType? {
        try await refresh(missing: types[name] == nil)
        return types[name]
    }

    /// Whether a submission may name `queue` (see ``TaskStore/invitedQueues()``).
    func isInvited(queue: String) async throws -> Bool {
        try await refresh(missing: !queues.contains(queue))
        return queues.contains(queue)
    }

    /// Re-reads the catalog when it is a second old, or when a name is missing and it is 100 ms
    /// old: a worker may have just advertised it.
    private func refresh(missing: Bool) async throws {
        let age = readAt.map { ContinuousClock.now - $0 } ?? .seconds(3600)
        if age > .seconds(1) || (missing && age > .milliseconds(100)) {
            types = try await store.catalog()
            queues = try await store.invitedQueues()
            readAt = .now
        }
    }
}
