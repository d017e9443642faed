public import Foundation
public import WarrenCore

extension WarrenClient {
    /// A page of the task history, newest first; pass the page's ``TaskPage/nextCursor`` in
    /// `query.cursor` for the next. Pages stay stable while tasks are submitted.
    public func tasks(matching query: TaskQuery) async throws -> TaskPage {
        try await reportingServers { try await store.tasks(matching: query) }
    }

    /// Every state a task went through, with time, attempt, worker and detail, in order; nil for
    /// an unknown id.
    public func events(of id: UUID) async throws -> [TaskEvent]? {
        try await reportingServers { try await store.events(of: id) }
    }
}
