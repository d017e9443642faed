/// Group commit: callers submit items one by one; items that arrive while a batch is being
/// processed are processed together in the next one.
///
/// At low load a lone item is processed at once (no added latency); under load batches grow by
/// themselves up to `maximumBatchSize`, which is what turns one commit per item into one per batch.
public actor Batcher<Input: Sendable, Output: Sendable> {
    public typealias Process = @Sendable ([Input]) async -> [Result<Output, any Error>]

    private let maximumBatchSize: Int
    private let maximumConcurrentBatches: Int
    private let process: Process
    private var waiting: [(Input, CheckedContinuation<Output, any Error>)] = []
    private var running = 0

    /// - Parameters:
    ///   - maximumBatchSize: the most items handed to `process` at once.
    ///   - maximumConcurrentBatches: how many batches may be in flight together.
    ///   - process: handles a batch and returns one result per item, in order.
    public init(maximumBatchSize: Int, maximumConcurrentBatches: Int = 1, process: @escaping Process) {
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.maximumConcurrentBatches = max(1, maximumConcurrentBatches)
        self.process = process
    }

    /// Submits one item and waits for its result.
    public func submit(_ input: Input) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((input, continuation))
            startBatchIfPossible()
        }
    }

    private func startBatchIfPossible() {
        guard running < maximumConcurrentBatches, !waiting.isEmpty else { return }
        let count = min(waiting.count, maximumBatchSize)
        let batch = Array(waiting.prefix(count))
        waiting.removeFirst(count)
        running += 1
        let process = self.process
        Task {
            let results = await process(batch.map(\.0))
            for (index, entry) in batch.enumerated() {
                entry.1.resume(with: index < results.count ? results[index] : .failure(BatchResultMissing()))
            }
            self.batchFinished()
        }
    }

    private func batchFinished() {
        running -= 1
        startBatchIfPossible()
    }
}

struct BatchResultMissing: Error, CustomStringConvertible {
    var description: String { "the batch returned fewer results than items" }
}
