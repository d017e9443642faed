import Synchronization
import Testing
import WarrenCore

@Suite struct BatcherTests {
    @Test func groupsItemsThatArriveWhileABatchRuns() async throws {
        let sizes = Mutex<[Int]>([])
        let batcher = Batcher<Int, Int>(maximumBatchSize: 50) { items in
            sizes.withLock { $0.append(items.count) }
            try? await Task.sleep(for: .milliseconds(20))
            return items.map { .success($0 * 2) }
        }
        let results = await withTaskGroup(of: Int.self) { group in
            for item in 0..<200 { group.addTask { try! await batcher.submit(item) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == (0..<200).map { $0 * 2 })
        let recorded = sizes.withLock { $0 }
        #expect(recorded.reduce(0, +) == 200)
        #expect(recorded.allSatisfy { $0 <= 50 })
        #expect(recorded.count < 200, "items must share batches: \(recorded)")
    }

    @Test func passesEachItemItsOwnError() async throws {
        struct Odd: Error {}
        let batcher = Batcher<Int, Int>(maximumBatchSize: 10) { items in
            items.map { $0 % 2 == 0 ? .success($0) : .failure(Odd()) }
        }
        #expect(try await batcher.submit(2) == 2)
        await #expect(throws: Odd.self) { try await batcher.submit(3) }
    }
}
