import Hummingbird
import NIOCore
import Warren
import WarrenCore

/// `/openapi.json`, the API's OpenAPI 3.1 document, and `/docs`, the same as a page to read.
struct OpenAPIController: Sendable {
    func add(to router: Router<APIRequestContext>) {
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
        }
        router.get("/docs") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.page)))
        }
    }

    /// Made once, from the document: a test checks that the document parses.
    private static let page = APIReference.html(
        (try? JSONValue(parsing: Array(OpenAPIDocument.text.utf8))) ?? .object([:]))
}
