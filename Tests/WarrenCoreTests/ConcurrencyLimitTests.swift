import Synchronization
import Testing
import WarrenCore

/// The worker's slots: a delivery waits for one, and stops waiting when its connection fails.
@Suite struct ConcurrencyLimitTests {
    @Test func aWaiterGivesUpWhenItsConditionTurnsTrueAndTheNextSlotGoesToTheNextWaiter() async {
        let slots = ConcurrencyLimit(1)
        #expect(await slots.acquire(unless: { false }))
        let lost = Atomic<Bool>(false)
        async let givenUp = slots.acquire(unless: { lost.load(ordering: .relaxed) }, checkingEvery: .milliseconds(5))
        async let patient = slots.acquire(unless: { false }, checkingEvery: .milliseconds(5))
        try? await Task.sleep(for: .milliseconds(50))
        lost.store(true, ordering: .relaxed)
        #expect(await givenUp == false)
        #expect(await slots.count == 1)
        await slots.release()
        #expect(await patient)
        #expect(await slots.count == 1)
        await slots.release()
        #expect(await slots.count == 0)
    }

    @Test func noSlotIsTakenWhenTheConditionIsAlreadyTrue() async {
        let slots = ConcurrencyLimit(1)
        #expect(await slots.acquire(unless: { true }) == false)
        #expect(await slots.count == 0)
    }
}
