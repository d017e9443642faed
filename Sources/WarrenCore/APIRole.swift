/// What an API key may do; each role may do all that the roles before it may.
/// - `read`: read tasks, history, queues, dead letters and schedules.
/// - `submit`: submit tasks, and revoke the tasks it submitted.
/// - `admin`: everything, including replay, purge, pause and keys.
public enum APIRole: String, Sendable, CaseIterable, Comparable {
    case read, submit, admin

    public static func < (lhs: APIRole, rhs: APIRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
