/// How much Warren's processes log, from most to least (swift-log's levels, by name).
public enum LogLevel: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}
