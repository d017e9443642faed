/// The publisher-confirm bookkeeping of one channel in confirm mode: which `publish(_:)` calls an
/// ack or a nack from the broker settles. Events go in (a batch begun, a publish written, a confirm
/// received, the connection lost) and settled batches come out; there is no I/O here, and
/// ``AMQPConnection`` resumes the callers it names.
///
/// The broker numbers a channel's publishes from 1, in the order they were written, and confirms
/// them by number: one at a time, or with `multiple`, every one up to a number at once.
struct ConfirmWindow: Sendable {
    /// One `publish(_:)` call's messages.
    typealias Batch = Int

    /// How a batch ended.
    enum Settlement: Equatable, Sendable {
        /// The broker took every message.
        case confirmed
        /// The broker refused at least one message.
        case nacked
        /// The connection was lost before every message was confirmed: any may or may not have been taken.
        case lost
    }

    private struct Waiting {
        var unconfirmed: Int
        var nacked = false
    }

    private var nextBatch: Batch = 0
    private var lastSequence: UInt64 = 0
    private var lowestUnconfirmed: UInt64 = 1
    private var batchOfSequence: [UInt64: Batch] = [:]
    private var waiting: [Batch: Waiting] = [:]

    /// Batches still waiting for a confirm.
    var waitingBatches: Int { waiting.count }

    /// Begins a batch of `count` publishes (at least one).
    mutating func begin(count: Int) -> Batch {
        precondition(count > 0, "a batch holds at least one publish")
        nextBatch += 1
        waiting[nextBatch] = Waiting(unconfirmed: count)
        return nextBatch
    }

    /// A publish of `batch` was written to the channel; returns its sequence number.
    mutating func published(_ batch: Batch) -> UInt64 {
        lastSequence += 1
        batchOfSequence[lastSequence] = batch
        return lastSequence
    }

    /// The broker acked (or, with `nacked`, refused) publish `sequence`, and with `multiple` every
    /// earlier one still unconfirmed. Returns the batches whose last publish this confirmed.
    mutating func received(_ sequence: UInt64, multiple: Bool, nacked: Bool) -> [(Batch, Settlement)] {
        var settled: [(Batch, Settlement)] = []
        func confirm(_ sequence: UInt64) {
            guard let batch = batchOfSequence.removeValue(forKey: sequence), var entry = waiting[batch] else { return }
            entry.unconfirmed -= 1
            entry.nacked = entry.nacked || nacked
            if entry.unconfirmed == 0 {
                waiting[batch] = nil
                settled.append((batch, entry.nacked ? .nacked : .confirmed))
            } else {
                waiting[batch] = entry
            }
        }
        if multiple {
            while lowestUnconfirmed <= min(sequence, lastSequence) {
                confirm(lowestUnconfirmed)
                lowestUnconfirmed += 1
            }
        } else {
            confirm(sequence)
            while lowestUnconfirmed <= lastSequence, batchOfSequence[lowestUnconfirmed] == nil {
                lowestUnconfirmed += 1
            }
        }
        return settled
    }

    /// The connection was lost: every waiting batch ends, `nacked` if the broker refused one of its
    /// publishes already and `lost` otherwise, in the order they began.
    mutating func lost() -> [(Batch, Settlement)] {
        let settled = waiting.sorted { $0.key < $1.key }.map { ($0.key, $0.value.nacked ? Settlement.nacked : .lost) }
        waiting.removeAll()
        batchOfSequence.removeAll()
        lowestUnconfirmed = lastSequence + 1
        return settled
    }
}
