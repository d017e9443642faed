import Foundation
// A user's own worker: an executable that depends on the Warren library and registers its own
// task. Run it beside `warren api`, with the same WARREN_* environment:
//
//   swift run WordCountWorker
//   curl -X POST localhost:8080/v1/tasks -d '{"task":"count_words","args":{"text":"to be or not to be"}}'
import Logging
import ServiceLifecycle
import UnixSignals
import Warren

/// Counts the words of a text, and the most frequent ones.
struct CountWords: TaskDefinition {
    struct Arguments: Codable, Sendable {
        var text: String
        /// How many of the most frequent words to return (default 3).
        var top: Int?
    }

    struct Result: Codable, Sendable {
        var words: Int
        var mostFrequent: [String]
    }

    static let name = "count_words"
    static let options = TaskOptions(queue: "text")

    func run(_ arguments: Arguments, context: TaskContext) async throws -> Result {
        let words = arguments.text.lowercased().split { !$0.isLetter && $0 != "'" }.map(String.init)
        var counts: [String: Int] = [:]
        for word in words { counts[word, default: 0] += 1 }
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        context.logger.info("counted", metadata: ["words": "\(words.count)"])
        return Result(words: words.count, mostFrequent: ranked.prefix(arguments.top ?? 3).map(\.key))
    }
}

let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
WarrenLogging.bootstrap(configuration)
var registry = TaskRegistry()
registry.register(CountWords())
let logger = Logger(label: "word-count-worker")
let worker = Worker(
    configuration: configuration, registry: registry, options: Worker.Options(concurrency: 4), logger: logger)
let group = ServiceGroup(
    configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
try await group.run()
