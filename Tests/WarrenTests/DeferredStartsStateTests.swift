import Testing

@testable import Warren

@Suite struct DeferredStartsStateTests {
    typealias State = DeferredStartsState<String, Int, String>
    let start = ContinuousClock.now

    func isUnwritten(_ settlement: State.Settlement) -> Bool {
        if case .unwritten = settlement { return true }
        return false
    }

    func written(_ settlement: State.Settlement) -> Int? {
        if case .written(let value) = settlement { return value }
        return nil
    }

    func isBeingWritten(_ settlement: State.Settlement) -> Bool {
        if case .beingWritten = settlement { return true }
        return false
    }

    @Test func onlyTheFirstAttemptStartsTheLoopAndTheLoopStopsWhenNoneWait() {
        var state = State()
        let first = state.add("a", due: start + .milliseconds(100))
        let second = state.add("b", due: start + .milliseconds(200))
        #expect(first && !second && state.looping)
        let early = state.takeDue(at: start + .milliseconds(50))
        #expect(early.due.isEmpty && early.goOn)
        let firstDue = state.takeDue(at: start + .milliseconds(150))
        #expect(firstDue.due == ["a"] && firstDue.goOn)
        let last = state.takeDue(at: start + .milliseconds(250))
        #expect(last.due == ["b"] && !last.goOn && !state.looping)
        let restart = state.add("c", due: start + .seconds(1))
        #expect(restart)
    }

    @Test func anAttemptThatEndsBeforeItIsDueIsNeverWritten() {
        var state = State()
        _ = state.add("a", due: start + .milliseconds(100))
        let settlement = state.settle("a")
        #expect(isUnwritten(settlement))
        let later = state.takeDue(at: start + .seconds(1))
        #expect(later.due.isEmpty && !later.goOn)
    }

    @Test func anAttemptThatEndsAfterItsStartWasWrittenGetsTheResult() {
        var state = State()
        _ = state.add("a", due: start)
        _ = state.takeDue(at: start)
        let waiter = state.written("a", 3)
        #expect(waiter == nil)
        let settlement = state.settle("a")
        #expect(written(settlement) == 3)
    }

    @Test func anAttemptThatEndsWhileItsStartIsWrittenWaitsForTheWrite() {
        var state = State()
        _ = state.add("a", due: start)
        _ = state.takeDue(at: start)
        let settlement = state.settle("a")
        #expect(isBeingWritten(settlement))
        let atOnce = state.wait("a", "waiter-a")
        #expect(atOnce == nil)
        let resumed = state.written("a", 4)
        #expect(resumed == "waiter-a")
        // Nothing is left behind: a second result finds no one.
        let again = state.written("a", 5)
        #expect(again == nil)
    }

    @Test func aWriteThatLandsBetweenSettleAndWaitIsHandedOverAtOnce() {
        var state = State()
        _ = state.add("a", due: start)
        _ = state.takeDue(at: start)
        let settlement = state.settle("a")
        #expect(isBeingWritten(settlement))
        let waiter = state.written("a", 6)
        #expect(waiter == nil)
        let atOnce = state.wait("a", "waiter-a")
        #expect(atOnce == 6)
    }

    @Test func attemptsAreKeptApart() {
        var state = State()
        _ = state.add("a", due: start)
        _ = state.add("b", due: start + .seconds(10))
        let taken = state.takeDue(at: start)
        #expect(taken.due == ["a"] && taken.goOn)
        let settledB = state.settle("b")
        #expect(isUnwritten(settledB))
        _ = state.written("a", 1)
        let settledA = state.settle("a")
        #expect(written(settledA) == 1)
    }
}
