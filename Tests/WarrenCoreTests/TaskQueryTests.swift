import Foundation
import Testing
import WarrenCore

@Suite struct TaskQueryTests {
    let now = Date(timeIntervalSince1970: 1_796_634_000)

    func query(_ parameters: [(String, String)]) throws -> TaskQuery {
        try TaskQuery(parameters: parameters.map { (name: $0.0, value: $0.1) }, now: now)
    }

    /// The message of the `invalidParameter` error `parameters` cause.
    func refusal(_ parameters: [(String, String)]) -> String? {
        do {
            _ = try query(parameters)
            return nil
        } catch let error as WarrenError {
            return error.code == .invalidParameter ? error.message : "\(error)"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsEveryParameter() throws {
        let cursor = TaskCursor(createdAtMicroseconds: 1_796_633_000_123_456, id: UUID())
        let read = try query([
            ("state", "failure,REVOKED"), ("state", "FAILURE"), ("task", "send_email"), ("queue", "emails"),
            ("since", "1h"), ("until", "2026-12-07T10:00:00+02:00"), ("limit", "20"), ("cursor", cursor.text),
        ])
        #expect(
            read
                == TaskQuery(
                    states: [.failure, .revoked], task: "send_email", queue: "emails",
                    since: now.addingTimeInterval(-3600), until: Date(timeIntervalSince1970: 1_796_630_400), limit: 20,
                    cursor: cursor))
    }

    @Test func aPageHasFiftyTasksUnlessAskedAndNeverMoreThanFiveHundred() throws {
        #expect(try query([]).limit == 50)
        #expect(try query([("limit", "1")]).limit == 1)
        #expect(try query([("limit", "500")]).limit == 500)
        #expect(try query([("limit", "100000")]).limit == 500)
        #expect(TaskQuery(limit: 9000).limit == 500)
    }

    @Test func durationsCountBackFromNow() throws {
        #expect(TimeText.seconds("30s") == 30)
        #expect(TimeText.seconds("15m") == 900)
        #expect(TimeText.seconds("1h") == 3600)
        #expect(TimeText.seconds("7d") == 604_800)
        for text in ["", "s", "1", "1w", "-1h", "1.5h", "1 h", "h1", "99999999999999999999d", "١h"] {
            #expect(TimeText.seconds(text) == nil, "\(text)")
        }
        #expect(try query([("since", "30s")]).since == now.addingTimeInterval(-30))
        #expect(try query([("until", "7d")]).until == now.addingTimeInterval(-604_800))
        #expect(
            try query([("since", "2026-12-01T09:00:00.250Z")]).since == Date(timeIntervalSince1970: 1_796_115_600.25))
    }

    @Test func badValuesAreRefusedNamingTheParameter() {
        #expect(refusal([("state", "DONE")])?.hasPrefix("state: \"DONE\" is not a task state; one of PENDING") == true)
        #expect(refusal([("state", "")])?.hasPrefix("state: ") == true)
        #expect(refusal([("since", "yesterday")])?.hasPrefix("since: \"yesterday\" is neither a duration") == true)
        #expect(refusal([("until", "2026-12-07")])?.hasPrefix("until: ") == true)
        #expect(refusal([("limit", "0")])?.hasPrefix("limit: ") == true)
        #expect(refusal([("limit", "ten")])?.hasPrefix("limit: ") == true)
        #expect(refusal([("cursor", "not-a-cursor")])?.hasPrefix("cursor: ") == true)
        #expect(refusal([("queue", "emails.dead")])?.hasPrefix("queue: ") == true)
        #expect(refusal([("task", "")])?.hasPrefix("task: ") == true)
        #expect(refusal([("status", "FAILURE")])?.hasPrefix("status: not a parameter of this listing") == true)
    }

    @Test func aCursorReadsBackAsItselfAndNothingElseReadsAsACursor() {
        let cursor = TaskCursor(createdAtMicroseconds: 1_796_633_000_123_456, id: UUID())
        #expect(TaskCursor(text: cursor.text) == cursor)
        #expect(cursor.text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        let notCursors = [
            "", "abc", String(repeating: "A", count: 200), Data("12.zz".utf8).base64EncodedString(),
            Data("-5.\(UUID().uuidString)".utf8).base64EncodedString(),
        ]
        for text in notCursors {
            #expect(TaskCursor(text: text) == nil, "\(text)")
        }
    }
}
