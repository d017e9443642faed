import WarrenCore

/// The advertised task types, re-read at most once a second.
actor CatalogCache {
    private let store: TaskStore
    private var types: [String: AdvertisedTaskType] = [:]
    private var readAt: ContinuousClock.Instant?

    init(store: TaskStore) {
        self.store = store
    }

    func type(named name: String) async throws -> AdvertisedTaskType? {
        let age = readAt.map { ContinuousClock.now - $0 } ?? .seconds(3600)
        // An unknown name re-reads soon: a worker may have just advertised it.
        if age > .seconds(1) || (types[name] == nil && age > .milliseconds(100)) {
            types = try await store.catalog()
            readAt = .now
        }
        return types[name]
    }
}
