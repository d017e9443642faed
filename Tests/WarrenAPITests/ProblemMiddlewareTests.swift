import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import Warren

@testable import WarrenAPI

/// Every error leaves the API as a problem document with the status its cause calls for.
@Suite struct ProblemMiddlewareTests {
    @Test func hummingbirdsOwnErrorsKeepTheirStatus() async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: "/unsupported", method: .get) { $0 }
            #expect(response.status == .unsupportedMediaType)
            #expect(response.headers[.contentType] == "application/problem+json")
            let document = try JSONValue(parsing: response.body.readableBytesView)
            #expect(document["status"] == 415 && document["title"] == "Unsupported Media Type")
        }
    }

    @Test func aBodyOverTheLimitIsA413WhereverItIsRead() async throws {
        try await withRouter { client in
            let response = try await client.execute(
                uri: "/echo", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 65))
            ) { $0 }
            #expect(response.status == .contentTooLarge)
            let document = try JSONValue(parsing: response.body.readableBytesView)
            #expect(document["detail"] == "the request body is over the limit of 64 bytes")
        }
    }

    @Test func anErrorTryingAgainCannotMendIsA500() async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: "/internal", method: .get) { $0 }
            #expect(response.status == .internalServerError)
        }
    }

    private func withRouter(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let router = Router()
        router.add(middleware: ProblemMiddleware(logger: logger, maximumBodyBytes: 64))
        router.get("/unsupported") { _, _ -> Response in throw HTTPError(.unsupportedMediaType) }
        router.post("/echo") { request, _ -> Response in
            var request = request
            return Response(status: .ok, body: ResponseBody(byteBuffer: try await request.collectBody(upTo: 64)))
        }
        router.get("/internal") { _, _ -> Response in throw WarrenError(.internal, "a statement Warren got wrong") }
        try await Application(router: router).test(.router, body)
    }
}
