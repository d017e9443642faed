import Testing
import WarrenCore

@Suite struct SubmissionDocumentTests {
    @Test func readsAResultTTLInSeconds() throws {
        let submission = try Submission(document: ["task": "noop", "result_ttl": 3600])
        #expect(submission.resultTTL == 3600)
        #expect(try Submission(document: ["task": "noop"]).resultTTL == nil)
    }

    @Test(arguments: [JSONValue(-1), "1h", JSONValue(Submission.maximumResultTTL + 1)])
    func refusesAResultTTLThatIsNotSecondsInRange(value: JSONValue) {
        do {
            _ = try Submission(document: ["task": "noop", "result_ttl": value])
            Issue.record("expected result_ttl \(value.jsonText) to be refused")
        } catch let error as WarrenError {
            #expect(error.code == .invalidArguments)
            #expect(error.message.contains("$.result_ttl"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
