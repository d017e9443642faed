/// The way a delayed message takes through Warren's delay queues in RabbitMQ.
///
/// The delay queues form a cascade of ``levels`` levels. Level `L` has a topic exchange and a
/// queue whose messages all live 2^L seconds (`x-message-ttl`) and are then dead-lettered to the
/// exchange of level `L − 1` (level 0's go to ``deliveryExchange``). A message's routing key spells
/// its delay in binary, highest level first, followed by its destination queue:
/// `0.….0.1.0.1.emails` waits 4 s in level 2 and 1 s in level 0. Each level's exchange sends the
/// message into its queue when its bit is 1 and straight down to the next level when it is 0.
///
/// Every message in one level's queue has the same time to live, so the queue expires them in
/// order and nothing waits behind a longer delay; nothing delayed is held by a worker; any delay
/// of 1 s to ``maximumSeconds`` (48 days) takes at most ``levels`` hops. `docs/delays.md` says more.
public struct DelayRoute: Sendable, Equatable {
    /// The number of levels: 2^22 − 1 s is 48.5 days.
    public static let levels = 22
    /// The longest delay, in seconds.
    public static let maximumSeconds = (1 << levels) - 1
    /// Where the last level hands messages over, by destination queue.
    public static let deliveryExchange = "warren.delay.deliver"

    /// Whole seconds to wait, 1 to ``maximumSeconds``.
    public let seconds: Int
    /// The queue the message goes to when the delay is over.
    public let queue: String

    /// - Throws: ``WarrenError`` `invalidArguments` when `seconds` is out of range.
    public init(seconds: Int, queue: String) throws {
        guard (1...Self.maximumSeconds).contains(seconds) else {
            throw WarrenError(.invalidArguments, "a delay must be from 1 to \(Self.maximumSeconds) seconds")
        }
        self.seconds = seconds
        self.queue = queue
    }

    /// A route for `seconds` brought into 1…``maximumSeconds``: for delays a worker computed itself.
    public init(clamping seconds: Int, queue: String) {
        self.seconds = min(max(seconds, 1), Self.maximumSeconds)
        self.queue = queue
    }

    /// The seconds from `now` to `due`, rounded to the nearest, or nil when that is none. The
    /// message then arrives at most half a second early, and the worker holds it until it is due
    /// (rounded up, it would arrive up to a second late).
    /// - Throws: ``WarrenError`` `invalidArguments` when `due` is further away than ``maximumSeconds``.
    public static func seconds(until due: Double, now: Double) throws -> Int? {
        let remaining = (due - now).rounded()
        if remaining < 1 { return nil }
        guard remaining <= Double(maximumSeconds) else {
            throw WarrenError(.invalidArguments, "a delay must be at most \(maximumSeconds) seconds (48 days)")
        }
        return Int(remaining)
    }

    /// The exchange to publish to: the highest level's.
    public static var entryExchange: String { exchange(level: levels - 1) }

    /// The routing key: one word per level, highest first (`1` to wait in that level), then the queue.
    public var routingKey: String {
        var words: [String] = []
        words.reserveCapacity(Self.levels + 1)
        for level in stride(from: Self.levels - 1, through: 0, by: -1) {
            words.append(seconds & (1 << level) != 0 ? "1" : "0")
        }
        words.append(queue)
        return words.joined(separator: ".")
    }

    /// Level `level`'s exchange.
    public static func exchange(level: Int) -> String { "warren.delay.\(level)" }

    /// Level `level`'s queue, where messages wait 2^`level` seconds.
    public static func queue(level: Int) -> String { "warren.delay.\(level)" }

    /// Milliseconds a message lives in level `level`'s queue.
    public static func timeToLive(level: Int) -> Int { (1 << level) * 1_000 }

    /// Where level `level` sends what leaves it: the next level down, or the delivery exchange.
    public static func next(level: Int) -> String {
        level == 0 ? deliveryExchange : exchange(level: level - 1)
    }

    /// The binding key on level `level`'s exchange that matches messages whose bit for that level is `bit`.
    public static func bindingKey(level: Int, bit: Bool) -> String {
        var words = Array(repeating: "*", count: levels)
        words[levels - 1 - level] = bit ? "1" : "0"
        return (words + ["#"]).joined(separator: ".")
    }

    /// The binding key on ``deliveryExchange`` for messages bound for `queue`.
    public static func deliveryBindingKey(queue: String) -> String {
        (Array(repeating: "*", count: levels) + [queue]).joined(separator: ".")
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension DelayRoute {
    /// The queue a message was routed to: its routing key, or for a message that came through the
    /// delay queues, the queue named at the end of its key.
    public static func queue(fromRoutingKey key: String) -> String {
        var rest = Substring(key)
        for _ in 0..<levels {
            guard let dot = rest.firstIndex(of: "."), rest[..<dot] == "0" || rest[..<dot] == "1" else { return key }
            rest = rest[rest.index(after: dot)...]
        }
        return rest.isEmpty ? key : String(rest)
    }
}
