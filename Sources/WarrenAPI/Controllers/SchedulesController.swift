import Foundation
import Hummingbird
import NIOCore
import Warren

/// `/v1/schedules`: the periodic schedules `warren beat` fires, managed at run time.
struct SchedulesController: Sendable {
    let client: WarrenClient
    let maximumBodyBytes: Int

    func add(to router: Router<APIRequestContext>) {
        router.get("/v1/schedules") { _, _ in
            try APIServer.json(.ok, ["schedules": .array(try await client.schedules().map(\.document))])
        }
        router.post("/v1/schedules") { request, _ in
            let schedule = try Schedule(document: try await body(of: request))
            return try APIServer.json(.created, try await client.addSchedule(schedule).document)
        }
        router.get("/v1/schedules/:name") { _, context in
            try APIServer.json(.ok, try await state(named: try Self.name(context)).document)
        }
        router.patch("/v1/schedules/:name") { request, context in
            let name = try Self.name(context)
            let changed = try await state(named: name).schedule.patched(try await body(of: request))
            guard let state = try await client.replaceSchedule(changed) else { throw Self.notFound(name) }
            return try APIServer.json(.ok, state.document)
        }
        router.delete("/v1/schedules/:name") { _, context in
            let name = try Self.name(context)
            guard try await client.removeSchedule(named: name) else { throw Self.notFound(name) }
            return Response(status: .noContent)
        }
        router.post("/v1/schedules/:name/run") { _, context in
            let name = try Self.name(context)
            guard let receipt = try await client.runScheduleNow(named: name) else { throw Self.notFound(name) }
            return try APIServer.json(.accepted, receipt.document)
        }
    }

    private func state(named name: String) async throws -> ScheduleState {
        guard let state = try await client.schedule(named: name) else { throw Self.notFound(name) }
        return state
    }

    private func body(of request: Request) async throws -> JSONValue {
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        return try JSONValue(parsing: body.readableBytesView)
    }

    /// The `{name}` of the path, percent-decoded; a name no schedule can have (one holding NUL,
    /// which PostgreSQL would cut short, among others) is a 404 here, before any statement.
    private static func name(_ context: APIRequestContext) throws -> String {
        let raw = context.parameters.get("name") ?? ""
        let name = raw.removingPercentEncoding ?? raw
        guard (try? Schedule.validate(name: name)) != nil else { throw notFound(name) }
        return name
    }

    private static func notFound(_ name: String) -> WarrenError {
        WarrenError(.notFound, "no schedule is named \(name.prefix(200).debugDescription)")
    }
}
