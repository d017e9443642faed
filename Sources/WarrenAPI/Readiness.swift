/// `/readyz`'s answer, checked at most once a second however often it is asked: requests in the
/// same second share one check, so hammering the endpoint costs the servers nothing.
actor Readiness {
    typealias Answer = (broker: Bool, database: Bool)

    private let reach: @Sendable () async -> Answer
    private var latest: (answer: Answer, at: ContinuousClock.Instant)?
    private var checking: Task<Answer, Never>?

    /// How long one check's answer is given.
    static let interval = Duration.seconds(1)

    /// - Parameter reach: tries the servers (``WarrenClient/reachability()``).
    init(reach: @escaping @Sendable () async -> Answer) {
        self.reach = reach
    }

    func check() async -> Answer {
        if let latest, ContinuousClock.now - latest.at < Self.interval { return latest.answer }
        if let checking { return await checking.value }
        let task = Task { await reach() }
        checking = task
        let answer = await task.value
        latest = (answer, .now)
        checking = nil
        return answer
    }
}
