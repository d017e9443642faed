import Foundation
import Testing
import WarrenCore

@Suite struct DeadLetterQueryTests {
    let now = Date(timeIntervalSince1970: 1_796_634_000)

    func query(_ parameters: [(String, String)]) throws -> DeadLetterQuery {
        try DeadLetterQuery(parameters: parameters.map { (name: $0.0, value: $0.1) }, now: now)
    }

    @Test func readsEveryParameter() throws {
        let cursor = DeadLetterCursor(atMicroseconds: 1_796_633_000_123_456, id: 42)
        #expect(
            try query([
                ("queue", "emails"), ("task", "send_email"), ("reason", "retries_exhausted"), ("since", "1d"),
                ("limit", "900"), ("cursor", cursor.text),
            ])
                == DeadLetterQuery(
                    queue: "emails", task: "send_email", reason: .retriesExhausted,
                    since: now.addingTimeInterval(-86400),
                    limit: 500, cursor: cursor))
        #expect(try query([]) == DeadLetterQuery())
        #expect(try query([]).limit == 50)
    }

    @Test func badValuesAreRefusedNamingTheParameter() {
        for (name, value) in [
            ("reason", "bored"), ("queue", "a b"), ("since", "last week"), ("limit", "-1"), ("cursor", "42"),
            ("state", "FAILURE"),
        ] {
            do {
                _ = try query([(name, value)])
                Issue.record("\(name)=\(value) was read")
            } catch let error as WarrenError {
                #expect(error.code == .invalidParameter)
                #expect(error.message.hasPrefix("\(name): "), "\(error.message)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func aCursorReadsBackAsItselfAndATasksCursorIsNotOne() {
        let cursor = DeadLetterCursor(atMicroseconds: 1_796_633_000_123_456, id: 7)
        #expect(DeadLetterCursor(text: cursor.text) == cursor)
        let taskCursor = TaskCursor(createdAtMicroseconds: 1, id: UUID())
        #expect(DeadLetterCursor(text: taskCursor.text) == nil)
        #expect(TaskCursor(text: cursor.text) == nil)
    }
}
