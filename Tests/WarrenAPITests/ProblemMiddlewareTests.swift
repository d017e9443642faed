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

    @Test func aMethodAKnownPathDoesNotTakeIsA405WithAllow() async throws {
        try await withRouter { client in
            for method in [HTTPRequest.Method.get, .delete, HTTPRequest.Method("TRACE")!] {
                let response = try await client.execute(uri: "/echo", method: method) { $0 }
                #expect(response.status == .methodNotAllowed, "\(method)")
                #expect(response.headers[.allow] == "POST")
            }
            // The literal route is the one that serves its path, as the router has it: its methods
            // are the ones allowed, not those of the template beside it.
            for method in [HTTPRequest.Method.get, .delete] {
                let literal = try await client.execute(uri: "/items/batch", method: method) { $0 }
                #expect(literal.status == .methodNotAllowed)
                #expect(literal.headers[.allow] == "POST")
            }
            let unknown = try await client.execute(uri: "/nowhere", method: .get) { $0 }
            #expect(unknown.status == .notFound)
        }
    }

    private func withRouter(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let router = Router()
        let routes = RouteTable()
        router.add(middleware: ProblemMiddleware(logger: logger, maximumBodyBytes: 64, routes: routes))
        router.get("/unsupported") { _, _ -> Response in throw HTTPError(.unsupportedMediaType) }
        router.post("/echo") { request, _ -> Response in
            var request = request
            return Response(status: .ok, body: ResponseBody(byteBuffer: try await request.collectBody(upTo: 64)))
        }
        router.get("/internal") { _, _ -> Response in throw WarrenError(.internal, "a statement Warren got wrong") }
        router.get("/items/:id") { _, _ in Response(status: .ok) }
        router.post("/items/batch") { _, _ in Response(status: .ok) }
        routes.record(router)
        try await Application(router: router).test(.router, body)
    }
}
