import Foundation
import Testing
import WarrenCore

@testable import Warren
@testable import WarrenPostgres

/// Reading task rows: what the database says is decoded, or refused, never guessed.
@Suite struct TaskRowTests {
    func row(state: String) -> PostgresRow {
        PostgresRows(columns: ["state"], values: [[state]], affectedRows: 1).first!
    }

    @Test(arguments: TaskState.allCases)
    func everyKnownStateIsRead(state: TaskState) throws {
        #expect(try TaskStore.state(row(state: state.rawValue)) == state)
    }

    @Test func aStateThisVersionDoesNotKnowIsADecodingErrorNotPending() {
        #expect {
            try TaskStore.state(row(state: "PAUSED"))
        } throws: { error in
            (error as? PostgresError)?.code == .decoding && "\(error)".contains("PAUSED")
        }
    }
}
