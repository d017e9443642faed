import Hummingbird
import Logging
import NIOCore
import Warren

/// Turns every error into a problem document, logging the ones that are the server's fault.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let maximumBodyBytes: Int
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard allowed.isEmpty else {
                var problem = Problem(
                    .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed",
                    detail:
                        "\(request.method) is not allowed on \(request.uri.path); \(allowed.joined(separator: ", ")) are"
                )
                problem.allowedMethods = allowed
                throw problem
            }
            throw Problem(.notFound, kind: "not-found", title: "Not found", detail: "no route for \(request.uri.path)")
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            throw Problem(
                .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed",
                detail: "\(request.method) is not allowed on \(request.uri.path)")
        } catch is NIOTooManyBytesError {
            throw Problem(
                .contentTooLarge, kind: "body-too-large", title: "Body too large",
                detail: "the request body is over the limit of \(maximumBodyBytes) bytes")
        } catch let error as any HTTPResponseError where !(error is Problem) {
            // Hummingbird's own errors (a malformed request, an unsupported expectation) keep their status.
            throw Problem(
                error.status, kind: "http-\(error.status.code)", title: error.status.reasonPhrase,
                detail: "\(error.status.reasonPhrase.lowercased()): \(request.method) \(request.uri.path)")
        } catch {
            let problem = Problem.from(error)
            // A problem thrown as such (e.g. too-many-waiters) is an answer the API chose, not a fault.
            if problem.status.code >= 500, !(error is Problem) {
                logger.error(
                    "request failed", metadata: [LoggingKey.path: "\(request.uri.path)", LoggingKey.error: "\(error)"])
            }
            throw problem
        }
    }
}
