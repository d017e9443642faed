import Foundation

extension Worker {
    /// How a worker runs.
    public struct Options: Sendable {
        /// The queues to consume; the registered tasks' default queues when empty.
        public var queues: [String]
        /// How many tasks run at once.
        public var concurrency: Int
        /// How many unacked deliveries the broker may send ahead (at least `concurrency`).
        public var prefetch: Int
        /// How long running tasks may take to finish after a shutdown signal.
        public var gracePeriod: Duration
        /// The worker's name in rows and logs.
        public var name: String
        /// How long a task may go on running past its hard time limit (ignoring cancellation)
        /// before the worker process exits with status 70, so that its supervisor starts a fresh one.
        public var runawayGrace: Duration
        /// How long a first delivery runs before its start is written (STARTED, `attempts`, a
        /// STARTED event). A task that ends sooner has its start written with its outcome, in one
        /// statement: one write and one commit per task instead of two. Zero writes every start
        /// before the task runs. Redeliveries always do: their earlier attempt may have crashed
        /// its worker, and counting it is what lets a poison message be recognised.
        public var recordStartAfter: Duration
        /// How long the ack of a recorded delivery may wait for others to share it (one `multiple`
        /// ack): never past this, nor while the deliveries waiting would take more than half of the
        /// prefetch window's room beyond the running tasks (with `prefetch` equal to `concurrency`,
        /// every ack goes at once), nor past the worker's stop. Sent the moment an outcome commits,
        /// an ack reaches the broker just as the client is answered and submits again, and the broker
        /// handles it beside that next message (docs/decisions.md). Zero acks at once.
        public var ackDelay: Duration
        /// The broker's `consumer_timeout` (RabbitMQ's default is 30 minutes): how long it lets a
        /// delivery go unacked before it closes the channel, which redelivers every task running on
        /// it. A delivery that waited half of it in the prefetch buffer for a free slot is given
        /// back to the queue instead of starting, so the waiting never adds up to the timeout.
        public var consumerTimeout: Duration

        public init(
            queues: [String] = [], concurrency: Int = 8, prefetch: Int? = nil, gracePeriod: Duration = .seconds(30),
            name: String? = nil, runawayGrace: Duration = .seconds(30), recordStartAfter: Duration = .milliseconds(100),
            ackDelay: Duration = .milliseconds(5), consumerTimeout: Duration = .seconds(1_800)
        ) {
            self.consumerTimeout = consumerTimeout
            self.runawayGrace = runawayGrace
            self.recordStartAfter = max(.zero, recordStartAfter)
            self.ackDelay = max(.zero, ackDelay)
            self.queues = queues
            self.concurrency = max(1, concurrency)
            self.prefetch = max(self.concurrency, prefetch ?? self.concurrency * 4)
            self.gracePeriod = gracePeriod
            self.name = name ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        }
    }
}
