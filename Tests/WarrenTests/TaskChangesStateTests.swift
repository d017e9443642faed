import Foundation
import Testing

@testable import Warren

@Suite struct TaskChangesStateTests {
    let start = ContinuousClock.now
    let task = UUID()
    let other = UUID()

    @Test func theFirstWaiterOpensTheConnectionAndLaterOnesWaitForIt() {
        var state = TaskChangesState()
        let first = state.register(task, now: start)
        #expect(first.live == false && first.startListening != nil)
        #expect(state.listening == .connecting(first.startListening!))
        let second = state.register(other, now: start)
        #expect(second.live == false && second.startListening == nil && second.token != first.token)
        let keptFirst = state.listened(first.startListening!, usable: true, now: start)
        #expect(keptFirst)
        let third = state.register(task, now: start)
        #expect(third.live && third.startListening == nil)
    }

    @Test func aNoticeWakesTheWaitersOfEveryTaskItNamesAndNoOthers() {
        var state = TaskChangesState()
        let a = state.register(task, now: start).token
        let b = state.register(task, now: start).token
        let c = state.register(other, now: start).token
        #expect(Set(state.waiters(announcedIn: task.uuidString.lowercased())) == [a, b])
        #expect(
            Set(state.waiters(announcedIn: "\(UUID()),\(other.uuidString.lowercased()),not-an-id,\(task)")) == [
                a, b, c,
            ])
        state.forget(b)
        #expect(state.waiters(announcedIn: task.uuidString) == [a])
        state.forget(a)
        state.forget(a)
        #expect(state.waiters(announcedIn: task.uuidString).isEmpty)
        #expect(state.allWaiters == [c])
    }

    @Test func afterAFailureTheConnectionIsTriedAgainOnlyFiveSecondsLater() {
        var state = TaskChangesState()
        let attempt = state.register(task, now: start).startListening!
        state.failed(attempt, now: start)
        #expect(state.listening == .failed(at: start))
        let tooSoon = state.register(task, now: start + .seconds(4))
        #expect(tooSoon.startListening == nil)
        let retry = state.register(task, now: start + .seconds(5)).startListening
        #expect(retry != nil && retry != attempt)
    }

    @Test func aLostConnectionIsReopenedByTheNextWaiterAfterTheDelay() {
        var state = TaskChangesState()
        let attempt = state.register(task, now: start).startListening!
        let kept = state.listened(attempt, usable: true, now: start)
        #expect(kept)
        state.lost(attempt, now: start + .seconds(1))
        let whileDown = state.register(task, now: start + .seconds(2))
        #expect(whileDown.live == false)
        let afterDelay = state.register(task, now: start + .seconds(6))
        #expect(afterDelay.startListening != nil)
    }

    @Test func aConnectionLostWhileLISTENWasSetUpIsNotKept() {
        var state = TaskChangesState()
        let attempt = state.register(task, now: start).startListening!
        state.lost(attempt, now: start)
        let keptAfterLoss = state.listened(attempt, usable: true, now: start)
        #expect(keptAfterLoss == false)
        var broken = TaskChangesState()
        let second = broken.register(task, now: start).startListening!
        let keptBroken = broken.listened(second, usable: false, now: start)
        #expect(keptBroken == false)
        #expect(broken.listening == .failed(at: start))
    }

    @Test func newsOfAnOlderAttemptChangesNothing() {
        var state = TaskChangesState()
        let old = state.register(task, now: start).startListening!
        state.failed(old, now: start)
        let current = state.register(task, now: start + .seconds(5)).startListening!
        state.failed(old, now: start + .seconds(5))
        state.lost(old, now: start + .seconds(5))
        #expect(state.listening == .connecting(current))
        let keptOld = state.listened(old, usable: true, now: start + .seconds(5))
        #expect(keptOld == false)
        let keptCurrent = state.listened(current, usable: true, now: start + .seconds(5))
        #expect(keptCurrent)
    }

    @Test func onceClosedNothingListensAgain() {
        var state = TaskChangesState()
        let attempt = state.register(task, now: start).startListening!
        state.close()
        let keptAfterClose = state.listened(attempt, usable: true, now: start)
        #expect(keptAfterClose == false)
        let afterClose = state.register(task, now: start + .seconds(60))
        #expect(afterClose.startListening == nil)
    }
}
