/// How much Warren's processes log, from most to least (swift-log's levels, by name).
public enum LogLevel: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// How Warren's processes write their log lines (`WARREN_LOG_FORMAT`): `text` for people, `json`
/// (one object per line) for log collectors.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}
