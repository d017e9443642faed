import CoreMetrics
import Foundation
import Metrics
import Synchronization
import WarrenCore

/// What Warren counts and times, through swift-metrics: the backend a process bootstraps gets
/// them (`warren api` and `warren worker` export them for Prometheus, with WarrenMetrics). Labels
/// are task and queue names and an outcome, never a task id; each task and queue's handles are
/// made once.
public enum TaskMetrics {
    /// The metric names, as Prometheus shows them.
    public enum Name {
        public static let submitted = "warren_tasks_submitted_total"
        public static let refused = "warren_tasks_refused_total"
        public static let started = "warren_tasks_started_total"
        /// With `outcome`: `success`, `failure` or `retry`.
        public static let completed = "warren_tasks_completed_total"
        /// With `reason`, as the dead letter says it.
        public static let deadLettered = "warren_tasks_dead_lettered_total"
        public static let runTime = "warren_task_run_seconds"
        /// From when a task was due (submitted, or its countdown, ETA or retry came) to its start.
        public static let queueWait = "warren_task_queue_wait_seconds"
        /// Tasks running in this worker now.
        public static let inFlight = "warren_worker_in_flight_tasks"
        /// 1 while the process is connected to `server` (`rabbitmq`, `postgresql`), 0 when it is not.
        public static let connectionUp = "warren_connection_up"
        public static let queueDepth = "warren_queue_ready_tasks"
        public static let deadLetterDepth = "warren_queue_dead_letters"
        public static let oldestWaiting = "warren_queue_oldest_waiting_seconds"
        public static let maximumWaiting = "warren_queue_max_waiting_tasks"
    }

    struct Handles: Sendable {
        let submitted: Counter
        let refused: Counter
        let started: Counter
        let success: Counter
        let failure: Counter
        let retry: Counter
        let runTime: Metrics.Timer
        let queueWait: Metrics.Timer

        init(task: String, queue: String) {
            let labels = [("task", task), ("queue", queue)]
            submitted = Counter(label: Name.submitted, dimensions: labels)
            refused = Counter(label: Name.refused, dimensions: labels)
            started = Counter(label: Name.started, dimensions: labels)
            success = Counter(label: Name.completed, dimensions: labels + [("outcome", "success")])
            failure = Counter(label: Name.completed, dimensions: labels + [("outcome", "failure")])
            retry = Counter(label: Name.completed, dimensions: labels + [("outcome", "retry")])
            runTime = Metrics.Timer(label: Name.runTime, dimensions: labels)
            queueWait = Metrics.Timer(label: Name.queueWait, dimensions: labels)
        }
    }

    struct Key: Hashable {
        var task: String
        var queue: String
    }

    private static let handles = Mutex<[Key: Handles]>([:])

    static func of(task: String, queue: String) -> Handles {
        handles.withLock { handles in
            let key = Key(task: task, queue: queue)
            if let known = handles[key] { return known }
            let made = Handles(task: task, queue: queue)
            handles[key] = made
            return made
        }
    }

    static func deadLettered(task: String, queue: String, reason: DeadLetterReason?) {
        Counter(
            label: Name.deadLettered,
            dimensions: [("task", task), ("queue", queue), ("reason", reason?.rawValue ?? "unknown")]
        ).increment()
    }

    static let inFlight = Meter(label: Name.inFlight)

    /// Sets whether the process is connected to `server`.
    public static func connection(_ server: String, up: Bool) {
        Gauge(label: Name.connectionUp, dimensions: [("server", server)]).record(up ? 1 : 0)
    }
}
