import Foundation
import Warren

/// The value at `fraction` (0.5 for the median) of `sorted`, an ascending list; 0 when it is empty.
func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))]
}

/// The benchmark's figures, printed as a table or JSON.
struct Report {
    struct Row {
        var group: String
        var name: String
        var value: Double
        var unit: String
    }

    var machine = ""
    private(set) var rows: [Row] = []

    mutating func add(_ group: String, _ name: String, _ value: Double, _ unit: String) {
        rows.append(Row(group: group, name: name, value: value, unit: unit))
    }

    /// The CPU each process group spent per task during `run`, how busy the whole machine was, and
    /// how much of its cores' time the hypervisor gave to other machines; `label` names the run.
    mutating func addCPU(_ run: EndToEnd.Run, label: String) {
        let perTask = { (seconds: Double) in seconds / Double(run.tasks) * 1_000_000 }
        for (group, seconds) in run.cpu.groups.sorted(by: { (Self.rank($0.key), $0.key) < (Self.rank($1.key), $1.key) })
        {
            add("cpu", "\(label): \(group) per task", perTask(seconds), "µs")
        }
        add("cpu", "\(label): all processes per task", perTask(run.cpu.busy), "µs")
        add("cpu", "\(label): machine busy", run.cpu.share(run.cpu.busy), "%")
        add("cpu", "\(label): stolen by the hypervisor", run.cpu.share(run.cpu.stolen), "%")
    }

    /// Servers first, then Warren's processes, then the load generators.
    private static func rank(_ group: String) -> Int {
        switch group {
        case "rabbitmq": 0
        case "postgresql": 1
        case "benchmark", "wrk": 3
        default: 2
        }
    }

    func table() -> String {
        let nameWidth = rows.map(\.name.count).max() ?? 10
        var lines = ["Warren benchmark — \(machine)", ""]
        lines.append(pad("group", 9) + pad("measure", nameWidth + 2) + "value")
        lines.append(String(repeating: "-", count: 9 + nameWidth + 2 + 18))
        for row in rows {
            lines.append(pad(row.group, 9) + pad(row.name, nameWidth + 2) + format(row.value) + " " + row.unit)
        }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        let document: JSONValue = [
            "machine": .string(machine),
            "figures": .array(
                rows.map {
                    [
                        "group": .string($0.group), "name": .string($0.name), "value": JSONValue($0.value),
                        "unit": .string($0.unit),
                    ]
                }),
        ]
        return document.jsonText
    }

    static func machineDescription() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        let model =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(cores) cores (\(model)), \(String(format: "%.0f", memory)) GiB"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func format(_ value: Double) -> String {
        let text = value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
        return String(repeating: " ", count: max(0, 10 - text.count)) + text
    }
}
