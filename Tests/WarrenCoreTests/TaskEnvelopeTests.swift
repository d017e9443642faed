import Foundation
import Testing
import WarrenCore

@Suite struct TaskEnvelopeTests {
    let envelope = TaskEnvelope(
        id: UUID(uuidString: "5F0C2A9E-1B7D-4C3E-9A51-2D4E6F708192")!, task: "send_email", queue: "emails",
        args: ["to": "ada@example.com", "n": 3], createdAt: Date(timeIntervalSince1970: 1_764_078_480.25))

    @Test func roundTrips() throws {
        #expect(try TaskEnvelope(decoding: envelope.encoded()) == envelope)
    }

    @Test func writesTheDocumentedFormat() throws {
        let text = String(decoding: envelope.encoded(), as: UTF8.self)
        #expect(
            text
                == #"{"args":{"n":3,"to":"ada@example.com"},"created_at":"2025-11-25T13:48:00.250Z","id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","queue":"emails","task":"send_email","v":1}"#
        )
    }

    @Test func readsTimestampsWithoutFractions() throws {
        let body =
            #"{"v":1,"id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","task":"t","queue":"q","args":{},"created_at":"2025-11-25T13:48:00Z"}"#
        #expect(try TaskEnvelope(decoding: Array(body.utf8)).createdAt == Date(timeIntervalSince1970: 1_764_078_480))
    }

    @Test(arguments: [
        ("not json", "not JSON"),
        (
            #"{"v":2,"id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","task":"t","queue":"q","args":{},"created_at":"2025-11-25T13:48:00Z"}"#,
            "version 2"
        ),
        (#"{"v":1,"id":"nope","task":"t","queue":"q","args":{},"created_at":"2025-11-25T13:48:00Z"}"#, "not a UUID"),
        (
            #"{"v":1,"id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","queue":"q","args":{},"created_at":"2025-11-25T13:48:00Z"}"#,
            "\"task\" is missing"
        ),
        (
            #"{"v":1,"id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","task":5,"queue":"q","args":{},"created_at":"2025-11-25T13:48:00Z"}"#,
            "wrong type"
        ),
        (
            #"{"v":1,"id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","task":"","queue":"q","args":{},"created_at":"2025-11-25T13:48:00Z"}"#,
            "a task name is 1 to 200 bytes"
        ),
        (
            #"{"v":1,"id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","task":"t","queue":"q","args":{"s":["a\u0000"]},"created_at":"2025-11-25T13:48:00Z"}"#,
            "U+0000"
        ),
    ])
    func rejectsBrokenMessagesWithAReason(body: String, reason: String) {
        do {
            _ = try TaskEnvelope(decoding: Array(body.utf8))
            Issue.record("expected \(body) to be rejected")
        } catch let error as WarrenError {
            #expect(error.code == .invalidMessage)
            #expect(error.message.contains(reason), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Suite struct TaskEnvelopeForeignFieldTests {
    static let prefix =
        #"{"v":1,"id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","task":"t","queue":"q","created_at":"2025-11-25T13:48:00Z","#

    @Test(arguments: [
        (#""args":{},"retry":{"max_retries":1e300}}"#, "max_retries"), (#""args":{},"v":1e300}"#, "version"),
        (#""args":{},"retry":{"delay":-1e300}}"#, "retry"), (#""args":{},"retry":"often"}"#, "retry"),
        (#""args":{},"eta":12}"#, "eta"),
    ])
    func refusesHostileFieldsWithAReason(rest: String, reason: String) {
        do {
            _ = try TaskEnvelope(decoding: Array((Self.prefix + rest).utf8))
            Issue.record("expected \(rest) to be rejected")
        } catch let error as WarrenError {
            #expect(error.code == .invalidMessage)
            #expect(error.message.contains(reason), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func carriesExactIntegersInItsArguments() throws {
        let body = Self.prefix + #""args":{"big":123456789012345678901234,"user_id":9007199254740993}}"#
        let envelope = try TaskEnvelope(decoding: Array(body.utf8))
        #expect(envelope.args.jsonText == #"{"big":123456789012345678901234,"user_id":9007199254740993}"#)
        #expect(String(decoding: envelope.encoded(), as: UTF8.self).contains(#""user_id":9007199254740993"#))
    }
}

@Suite struct TaskEnvelopeNameTests {
    func body(task: String, queue: String) -> [UInt8] {
        Array(
            #"{"v":1,"id":"5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192","task":"\#(task)","queue":"\#(queue)","args":{},"created_at":"2025-11-25T13:48:00Z"}"#
                .utf8)
    }

    /// A message's queue is where its retries and delays are republished: one that is reserved, too
    /// long for the delay routing key or a wildcard in a binding is refused before anything is sent there.
    @Test(arguments: [
        ("t", "warren.delay.3"), ("t", "emails.dead"), ("t", "amq.topic"), ("t", String(repeating: "q", count: 201)),
        ("t", "a*b"), ("t", "#"), ("t", ""), (String(repeating: "t", count: 201), "q"), ("bad\\u0007name", "q"),
    ])
    func refusesNamesThatBreakTheRules(task: String, queue: String) {
        #expect {
            try TaskEnvelope(decoding: body(task: task, queue: queue))
        } throws: { error in
            (error as? WarrenError)?.code == .invalidMessage
        }
    }

    @Test func takesNamesAtTheLimit() throws {
        let name = String(repeating: "n", count: Names.maximumLength)
        let envelope = try TaskEnvelope(decoding: body(task: name, queue: name))
        #expect(envelope.queue == name && envelope.task == name)
        #expect(try DelayRoute(seconds: DelayRoute.maximumSeconds, queue: name).routingKey.utf8.count <= 255)
    }
}
