import Foundation
import Hummingbird
import Testing
import Warren
import WarrenCore
import WarrenTesting

@testable import WarrenAPI

/// The OpenAPI document against the router that serves it, and schemathesis (from PyPI, which
/// scripts/test installs) against a live `warren api` with it.
@Suite(.timeLimit(.minutes(5))) struct OpenAPITests {
    static let document = try! JSONValue(parsing: Array(OpenAPIDocument.text.utf8))

    @Test func theDocumentDescribesEveryRouteAndEachRoutesAccess() async throws {
        let configuration = try await Servers.configuration()
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let routes = APIServer.router(
                client: client, configuration: configuration, insecureNoAuth: false, logger: Servers.logger
            ).routes.map(\.description)
            var documented: [String: JSONValue] = [:]
            guard case .object(let paths) = Self.document["paths"] ?? .null else {
                Issue.record("the document has no paths")
                return
            }
            for (path, item) in paths {
                guard case .object(let operations) = item else { continue }
                for (method, operation) in operations where method != "parameters" {
                    documented["\(method.uppercased()) \(path)"] = operation
                }
            }
            #expect(Set(documented.keys) == Set(routes))
            for (route, operation) in documented {
                let parts = route.split(separator: " ")
                let role = AccessPolicy.role(HTTPRequest.Method(String(parts[0]))!, String(parts[1]))
                // Open routes say so with an empty security list; the others state their role and 401.
                if let role {
                    #expect(operation["security"] == nil, "\(route)")
                    #expect(operation["responses"]?["401"] != nil, "\(route)")
                    #expect(
                        operation["description"]?.stringValue?.contains("Role: \(role.rawValue)") == true, "\(route)")
                } else {
                    // No requirement, or one that may be met by nothing (/metrics' optional key).
                    let requirements = operation["security"]?.arrayValue
                    #expect(requirements == [] || requirements?.contains(.object([:])) == true, "\(route)")
                }
            }
        }
    }

    @Test func theAPIServesTheDocumentAndAPageToReadIt() async throws {
        try await withAPI(try await Servers.configuration()) { api in
            let served = try await api.get("/openapi.json")
            #expect(served.status == .ok)
            #expect(served.json == Self.document)
            let page = try await api.getText("/docs")
            #expect(page.status == .ok)
            #expect(page.contentType == "text/html; charset=utf-8")
            #expect(page.text.contains("<h1>Warren API reference</h1>"))
            #expect(page.text.contains("<code>/v1/tasks/{id}/revoke</code>"))
            #expect(page.text.contains("id=\"schema-Submission\""))
            // Parameters the document names by reference are shown as the parameters they are.
            #expect(page.text.contains("<code>traceparent</code>"))
            #expect(page.text.contains("<code>cursor</code>"))
            #expect(!page.text.contains("<tr><td><code></code>"))
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "no external asset")
        }
    }

    /// schemathesis generates requests from the document, follows its links, and checks every
    /// answer: no 5xx, a status the document lists, a body and headers that match it. Its
    /// `positive_data_acceptance` check is left out: it expects every request the schema allows
    /// to succeed, and the API refuses some by rules no schema can state (a cursor only the API
    /// made, arguments checked against the named task's own schema, a queue that must exist).
    @Test func schemathesisFindsNothing() async throws {
        try await Servers.withDatabase("warren_openapi") { configuration in
            try await WarrenClient.withClient(configuration: configuration, logger: Servers.logger) { client in
                try await client.declare(queue: "default")
            }
            let key = "wk_schemathesis-\(UUID().uuidString)"
            let environment = ["WARREN_DATABASE_URL": configuration.databaseURL, "WARREN_API_KEYS": key]
            try await withProgram(builtExecutable("warren"), ["api", "--port", "0"], environment: environment) {
                output in
                let port = try await printedPort(after: "Warren API listening on http://127.0.0.1:", in: output)
                let run = try await runProgram(
                    "/usr/bin/env",
                    [
                        "schemathesis", "run", "http://127.0.0.1:\(port)/openapi.json", "--header",
                        "Authorization: Bearer \(key)", "--checks", "all", "--exclude-checks",
                        "positive_data_acceptance", "--request-timeout", "70", "--max-response-time", "65",
                        "--max-examples", "15", "--max-time", "150", "--seed", "20261207", "--no-color",
                    ], includingErrors: true)
                let summary = run.output.split(separator: "\n").filter {
                    $0.contains("generated") || $0.contains("passed") || $0.contains("failure")
                        || $0.contains("❌") || $0.contains("error")
                }
                print("schemathesis: " + summary.joined(separator: "\nschemathesis: "))
                #expect(run.status == 0, "\(run.output.suffix(6000))")
            }
        }
    }
}
