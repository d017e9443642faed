import Testing

@testable import WarrenAMQP

@Suite struct ConfirmWindowTests {
    typealias Settled = [ConfirmWindow.Batch: ConfirmWindow.Settlement]

    func settled(_ pairs: [(ConfirmWindow.Batch, ConfirmWindow.Settlement)]) -> Settled {
        Dictionary(uniqueKeysWithValues: pairs)
    }

    /// A window with batches of these sizes, every publish written: returns the window and the batches.
    func window(_ sizes: [Int]) -> (ConfirmWindow, [ConfirmWindow.Batch]) {
        var window = ConfirmWindow()
        var batches: [ConfirmWindow.Batch] = []
        for size in sizes {
            let batch = window.begin(count: size)
            for _ in 0..<size { _ = window.published(batch) }
            batches.append(batch)
        }
        return (window, batches)
    }

    @Test func publishesAreNumberedFromOneInTheOrderWritten() {
        var window = ConfirmWindow()
        let first = window.begin(count: 2)
        let second = window.begin(count: 1)
        #expect(window.published(first) == 1)
        #expect(window.published(second) == 2)
        #expect(window.published(first) == 3)
    }

    @Test func aBatchSettlesOnlyWhenItsLastPublishIsConfirmed() {
        var (window, batches) = window([3])
        #expect(window.received(1, multiple: false, nacked: false).isEmpty)
        #expect(window.received(3, multiple: false, nacked: false).isEmpty)
        #expect(settled(window.received(2, multiple: false, nacked: false)) == [batches[0]: .confirmed])
        #expect(window.waitingBatches == 0)
    }

    @Test func oneMultipleAckSettlesEveryBatchUpToIt() {
        var (window, batches) = window([2, 1, 2])
        #expect(
            settled(window.received(3, multiple: true, nacked: false))
                == [batches[0]: .confirmed, batches[1]: .confirmed])
        #expect(window.waitingBatches == 1)
        #expect(settled(window.received(5, multiple: true, nacked: false)) == [batches[2]: .confirmed])
    }

    @Test func aMultipleAckAfterSingleOnesSkipsWhatWasConfirmed() {
        var (window, batches) = window([1, 1, 1])
        #expect(settled(window.received(2, multiple: false, nacked: false)) == [batches[1]: .confirmed])
        #expect(
            settled(window.received(3, multiple: true, nacked: false))
                == [batches[0]: .confirmed, batches[2]: .confirmed])
        // A confirm the window has already seen, or never gave out, settles nothing.
        #expect(window.received(2, multiple: false, nacked: false).isEmpty)
        #expect(window.received(9, multiple: true, nacked: false).isEmpty)
    }

    @Test func oneNackedPublishMakesItsWholeBatchNacked() {
        var (window, batches) = window([3, 1])
        #expect(window.received(2, multiple: false, nacked: true).isEmpty)
        #expect(
            settled(window.received(4, multiple: true, nacked: false))
                == [batches[0]: .nacked, batches[1]: .confirmed])
    }

    @Test func aMultipleNackRefusesEveryBatchItCovers() {
        var (window, batches) = window([1, 2])
        #expect(
            settled(window.received(3, multiple: true, nacked: true)) == [batches[0]: .nacked, batches[1]: .nacked])
    }

    @Test func aLostConnectionEndsEveryWaitingBatchKeepingEarlierNacks() {
        var (window, batches) = window([2, 2, 1])
        #expect(window.received(1, multiple: false, nacked: false).isEmpty)
        #expect(window.received(3, multiple: false, nacked: true).isEmpty)
        let lost = window.lost()
        #expect(lost.map(\.0) == batches)
        #expect(settled(lost) == [batches[0]: .lost, batches[1]: .nacked, batches[2]: .lost])
        #expect(window.waitingBatches == 0)
        #expect(window.lost().isEmpty)
        #expect(window.received(5, multiple: true, nacked: false).isEmpty)
    }

    @Test func aBatchLostWhileBeingWrittenIsLost() {
        var window = ConfirmWindow()
        let batch = window.begin(count: 3)
        _ = window.published(batch)
        #expect(settled(window.lost()) == [batch: .lost])
    }
}
