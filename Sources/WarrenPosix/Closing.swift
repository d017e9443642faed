/// Runs `body`, then `close`, whether `body` returned or threw, and passes on `body`'s result or
/// error: the scoped `with…` functions of the clients, which close what they open.
public func closing<Result>(_ close: () async -> Void, after body: () async throws -> Result) async throws -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        await close()
        throw error
    }
    await close()
    return result
}
