import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenTesting

/// The delay cascade in the real broker: messages come out when due, and a long delay never
/// holds up a short one.
@Suite(.timeLimit(.minutes(1))) struct DelayTests {
    @Test func messagesArriveWhenDueAndNeverWaitBehindLongerDelays() async throws {
        try await withServers { servers in
            let broker = try await servers.broker()
            let topology = Topology()
            let queue = TestEnvironment.uniqueQueue("delay")
            try await topology.declareDelays(on: broker)
            try await topology.declare(queue: queue, on: broker)
            func publish(_ text: String, after seconds: Int) async throws {
                let route = try DelayRoute(seconds: seconds, queue: queue)
                try await broker.publish(
                    AMQPOutgoingMessage(
                        exchange: DelayRoute.entryExchange, routingKey: route.routingKey,
                        properties: AMQPProperties(persistent: true, messageID: text), body: Array(text.utf8)))
            }
            let start = ContinuousClock.now
            // Published first, and sharing levels with the short ones: neither may hold them up.
            try await publish("a day", after: 86_400)
            try await publish("three seconds", after: 3)
            try await publish("one second", after: 1)
            var arrivals: [(String, Double)] = []
            while arrivals.count < 2, ContinuousClock.now - start < .seconds(10) {
                if let delivery = try await broker.get(queue: queue) {
                    arrivals.append(
                        (String(decoding: delivery.body, as: UTF8.self), (ContinuousClock.now - start).seconds))
                    #expect(delivery.properties.messageID != nil)
                    try await broker.ack(delivery.deliveryTag)
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(arrivals.map(\.0) == ["one second", "three seconds"])
            if arrivals.count == 2 {
                #expect(arrivals[0].1 >= 0.9 && arrivals[0].1 < 2.0)
                #expect(arrivals[1].1 >= 2.9 && arrivals[1].1 < 4.0)
            }
            // The day-long message is still waiting in the cascade, not in the queue or a worker.
            #expect(try await broker.declareQueue(queue, passive: true).messageCount == 0)
            try await broker.purgeQueue(DelayRoute.queue(level: 16))
            try await broker.deleteQueue(queue)
        }
    }

    /// A fresh connection connects and declares the delay cascade before its first delayed
    /// publish. On a slow link or a busy broker that takes seconds, and a wait measured from
    /// before it would make the first countdowns that late.
    @Test func aCountdownIsOnTimeWhenTheBrokerAnswersSlowly() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let proxy = try await servers.proxyToRabbitMQ()
            // Connecting and declaring wait for eight replies: some 3 s before the message is made.
            proxy.replyDelay = .milliseconds(400)
            let client = try await servers.client(try configuration.reachingRabbitMQ(through: proxy))
            let queue = TestEnvironment.uniqueQueue("slowdeclare")
            try await withWorker(queues: [queue], configuration: configuration) {
                let submitted = ContinuousClock.now
                let handle = try await client.enqueue(
                    TestTasks.Clock.self, .init(), queue: queue, countdown: .seconds(5))
                // The broker really was slow, or this test shows nothing.
                #expect(ContinuousClock.now - submitted > .seconds(2))
                // When it ran, as it says: its row's started_at is the outcome statement's time less
                // the run time when the start is written with the outcome, later on a busy machine.
                let ranAt = Date(timeIntervalSince1970: try await handle.result(timeout: .seconds(20)))
                let record = try #require(try await client.status(of: handle.id))
                let lateness = ranAt.timeIntervalSince(try #require(record.eta))
                #expect(lateness > -0.05 && lateness < 1.5, "it ran \(lateness) s after it was due")
            }
        }
    }
}
