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
        #expect(try query([]).status == .dead)
        #expect(try query([("status", "replayed")]).status == .replayed)
        #expect(try query([("status", "all")]).status == nil)
    }

    @Test func badValuesAreRefusedNamingTheParameter() {
        for (name, value) in [
            ("reason", "bored"), ("queue", "a b"), ("since", "last week"), ("limit", "-1"), ("cursor", "42"),
            ("state", "FAILURE"), ("status", "gone"),
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

@Suite struct DeadLetterSelectionTests {
    let now = Date(timeIntervalSince1970: 1_796_634_000)

    func selection(_ text: String) throws -> DeadLetterSelection {
        try DeadLetterSelection(document: try JSONValue(parsing: Array(text.utf8)), now: now)
    }

    @Test func readsIdsOrAQueueWithFilters() throws {
        #expect(try selection(#"{"ids": [3, 1, 3]}"#) == .ids([3, 1, 3]))
        #expect(
            try selection(#"{"queue": "emails", "reason": "retries_exhausted", "since": "1h"}"#)
                == .matching(
                    DeadLetterQuery(
                        queue: "emails", reason: .retriesExhausted, status: .dead, since: now.addingTimeInterval(-3600),
                        limit: Listing.maximumLimit)))
        #expect(
            try selection(#"{"queue": "emails", "all": true}"#)
                == .matching(DeadLetterQuery(queue: "emails", limit: Listing.maximumLimit)))
        #expect(
            try DeadLetterSelection(filters: [("queue", "emails"), ("task", "send_email")], all: false, now: now)
                == .matching(DeadLetterQuery(queue: "emails", task: "send_email", limit: Listing.maximumLimit)))
    }

    @Test func whatCannotBeReadIsRefusedNamingTheMember() {
        let oneTooMany = "[" + (1...1001).map(String.init).joined(separator: ",") + "]"
        for (body, member) in [
            ("[1, 2]", "body"), (#"{"ids": []}"#, "ids"), (#"{"ids": [0]}"#, "ids"), (#"{"ids": [1.5]}"#, "ids"),
            (#"{"ids": "1"}"#, "ids"), (#"{"ids": \#(oneTooMany)}"#, "ids"),
            (#"{"ids": [1], "queue": "emails"}"#, "ids"),
            ("{}", "queue"), (#"{"reason": "poison"}"#, "queue"), (#"{"queue": "emails"}"#, "all"),
            (#"{"queue": "emails", "all": false}"#, "all"), (#"{"queue": "emails", "all": "yes"}"#, "all"),
            (#"{"queue": "emails", "reason": "bored"}"#, "reason"), (#"{"queue": 7, "all": true}"#, "queue"),
            (#"{"queue": "emails", "all": true, "limit": 5}"#, "limit"),
        ] {
            do {
                _ = try selection(body)
                Issue.record("\(body) was read")
            } catch let error as WarrenError {
                #expect(error.code == .invalidParameter, "\(body)")
                #expect(error.message.hasPrefix("\(member): "), "\(body): \(error.message)")
            } catch {
                Issue.record("\(body): \(error)")
            }
        }
    }
}
