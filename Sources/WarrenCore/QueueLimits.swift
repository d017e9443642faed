import Foundation

/// The most tasks that may wait in each queue before submissions to it are refused
/// (`WARREN_MAX_WAITING`): `10000` for every queue, `emails=1000,reports=50` for some, or both,
/// `emails=1000,*=10000`. None by default.
public struct QueueLimits: Sendable, Equatable {
    /// The limit of the queues not named.
    public var all: Int?
    public var byQueue: [String: Int]

    public static let none = QueueLimits(all: nil, byQueue: [:])

    public init(all: Int?, byQueue: [String: Int]) {
        self.all = all
        self.byQueue = byQueue
    }

    /// Reads `WARREN_MAX_WAITING`'s text.
    /// - Throws: ``WarrenError`` `invalidConfiguration` naming the entry that is wrong.
    public init(parsing text: String, setting: String = "WARREN_MAX_WAITING") throws {
        self = .none
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let (queue, number) = parts.count == 2 ? (parts[0], parts[1]) : ("*", parts[0])
            guard let limit = Int(number), limit >= 0 else {
                throw WarrenError(
                    .invalidConfiguration,
                    "\(setting): \(entry.debugDescription) is not a whole number of tasks, or queue=number")
            }
            if queue == "*" {
                all = limit
            } else {
                do {
                    try Names.validate(queue: queue)
                } catch let error as WarrenError {
                    throw WarrenError(.invalidConfiguration, "\(setting): \(error.message)")
                }
                byQueue[queue] = limit
            }
        }
    }

    /// The limit of `queue`, if it has one.
    public func limit(of queue: String) -> Int? { byQueue[queue] ?? all }
}
