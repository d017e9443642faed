import WarrenCore

extension TaskRegistry {
    /// The tasks the `warren` executable ships: `send_email`, `generate_report` and `noop`.
    public static func builtin(configuration: WarrenCore.Configuration) -> TaskRegistry {
        var registry = TaskRegistry()
        registry.register(SendEmail(mailDirectory: configuration.mailDirectory))
        registry.register(GenerateReport())
        registry.register(Noop())
        registry.register(Sleep())
        return registry
    }
}
