import Foundation
public import Hummingbird
import NIOFoundationEssentialsCompat
import Warren

/// An error answered as an RFC 9457 problem document (`application/problem+json`).
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A short, stable identifier of the kind of problem (`unknown-task`), used in `type`.
    public var kind: String
    public var title: String
    public var detail: String
    /// Individual problems, e.g. each argument that failed validation.
    public var errors: [String]
    /// Seconds after which to try again, sent as `Retry-After`.
    public var retryAfter: Int?
    /// For a 405, the methods the path takes, sent as `Allow`.
    public var allowedMethods: [String] = []

    public init(
        _ status: HTTPResponse.Status, kind: String, title: String, detail: String, errors: [String] = [],
        retryAfter: Int? = nil
    ) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = errors
        self.retryAfter = retryAfter
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if !allowedMethods.isEmpty { headers[.allow] = allowedMethods.joined(separator: ", ") }
        return Response(
            status: status, headers: headers,
            body: ResponseBody(
                byteBuffer: ByteBuffer(data: JSONValue.object(members(instance: request.uri.path)).jsonData)))
    }

    /// The problem document's members, for a request to `instance`.
    func members(instance: String) -> [String: JSONValue] {
        var document: [String: JSONValue] = [
            "type": .string("urn:warren:problem:\(kind)"),
            "title": .string(title),
            "status": JSONValue(status.code),
            "detail": .string(detail),
            "instance": .string(instance),
        ]
        if !errors.isEmpty { document["errors"] = .array(errors.map(JSONValue.string)) }
        return document
    }

    /// Maps any error from Warren's layers to the problem a client sees, in one place.
    /// Internal details (SQL, broker replies) are logged, not returned.
    static func from(_ error: any Error) -> Problem {
        if let problem = error as? Problem { return problem }
        if let error = error as? WarrenError {
            switch error.code {
            case .unknownTask:
                return Problem(
                    .unprocessableContent, kind: "unknown-task", title: "Unknown task", detail: error.message)
            case .unknownQueue:
                return Problem(
                    .unprocessableContent, kind: "unknown-queue", title: "Unknown queue", detail: error.message)
            case .invalidArguments:
                return Problem(
                    .unprocessableContent, kind: "invalid-arguments", title: "Invalid arguments", detail: error.message,
                    errors: error.message.components(separatedBy: "; "))
            case .invalidParameter:
                return Problem(
                    .badRequest, kind: "invalid-parameter", title: "Invalid parameter", detail: error.message)
            case .invalidJSON:
                return Problem(.badRequest, kind: "malformed-json", title: "Malformed JSON", detail: error.message)
            case .notFound:
                return Problem(.notFound, kind: "not-found", title: "Not found", detail: error.message)
            case .idempotencyKeyReused:
                return Problem(
                    .conflict, kind: "idempotency-key-reused", title: "Idempotency key reused", detail: error.message)
            case .conflict:
                return Problem(.conflict, kind: "conflict", title: "Conflict", detail: error.message)
            case .queueFull:
                return Problem(
                    .tooManyRequests, kind: "queue-full", title: "Queue full", detail: error.message, retryAfter: 1)
            case .tooLarge:
                return Problem(
                    .contentTooLarge, kind: "body-too-large", title: "Body too large", detail: error.message)
            case .unavailable(.broker):
                return Problem(
                    .serviceUnavailable, kind: "broker-unavailable", title: "Broker unavailable",
                    detail: "RabbitMQ could not be reached; try again")
            case .unavailable(.database):
                return Problem(
                    .serviceUnavailable, kind: "database-unavailable", title: "Database unavailable",
                    detail: "PostgreSQL could not be reached or refused the request; try again")
            default:
                break
            }
        }
        return Problem(
            .internalServerError, kind: "internal", title: "Internal error", detail: "an unexpected error occurred")
    }
}
