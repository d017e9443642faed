import ArgumentParser
import Foundation
import Warren

#if canImport(Glibc)
    import Glibc
#endif

/// What `warren dlq replay` and `warren dlq purge` share: which dead letters, the confirmation
/// they ask for, their progress bar and how they print what they did.
struct DeadLetterSelectionOptions: ParsableArguments {
    @Argument(help: "Dead letters' ids (the first column of warren dlq list).")
    var ids: [Int] = []

    @Option(help: "Every waiting dead letter from this queue that matches the other filters.")
    var queue: String?

    @Option(help: "Only dead letters of tasks of this name.")
    var task: String?

    @Option(help: "Only dead letters with this reason (retries_exhausted, not_retryable, time_limit, …).")
    var reason: String?

    @Option(help: "Only dead letters since then: 1h, 7d, or an RFC 3339 time.")
    var since: String?

    @Flag(help: "Every waiting dead letter from --queue.")
    var all = false

    @Flag(help: "Go ahead without asking.")
    var yes = false

    @Flag(help: "Print what was done as the REST API answers it.")
    var json = false

    func selection() throws -> DeadLetterSelection {
        guard ids.isEmpty else {
            guard queue == nil, task == nil, reason == nil, since == nil, !all else {
                throw ValidationError("Name dead letters either by id or by --queue and filters, not both.")
            }
            return try DeadLetterSelection(ids: ids)
        }
        let filters = [("queue", queue), ("task", task), ("reason", reason), ("since", since)]
        return try DeadLetterSelection(
            filters: filters.compactMap { name, value in value.map { (name: name, value: $0) } }, all: all,
            now: Date())
    }

    /// Asks before `verb`ing `count` dead letters, unless `--yes` was given: on a terminal, a
    /// question (asked with no connection open: it waits on a person); otherwise an error that
    /// says to pass `--yes`.
    func confirm(_ verb: String, count: Int) throws {
        if yes { return }
        let what = "\(verb) \(count) dead letter\(count == 1 ? "" : "s")"
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("This would \(what). Run it again with --yes to go ahead.")
        }
        FileHandle.standardError.write(Data("\(what.prefix(1).uppercased())\(what.dropFirst())? [y/N] ".utf8))
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else { throw ExitCode(1) }
    }

    /// A progress bar on standard error, when it is a terminal.
    func progressBar(_ verb: String) -> @Sendable (Int, Int) -> Void {
        guard isatty(STDERR_FILENO) == 1 else { return { _, _ in } }
        return { done, total in
            let width = 30
            let filled = total == 0 ? width : min(width, done * width / total)
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\(verb) [\(bar)] \(done)/\(total)".utf8))
        }
    }

    /// Prints the report: its REST document with `--json`; otherwise a line for each dead letter
    /// named by id, or for each one not `verb`ed, and the totals.
    func print(_ report: DeadLetterReport, done outcome: DeadLetterResult.Outcome) {
        if isatty(STDERR_FILENO) == 1, ids.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
        if json {
            Swift.print(report.document.jsonText)
            return
        }
        let shown = ids.isEmpty ? report.results.filter { $0.outcome != outcome } : report.results
        if !shown.isEmpty {
            printTable(
                ["ID", "OUTCOME", "DETAIL"], shown.map { [String($0.id), $0.outcome.rawValue, $0.detail] })
        }
        let counts = report.counts
        let totals = DeadLetterResult.Outcome.allCases.compactMap { outcome in
            counts[outcome].map { "\($0) \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))" }
        }
        Swift.print(totals.isEmpty ? "no dead letters matched" : totals.joined(separator: ", "))
        for (queue, count) in report.removedMessages {
            Swift.print("removed \(count) message\(count == 1 ? "" : "s") from \(queue)")
        }
    }
}
